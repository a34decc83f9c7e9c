package dev.mre.operator.reconcile;

import java.time.Duration;

/**
 * The outcome of the pure decision step: what to do now, what to report, when to look again.
 *
 * @param track what status should say about the endpoint
 * @param requeueAfter when to reconcile again; null means only on the next change of the object
 * @param failedProvisioningAttempts value for status.failedProvisioningAttempts (null clears it)
 */
public record Decision(Step step, Reason reason, String message, Track track, Duration requeueAfter,
                       Integer failedProvisioningAttempts) {

    /** What the status's endpoint fields (endpointId, endpointStatus, regions, timestamps) should show. */
    public enum Track {
        /** Mirror the endpoint just observed: it is this object's. */
        OBSERVED,
        /** Keep the endpoint ID (it matters for the next decision) but it was not seen: clear the SES status. */
        LAST_KNOWN,
        /** Show no endpoint: there is none, or it belongs to someone else. */
        NONE
    }
}
