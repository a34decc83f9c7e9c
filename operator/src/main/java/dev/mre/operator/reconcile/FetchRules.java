package dev.mre.operator.reconcile;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation.Ownership;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.reconcile.Decision.Input;

/**
 * What a pass fetches before {@link Decision#next} decides, so that it decides once: the account (STS), the
 * endpoint (the shared List, or a Get) and its tags (ListTagsForResource). Pure; each rule is checked against the
 * decision in {@code DecisionTest} (a row that needs the tags says so, every other row must not need them).
 */
public final class FetchRules {

    private FetchRules() {}

    /** The account of the resolved identity is learned (STS; for a role the first AssumeRole) only when acted on. */
    public static boolean wantsAccount(Input in) {
        return !in.paused()
                && in.account().single()
                && in.desired() != null
                && (in.deleting() || in.violations().isEmpty());
    }

    /** SES is asked only when paused is off, the account is sound, the spec names an endpoint and Retain does not apply. */
    public static boolean wantsSes(Input in) {
        if (in.paused() || in.account().id() == null || Decision.accountProblem(in) != null || in.desired() == null) {
            return false;
        }
        return in.deleting()
                ? in.desired().deletionPolicy() != DeletionPolicy.Retain
                        && !in.desired().observeOnly()
                : in.violations().isEmpty();
    }

    /**
     * How fresh the endpoint's view must be: a new object creates without asking (whatever the last List said); an
     * endpoint in transition is polled; a settled one is seen in the shared List's resync, which raises an event.
     */
    public static SesEndpoints.Lookup lookup(Input in) {
        Memory m = in.memory();
        if (in.refresh()) {
            return SesEndpoints.Lookup.now();
        }
        if (m.endpointId() == null && !in.deleting() && !in.desired().observeOnly()) {
            return SesEndpoints.Lookup.beforeFirstCreate();
        }
        boolean moving = in.deleting()
                || m.endpointStatus() == EndpointStatus.CREATING
                || m.endpointStatus() == EndpointStatus.DELETING
                || m.reason() == Reason.Creating
                || m.reason() == Reason.Deleting
                || m.reason() == Reason.Recreating
                || m.reason() == Reason.DeletedOutOfBand;
        return SesEndpoints.Lookup.noOlderThan(
                moving ? in.timing().pollMin() : in.timing().resync());
    }

    /**
     * The endpoint's tags must be read now: to refuse (never on remembered tags: its AWS owner may since have marked
     * it adoptable), to know who owns an endpoint the object never showed, or because the plan will change it.
     */
    public static boolean wantsProof(Input in, Present p) {
        if (p.proven() || in.desired().observeOnly()) {
            // an observed endpoint is never changed, so who owns it does not matter
            return false;
        }
        Ownership owner = p.ownership();
        Memory m = in.memory();
        if (owner == Ownership.UNKNOWN && !m.showed(p.endpoint().endpointId())) {
            return true;
        }
        if (owner == Ownership.HANDED_OVER) {
            // taken only on the handover tag read from SES in this pass
            return true;
        }
        if (in.deleting()) {
            return !owner.refused() && p.endpoint().status() != EndpointStatus.DELETING;
        }
        if (in.desired().handoverTo() != null
                && owner == Ownership.MINE
                && !in.desired().handoverWritten(p.tags())) {
            return true;
        }
        if (owner.refused()) {
            // a refusal is re-read at a backoff, and at once when the endpoint is another (a new id)
            return !m.refusalStands(p.endpoint().endpointId(), in.now(), in.timing());
        }
        return switch (p.endpoint().status()) {
            case READY ->
                Decision.tagCheckDue(in, p)
                        || p.tags() != null && !p.tagChanges().isEmpty();
            case FAILED -> FailedEndpointDecision.recreateDue(in);
            default -> false;
        };
    }
}
