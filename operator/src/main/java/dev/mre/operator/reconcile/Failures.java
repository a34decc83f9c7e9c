package dev.mre.operator.reconcile;

import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.reconcile.Plan.Track;
import dev.mre.operator.reconcile.Reason.Message;
import java.util.Objects;

/**
 * What to report after an SES or STS call failed, and when to retry: the one backoff policy for errors (the
 * intervals are {@link Timing}'s). Pure. AWS's text arrives already stripped of ARNs and account ids.
 */
final class Failures {

    private Failures() {}

    /** @param attempt consecutive failed calls of this object, this one included (from 1) */
    static Plan plan(SesFailure failure, int attempt, Decision.Input in) {
        Memory m = in.memory();
        Timing timing = in.timing();
        int n = Math.max(1, attempt);
        if (failure.isTransient()
                && m.reason() == Reason.Available
                && Objects.equals(m.observedGeneration(), in.generation())
                && !in.deleting()) {
            // nothing a user cares about changed: keep the status (and kstatus Current) and retry later
            return Plan.retry(
                    null,
                    failure.kind() == SesFailure.Kind.THROTTLED ? timing.throttleBackoff(n) : timing.errorBackoff(n));
        }
        String aws = failure.errorCode() + ": " + failure.getMessage();
        String role = in.account().roleArn();
        return switch (failure.kind()) {
            case THROTTLED -> retry(Message.THROTTLED, m, timing.throttleBackoff(n), aws);
            case UNAVAILABLE, NOT_FOUND -> retry(Message.CALL_FAILED, m, timing.errorBackoff(n), aws);
            case ALREADY_EXISTS -> retry(Message.NAME_TAKEN_LOOK_AGAIN, m, timing.pollMin(), aws);
            case ACCESS_DENIED ->
                role == null
                        ? retry(Message.ACCESS_DENIED, m, timing.stalledRetry(n), aws)
                        : retry(Message.ACCESS_DENIED_ROLE, m, timing.stalledRetry(n), aws);
            case LIMIT_EXCEEDED -> retry(Message.QUOTA_EXCEEDED, m, timing.stalledRetry(n), aws);
            // a spec edit brings the object back at once; until then only a slow, capped retry
            case BAD_REQUEST -> retry(Message.SES_REFUSED, m, timing.stalledRetry(n), aws);
        };
    }

    private static Plan retry(Message message, Memory m, java.time.Duration after, Object... args) {
        return Plan.retry(Plan.report(message, Track.LAST_KNOWN, m.failedProvisioningAttempts(), args), after);
    }
}
