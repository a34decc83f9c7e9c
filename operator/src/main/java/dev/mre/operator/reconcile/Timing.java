package dev.mre.operator.reconcile;

import java.time.Duration;

/**
 * Every interval the decision step uses. Polling grows with the time already spent waiting, so a quick
 * CREATING is seen quickly and a slow one costs few calls; stalled states are retried slowly, never in a loop.
 *
 * @param pollMin first poll of CREATING/DELETING
 * @param pollMax longest poll interval of CREATING/DELETING
 * @param resync READY endpoints are re-read this often to catch drift (status, out-of-band deletion)
 * @param tagResync the tags of a READY endpoint are re-read this often to catch tag drift
 * @param createGrace how long a just-created endpoint may be invisible to Get before it counts as deleted
 * @param errorBackoffBase first retry after a transient error (doubles per attempt)
 * @param errorBackoffMax cap of the transient-error backoff
 * @param throttleBackoffMax cap of the backoff after throttling: lower, because the operator-wide rate limiter
 *                           already slows every call down, so a long per-object wait would only leave SES idle
 * @param stalledRetryMin first retry of a stalled state that may heal by itself (credentials, quota)
 * @param stalledRetryMax cap of that retry, and of the FAILED-recreate backoff
 */
public record Timing(
        Duration pollMin,
        Duration pollMax,
        Duration resync,
        Duration tagResync,
        Duration createGrace,
        Duration errorBackoffBase,
        Duration errorBackoffMax,
        Duration throttleBackoffMax,
        Duration stalledRetryMin,
        Duration stalledRetryMax) {

    public static Timing defaults(Duration resync, Duration tagResync) {
        return new Timing(
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                resync,
                tagResync,
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofHours(1));
    }

    /** Next poll of an endpoint in transition: half the time waited so far, within [pollMin, pollMax]. */
    public Duration poll(Duration waitedSoFar) {
        Duration half = waitedSoFar.isNegative() ? Duration.ZERO : waitedSoFar.dividedBy(2);
        return clamp(half, pollMin, pollMax);
    }

    /** Backoff before retry number {@code attempt} (1-based) after a transient error. */
    public Duration errorBackoff(int attempt) {
        return exponential(errorBackoffBase, attempt, errorBackoffMax);
    }

    /** Backoff before retry number {@code attempt} (1-based) after SES throttled this object. */
    public Duration throttleBackoff(int attempt) {
        return exponential(errorBackoffBase, attempt, throttleBackoffMax);
    }

    /**
     * When a refusal (the name is another's, or unmanaged) is checked again with a tag read, after {@code refusals}
     * refusals of the same endpoint in a row: the resync period, doubling, at most the tag resync period.
     */
    public Duration refusalRecheck(int refusals) {
        return exponential(resync, refusals, tagResync.compareTo(resync) > 0 ? tagResync : resync);
    }

    /** Backoff before retry number {@code attempt} of a stalled state, and before recreating a FAILED endpoint. */
    public Duration stalledRetry(int attempt) {
        return exponential(stalledRetryMin, attempt, stalledRetryMax);
    }

    static Duration exponential(Duration base, int attempt, Duration max) {
        int doublings = Math.max(0, Math.min(attempt - 1, 30));
        Duration d = base.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
}
