package dev.mre.operator.reconcile;

import dev.mre.operator.reconcile.Reason.Message;
import java.time.Duration;

/**
 * The outcome of the decision step: the one SES change to make now (or none), the status to report, when to look
 * again.
 *
 * @param report what to report; null leaves the status exactly as it is (a transient failure of a Ready object)
 * @param requeueAfter when to reconcile again; null means only on the next event (object or endpoint change)
 * @param retry the requeue is a retry after a failed call (jittered as a backoff, not as a poll)
 */
public record Plan(Action action, Report report, Duration requeueAfter, boolean retry) {

    /** The SES change a plan makes; the next pass observes its effect. */
    public enum Action {
        NONE,
        CREATE,
        /** TagResource / UntagResource with the observation's tag changes. */
        UPDATE_TAGS,
        DELETE,
        /** Deletion only: let the finalizer go. */
        RELEASE;

        /** Changes or removes someone's endpoint: allowed only with the owner tag read from SES in this pass. */
        public boolean needsProof() {
            return this == UPDATE_TAGS || this == DELETE;
        }
    }

    /**
     * Report {@code reason} with {@code message}.
     *
     * @param track what the status's endpoint fields should show
     * @param failedProvisioningAttempts value for status.failedProvisioningAttempts (null clears it)
     */
    public record Report(Reason reason, String message, Track track, Integer failedProvisioningAttempts) {}

    /** What the status's endpoint fields (endpointId, endpointStatus, regions, timestamps) should show. */
    public enum Track {
        /** Mirror the endpoint just observed (or just created): it is this object's. */
        OBSERVED,
        /** Keep what the status shows (the endpoint was not seen, or not this time). */
        LAST_KNOWN,
        /** Show no endpoint: there is none, or it belongs to someone else. */
        NONE
    }

    public Plan(Action action, Report report, Duration requeueAfter) {
        this(action, report, requeueAfter, false);
    }

    static Report report(Message message, Track track, Integer failedProvisioningAttempts, Object... args) {
        return new Report(message.reason, message.format(args), track, failedProvisioningAttempts);
    }

    static Plan wait(Report report, Duration requeueAfter) {
        return new Plan(Action.NONE, report, requeueAfter);
    }

    static Plan release(String message) {
        return new Plan(Action.RELEASE, new Report(Reason.Deleting, message, Track.NONE, null), null);
    }

    static Plan retry(Report report, Duration after) {
        return new Plan(Action.NONE, report, after, true);
    }
}
