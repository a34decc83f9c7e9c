package dev.mre.operator.reconcile;

import java.time.Duration;

/**
 * The outcome of the pure decision step: the SES call to make now, the status to show, when to look again.
 *
 * @param requeueAfter when to reconcile again; null means only on the next event (object or endpoint change)
 */
public record Plan(Step step, StatusUpdate status, Duration requeueAfter) {

    /** What happens to the object's status. */
    public sealed interface StatusUpdate {}

    /** Leave the status exactly as it is (a transient failure of an object that is Ready, a release). */
    public record Keep() implements StatusUpdate {}

    /**
     * Report {@code reason} with {@code message}.
     *
     * @param track what the status's endpoint fields should show
     * @param failedProvisioningAttempts value for status.failedProvisioningAttempts (null clears it)
     */
    public record Report(Reason reason, String message, Track track, Integer failedProvisioningAttempts)
            implements StatusUpdate {}

    /** What the status's endpoint fields (endpointId, endpointStatus, regions, timestamps) should show. */
    public enum Track {
        /** Mirror the endpoint just observed (or just created): it is this object's. */
        OBSERVED,
        /** Keep what the status shows (the endpoint was not seen, or not this time). */
        LAST_KNOWN,
        /** Show no endpoint: there is none, or it belongs to someone else. */
        NONE
    }

    static final StatusUpdate KEEP = new Keep();

    Plan withStep(Step s) {
        return new Plan(s, status, requeueAfter);
    }
}
