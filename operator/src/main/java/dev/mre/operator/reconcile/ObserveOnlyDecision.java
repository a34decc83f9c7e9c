package dev.mre.operator.reconcile;

import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.reconcile.Decision.Input;
import dev.mre.operator.reconcile.Plan.Track;
import dev.mre.operator.reconcile.Reason.Message;
import java.time.Duration;

/**
 * The rows of {@link Decision} for {@code managementPolicy: ObserveOnly}: report SES's view of the endpoint of that
 * name, whoever owns it, and never plan a change (no owner tag needed, none written). Pure; table-tested in
 * {@code DecisionTest}.
 */
final class ObserveOnlyDecision {

    private ObserveOnlyDecision() {}

    /** ObserveOnly: report what SES shows of the endpoint of that name, whoever owns it; never change it. */
    static Plan next(Input in) {
        DesiredEndpoint d = in.desired();
        Timing t = in.timing();
        if (!(in.seen() instanceof Present p)) {
            // it may appear later: the shared List's next resync raises an event when it does
            return Plan.wait(Plan.report(Message.NOT_FOUND, Track.NONE, null, d.name(), d.primaryRegion()), t.resync());
        }
        ObservedEndpoint ep = p.endpoint();
        Duration poll = t.poll(in.memory().reconcilingFor(in.now()));
        Plan.Report report = switch (ep.status()) {
            case READY ->
                Plan.report(Message.OBSERVED_READY, Track.OBSERVED, null, d.name(), Decision.sorted(ep.regions()));
            case CREATING -> Plan.report(Message.OBSERVED_CREATING, Track.OBSERVED, null, d.name());
            case DELETING -> Plan.report(Message.OBSERVED_DELETING, Track.OBSERVED, null, d.name());
            case FAILED -> Plan.report(Message.OBSERVED_FAILED, Track.OBSERVED, null, d.name());
            case UNKNOWN -> Plan.report(Message.UNKNOWN_STATUS, Track.OBSERVED, null, ep.statusText(), d.name());
        };
        boolean moving = ep.status() == EndpointStatus.CREATING || ep.status() == EndpointStatus.DELETING;
        return Plan.wait(report, moving ? poll : t.resync());
    }
}
