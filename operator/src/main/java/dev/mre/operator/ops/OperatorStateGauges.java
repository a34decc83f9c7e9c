package dev.mre.operator.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The replica's own state, for alerts that no other series can answer: whether it is the replica that reconciles
 * ({@value #LEADER}) and whether its /readyz answers 200 ({@value #READY}). One series each per process, no labels.
 */
public final class OperatorStateGauges {

    static final String LEADER = "ses_mre_leader";
    static final String READY = "ses_mre_ready";

    private OperatorStateGauges() {}

    /**
     * @param acting whether this replica reconciles now: it holds the leader Lease, or leader election is off and
     *     the operator started
     * @param notReady the readiness of /readyz: null when ready, else why not
     */
    public static void register(MeterRegistry registry, BooleanSupplier acting, Supplier<String> notReady) {
        // strong references: the suppliers are lambdas that nothing else holds (see SesCallMetrics.callRate)
        Gauge.builder(LEADER, acting, a -> a.getAsBoolean() ? 1 : 0)
                .description("1 while this replica is the one that reconciles (holds the leader Lease, or leader"
                        + " election is off and it started), else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder(READY, notReady, r -> r.get() == null ? 1 : 0)
                .description("1 while /readyz answers 200 (a standby replica is ready too), else 0")
                .strongReference(true)
                .register(registry);
    }
}
