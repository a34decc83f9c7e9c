package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;

/**
 * What the decision remembers of an object between passes, typed: the reason it last reported (and its SendingReady
 * reason, for the Event of a change) and since when its
 * Reconciling and Stalled conditions hold (polls grow with the time waited, FAILED waits a backoff), the endpoint it
 * showed, the account it acted in, failures in a row. Held in memory by the reconciler and rewritten after every
 * pass from the status that pass computed; read from the object's status only once, after a restart. Nothing here
 * is proof of ownership: the status is writable by whoever may write the status subresource, so it only ever
 * serves display, polling cadence and cheap observation.
 *
 * @param failuresInARow SES calls of this object that failed in a row (backoff); not in the status
 * @param refusal the endpoint this object was last refused (owned by another, or unmanaged), when the owner tag was
 *                last read for that, and how many refusals in a row; not in the status (null after a restart)
 */
public record Memory(
        Reason reason,
        SendingReason sendingReason,
        String endpointId,
        EndpointStatus endpointStatus,
        String accountId,
        Long observedGeneration,
        Integer failedProvisioningAttempts,
        Instant reconcilingSince,
        Instant stalledSince,
        int failuresInARow,
        Refusal refusal) {

    /**
     * The object was refused endpoint {@code endpointId} {@code count} times in a row, the tags last read at
     * {@code lastRead}: it is not read again before its recheck is due, unless the endpoint changes (a new id).
     */
    public record Refusal(String endpointId, int count, Instant lastRead) {}

    /** A new object: nothing reported yet. */
    public static final Memory NEW = new Memory(null, null, null, null, null, null, null, null, null, 0, null);

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
                StatusFactory.condition(s, SendingDecision.CONDITION)
                        .map(Condition::getReason)
                        .map(Memory::sendingReason)
                        .orElse(null),
                s.getEndpointId(),
                s.getEndpointStatus() == null ? null : EndpointStatus.of(s.getEndpointStatus()),
                s.getAccountId(),
                s.getObservedGeneration(),
                s.getFailedProvisioningAttempts(),
                since(s, StatusFactory.RECONCILING),
                since(s, StatusFactory.STALLED),
                0,
                null);
    }

    /**
     * What the next pass remembers: the status this pass computed, the failures in a row, and the refusal when this
     * pass refused the endpoint it saw.
     */
    static Memory after(Memory before, MultiRegionEndpointStatus next, boolean failed, Decision.Input in, Plan plan) {
        Memory m = of(next);
        Refusal refusal = null;
        if (plan.report() != null
                && plan.report().reason() == Reason.EndpointNameConflict
                && in.seen() instanceof Observation.Present p) {
            Refusal last = before.refusalOf(p.endpoint().endpointId());
            int count = last == null ? 0 : last.count();
            refusal = p.proven() || last == null ? new Refusal(p.endpoint().endpointId(), count + 1, in.now()) : last;
        }
        return new Memory(
                m.reason,
                m.sendingReason,
                m.endpointId,
                m.endpointStatus,
                m.accountId,
                m.observedGeneration,
                m.failedProvisioningAttempts,
                m.reconcilingSince,
                m.stalledSince,
                failed ? before.failuresInARow + 1 : 0,
                refusal);
    }

    /** The standing refusal of endpoint {@code id}, null when this object was not refused that endpoint. */
    Refusal refusalOf(String id) {
        return refusal != null && refusal.endpointId().equals(id) ? refusal : null;
    }

    /** A refusal of endpoint {@code id} stands without reading its tags again: its recheck is not due yet. */
    boolean refusalStands(String id, Instant now, Timing timing) {
        Refusal r = refusalOf(id);
        return r != null && now.isBefore(r.lastRead().plus(timing.refusalRecheck(r.count())));
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

    private static SendingReason sendingReason(String name) {
        try {
            return SendingReason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
