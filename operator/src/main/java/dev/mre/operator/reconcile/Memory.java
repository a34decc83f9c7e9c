package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.EndpointStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;

/**
 * What the decision remembers of an object between passes, typed: the reason it last reported and since when its
 * Reconciling and Stalled conditions hold (polls grow with the time waited, FAILED waits a backoff), the endpoint it
 * showed, the account it acted in, failures in a row. Held in memory by the reconciler and rewritten after every
 * pass from the status that pass computed; read from the object's status only once, after a restart. Nothing here
 * is proof of ownership: the status is writable by whoever may write the status subresource, so it only ever
 * serves display, polling cadence and cheap observation.
 *
 * @param failuresInARow SES calls of this object that failed in a row (backoff); not in the status
 */
public record Memory(
        Reason reason,
        String endpointId,
        EndpointStatus endpointStatus,
        String accountId,
        Long observedGeneration,
        Integer failedProvisioningAttempts,
        Instant reconcilingSince,
        Instant stalledSince,
        int failuresInARow) {

    /** A new object: nothing reported yet. */
    public static final Memory NEW = new Memory(null, null, null, null, null, null, null, null, 0);

    /** From a status this operator wrote (or, after a restart, whatever the object's status says). */
    public static Memory of(MultiRegionEndpointStatus s) {
        if (s == null) {
            return NEW;
        }
        return new Memory(
                StatusFactory.condition(s, StatusFactory.READY)
                        .map(Condition::getReason)
                        .map(Memory::reason)
                        .orElse(null),
                s.getEndpointId(),
                s.getEndpointStatus() == null ? null : EndpointStatus.of(s.getEndpointStatus()),
                s.getAccountId(),
                s.getObservedGeneration(),
                s.getFailedProvisioningAttempts(),
                since(s, StatusFactory.RECONCILING),
                since(s, StatusFactory.STALLED),
                0);
    }

    public Memory withFailuresInARow(int n) {
        return new Memory(
                reason,
                endpointId,
                endpointStatus,
                accountId,
                observedGeneration,
                failedProvisioningAttempts,
                reconcilingSince,
                stalledSince,
                n);
    }

    /** How long the object has been Reconciling (or not) as it is now; zero when not known. */
    Duration reconcilingFor(Instant now) {
        return since(reconcilingSince, now);
    }

    /** How long the object has been Stalled (or not) as it is now; zero when not known. */
    Duration stalledFor(Instant now) {
        return since(stalledSince, now);
    }

    /** The endpoint the object last showed is {@code endpointId} (display only, never proof). */
    boolean showed(String id) {
        return endpointId != null && endpointId.equals(id);
    }

    /** Just created and not yet seen READY: SES may not list it for a moment. */
    boolean justCreated(Instant now, Duration grace) {
        return endpointStatus == EndpointStatus.CREATING
                && reason == Reason.Creating
                && reconcilingFor(now).compareTo(grace) < 0;
    }

    private static Duration since(Instant t, Instant now) {
        return t == null ? Duration.ZERO : Duration.between(t, now);
    }

    private static Instant since(MultiRegionEndpointStatus s, String type) {
        return StatusFactory.condition(s, type)
                .map(Condition::getLastTransitionTime)
                .map(Instant::parse)
                .orElse(null);
    }

    private static Reason reason(String name) {
        try {
            return Reason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
