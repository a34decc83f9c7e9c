package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import java.util.List;

/** Told the status of every object after each reconciliation (for metrics); must not block. */
public interface EndpointStatusListener {

    /** @param status the status the pass reports for the object (its SES status, its conditions) */
    void observed(String uid, MultiRegionEndpointStatus status);

    /** The object is gone (finalizer released, or found gone by the sweep). */
    void forget(String uid);

    /** One listener that tells each of {@code listeners}, in order. */
    static EndpointStatusListener all(EndpointStatusListener... listeners) {
        List<EndpointStatusListener> all = List.of(listeners);
        return new EndpointStatusListener() {
            @Override
            public void observed(String uid, MultiRegionEndpointStatus status) {
                all.forEach(l -> l.observed(uid, status));
            }

            @Override
            public void forget(String uid) {
                all.forEach(l -> l.forget(uid));
            }
        };
    }
}
