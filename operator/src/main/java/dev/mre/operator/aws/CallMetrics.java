package dev.mre.operator.aws;

import java.util.function.DoubleSupplier;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** What the gateway reports about its calls (implemented by the operator's metrics, {@code ops.SesCallMetrics}). */
public interface CallMetrics {

    /** Counts every HTTP attempt of the SDK clients that act in {@code account}. */
    ExecutionInterceptor callCounter(String account);

    /** The call rate the operator allows itself now in one account and region. */
    void callRate(ScopeKey scope, DoubleSupplier callsPerSecond);
}
