package dev.mre.operator.reconcile;

import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.reconcile.Decision.Input;
import dev.mre.operator.reconcile.Plan.Action;
import dev.mre.operator.reconcile.Plan.Track;
import dev.mre.operator.reconcile.Reason.Message;

/**
 * The rows of {@link Decision} for this object's endpoint in SES status FAILED: report ProvisioningFailed, wait a
 * capped backoff that grows with each failure in a row (the count survives in {@link Memory}), then Delete it so the
 * next pass creates it again. Pure; table-tested in {@code DecisionTest}.
 */
final class FailedEndpointDecision {

    private FailedEndpointDecision() {}

    /** FAILED: report it, wait a capped backoff that grows with each failure in a row, then delete to recreate. */
    static Plan next(Input in) {
        DesiredEndpoint d = in.desired();
        Memory m = in.memory();
        Timing t = in.timing();
        int failures = m.failedProvisioningAttempts() == null ? 0 : m.failedProvisioningAttempts();
        if (m.reason() != Reason.ProvisioningFailed) {
            int n = failures + 1;
            return Plan.wait(failedReport(d, n, t), t.stalledRetry(n));
        }
        if (recreateDue(in)) {
            return new Plan(
                    Action.DELETE,
                    Plan.report(Message.DELETE_FAILED, Track.OBSERVED, failures, d.name(), failures),
                    t.pollMin());
        }
        return Plan.wait(failedReport(d, failures, t), t.stalledRetry(failures).minus(m.stalledFor(in.now())));
    }

    static boolean recreateDue(Input in) {
        Memory m = in.memory();
        int failures = m.failedProvisioningAttempts() == null ? 0 : m.failedProvisioningAttempts();
        return m.reason() == Reason.ProvisioningFailed
                && m.stalledFor(in.now()).compareTo(in.timing().stalledRetry(failures)) >= 0;
    }

    private static Plan.Report failedReport(DesiredEndpoint d, int n, Timing t) {
        return Plan.report(Message.FAILED, Track.OBSERVED, n, d.name(), n, t.stalledRetry(n));
    }
}
