package dev.mre.operator.reconcile;

/** Told the SES status of every object after each reconciliation (for metrics); must not block. */
public interface EndpointStatusListener {

    /** @param endpointStatus the status now in the object's status, null when it has no endpoint */
    void observed(String uid, String endpointStatus);

    /** The object is gone (finalizer released). */
    void forget(String uid);
}
