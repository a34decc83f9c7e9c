package dev.mre.operator.ops;

import dev.mre.operator.aws.AwsErrors;
import dev.mre.operator.aws.CallMetrics;
import dev.mre.operator.aws.ScopeKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every SES HTTP attempt by account, operation and outcome (HTTP status class or AWS error code), and
 * throttled attempts separately; exports the call rate allowed per account and region. Labels are bounded (a few
 * accounts, regions, operations and codes), never per object.
 */
public final class SesCallMetrics implements CallMetrics {

    static final String CALLS = "ses_mre_ses_calls";
    static final String THROTTLES = "ses_mre_ses_throttles";
    static final String CALL_RATE = "ses_mre_ses_call_rate_limit";

    private final MeterRegistry registry;

    public SesCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The SES calls per second the operator allows itself now in a scope: the ceiling, lower while SES throttles. */
    @Override
    public void callRate(ScopeKey scope, DoubleSupplier callsPerSecond) {
        // strong reference: a gauge holds its state object weakly, and nothing else holds this supplier (a method
        // reference made at the call site), so after the first GC the gauge would read NaN
        Gauge.builder(CALL_RATE, callsPerSecond, DoubleSupplier::getAsDouble)
                .description("SES calls per second the operator allows itself now, per account and region")
                .tag("account", scope.account())
                .tag("region", scope.region())
                .strongReference(true)
                .register(registry);
    }

    @Override
    public ExecutionInterceptor callCounter(String account) {
        return new Counting(account);
    }

    /** Counts the attempts of the clients of one account. */
    private final class Counting implements ExecutionInterceptor {
        private final String account;

        Counting(String account) {
            this.account = account;
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            int status = context.httpResponse().statusCode();
            Optional<String> errorType = context.httpResponse()
                    .firstMatchingHeader("x-amzn-ErrorType")
                    .map(AwsErrors::errorCodeOf);
            String outcome = status < 300 ? "success" : errorType.orElse("HTTP" + status);
            Counter.builder(CALLS)
                    .description("SES HTTP attempts by operation and outcome")
                    .tag("account", account)
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment();
            if (AwsErrors.isThrottling(status, errorType.orElse(null))) {
                Counter.builder(THROTTLES)
                        .description("SES attempts answered with throttling")
                        .tag("account", account)
                        .tag("operation", operation)
                        .register(registry)
                        .increment();
            }
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (context.httpResponse().isEmpty() && !AwsErrors.isNotSent(context.exception())) {
                // no HTTP answer at all (connection refused, reset, timeout); a call the pacer kept back was no attempt
                Counter.builder(CALLS)
                        .description("SES HTTP attempts by operation and outcome")
                        .tag("account", account)
                        .tag("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        .tag("outcome", "transport_error")
                        .register(registry)
                        .increment();
            }
        }
    }
}
