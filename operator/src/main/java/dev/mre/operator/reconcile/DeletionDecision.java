package dev.mre.operator.reconcile;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.reconcile.Decision.Input;
import dev.mre.operator.reconcile.Plan.Action;
import dev.mre.operator.reconcile.Plan.Track;
import dev.mre.operator.reconcile.Reason.Message;

/**
 * The rows of {@link Decision} for an object being deleted (after the pause, failure and account rows): release the
 * finalizer when nothing of this object's is left in SES or it is not this object's to delete (Retain, ObserveOnly,
 * another owner's, handed over), wait while SES deletes, Delete only this object's own endpoint on tags read in this
 * pass. Pure; table-tested with the rest of the decision in {@code DecisionTest}.
 */
final class DeletionDecision {

    private DeletionDecision() {}

    static Plan next(Input in) {
        DesiredEndpoint d = in.desired();
        Memory m = in.memory();
        if (d == null) {
            return Plan.release(Message.RELEASE_NO_ENDPOINT.format());
        }
        if (d.deletionPolicy() == DeletionPolicy.Retain) {
            return Plan.release(Message.RELEASE_RETAIN.format(d.name()));
        }
        if (d.observeOnly()) {
            return Plan.release(Message.RELEASE_OBSERVE_ONLY.format(d.name()));
        }
        if (!(in.seen() instanceof Present p)) {
            if (m.justCreated(in.now(), in.timing().createGrace())) {
                // just created: SES may not list it yet, and letting go now would orphan it
                return Plan.wait(
                        Plan.report(Message.AWAIT_VISIBLE, Track.LAST_KNOWN, null, d.name()),
                        in.timing().poll(m.reconcilingFor(in.now())));
            }
            return Plan.release(Message.RELEASE_GONE.format(d.name()));
        }
        if (p.ownership().refused() || p.ownership() == Observation.Ownership.HANDED_OVER) {
            return Plan.release(Message.RELEASE_NOT_OURS.format(d.name()));
        }
        if (d.handoverTo() != null) {
            return handOverAndRelease(in, p);
        }
        Plan.Report deleting = Plan.report(Message.DELETING, Track.OBSERVED, null, d.name());
        if (p.endpoint().status() == EndpointStatus.DELETING) {
            return Plan.wait(deleting, in.timing().poll(m.reconcilingFor(in.now())));
        }
        return new Plan(Action.DELETE, deleting, in.timing().pollMin());
    }

    /**
     * Deleting an object that hands its endpoint over: never Delete. With the handover tag in the tags read in this
     * pass the finalizer goes; otherwise the tag is written first (on those tags, as proof), and released next pass.
     */
    private static Plan handOverAndRelease(Input in, Present p) {
        DesiredEndpoint d = in.desired();
        if (p.proven() && d.handoverWritten(p.tags())) {
            return Plan.release(Message.RELEASE_HANDED_OVER.format(d.name(), Decision.handoverCluster(in)));
        }
        if (p.proven() && p.ownership() == Observation.Ownership.MINE) {
            return new Plan(
                    Action.UPDATE_TAGS,
                    Plan.report(Message.HANDED_OVER, Track.OBSERVED, null, d.name(), Decision.handoverCluster(in)),
                    in.timing().pollMin());
        }
        // not proven yet (the fetch rules read the tags for a deletion): look again, never delete
        return Plan.wait(
                Plan.report(Message.HANDED_OVER, Track.LAST_KNOWN, null, d.name(), Decision.handoverCluster(in)),
                in.timing().pollMin());
    }
}
