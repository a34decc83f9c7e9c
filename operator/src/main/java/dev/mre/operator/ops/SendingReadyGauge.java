package dev.mre.operator.ops;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.reconcile.EndpointStatusListener;
import dev.mre.operator.reconcile.SendingDecision;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import dev.mre.operator.reconcile.StatusFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects with {@code spec.sending} by their condition SendingReady: one series per reason, labelled with the status
 * that reason has (True/Ready, Unknown/CheckFailed, False/the rest), fed by the reconciler. Every series exists from
 * the start (0 when no object has that reason), so an object that goes away, drops spec.sending or changes reason
 * leaves no series behind, only a lower count. No label names an object.
 */
public final class SendingReadyGauge implements EndpointStatusListener {

    static final String NAME = "ses_mre_sending_ready_objects";
    private final Map<String, SendingReason> reasonByObject = new ConcurrentHashMap<>();

    public SendingReadyGauge(MeterRegistry registry) {
        for (SendingReason reason : SendingReason.values()) {
            Gauge.builder(
                            NAME,
                            reasonByObject,
                            m -> m.values().stream().filter(reason::equals).count())
                    .description("MultiRegionEndpoint objects with spec.sending by the status and reason of their"
                            + " condition SendingReady")
                    .tag("status", reason.status().text())
                    .tag("reason", reason.name())
                    .register(registry);
        }
    }

    /** An object without the condition (no spec.sending, or not checked yet) counts nowhere. */
    @Override
    public void observed(String uid, MultiRegionEndpointStatus status) {
        SendingReason reason = reason(status);
        if (reason == null) {
            reasonByObject.remove(uid);
        } else {
            reasonByObject.put(uid, reason);
        }
    }

    @Override
    public void forget(String uid) {
        reasonByObject.remove(uid);
    }

    /** The SendingReady reason in {@code status}; null when there is none, or one this operator does not know. */
    static SendingReason reason(MultiRegionEndpointStatus status) {
        Condition c = status == null
                ? null
                : StatusFactory.condition(status, SendingDecision.CONDITION).orElse(null);
        if (c == null) {
            return null;
        }
        for (SendingReason r : SendingReason.values()) {
            if (r.name().equals(c.getReason()) && r.status().text().equals(c.getStatus())) {
                return r;
            }
        }
        return null;
    }
}
