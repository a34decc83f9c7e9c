package dev.mre.operator.aws;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Paces every SES HTTP attempt of the operator (all regions, SDK retries included: it runs before each
 * transmission) through one token bucket of capacity 1, so calls leave evenly spaced, 1/rate apart, instead of in
 * a burst at the start of each second that would meet SES's own token bucket all at once. The rate is the
 * configured ceiling, or, with adaptive limiting on, what {@link AdaptiveCallRate} makes of SES's answers.
 * bucket4j because its bucket can be reconfigured while threads wait on it (resilience4j's rate limiter has a
 * fixed refresh period, too coarse to go from 10 calls/s down to 0.5).
 */
final class CallPacer implements ExecutionInterceptor {

    private final Bucket bucket;
    private final AdaptiveCallRate adaptive;
    private volatile double appliedRate;

    /** @param adaptive null for a fixed ceiling */
    CallPacer(double ceiling, AdaptiveCallRate adaptive) {
        this.adaptive = adaptive;
        this.appliedRate = ceiling;
        this.bucket = Bucket.builder().withNanosecondPrecision().addLimit(bandwidth(ceiling)).build();
    }

    /** Calls per second allowed now. */
    double rate() {
        return appliedRate;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        try {
            bucket.asBlocking().consume(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("interrupted while waiting for the SES call rate").cause(e).build();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes) {
        if (adaptive == null) {
            return;
        }
        var response = context.httpResponse();
        String code = response.firstMatchingHeader("x-amzn-ErrorType").map(AwsErrors::errorCodeOf).orElse(null);
        double next = adaptive.onAnswer(AwsErrors.isThrottling(response.statusCode(), code), System.nanoTime());
        if (next != appliedRate) {
            synchronized (this) {
                if (next != appliedRate) {
                    appliedRate = next;
                    bucket.replaceConfiguration(new BucketConfiguration(List.of(bandwidth(next))),
                            TokensInheritanceStrategy.AS_IS);
                }
            }
        }
    }

    private static Bandwidth bandwidth(double callsPerSecond) {
        Duration interval = Duration.ofNanos((long) (1_000_000_000L / callsPerSecond));
        return Bandwidth.builder().capacity(1).refillGreedy(1, interval).build();
    }
}
