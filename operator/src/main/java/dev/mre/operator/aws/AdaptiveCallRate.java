package dev.mre.operator.aws;

import java.time.Duration;

/**
 * The operator-wide SES call rate, adapted to how often SES throttles. Pure: no clock, no I/O; the caller
 * reports each answered attempt with its time and applies the rate this returns.
 *
 * <p>Why not the AWS SDK's adaptive retry mode: it lowers its rate on every throttled attempt but lets it grow
 * back only up to twice the rate it measured, and it measures only attempts that succeeded. A 404 (the first Get of
 * every new object, every Get while deleting) or a 500 does not count, so under a steady share of throttling that
 * the operator's own rate does not cause (other clients of the same account's quota), it falls to its floor of
 * 0.5 calls/s and stays there for minutes (docs/reliability.md, finding 3).
 *
 * <p>Here every HTTP answer counts, and the signal is the <em>share</em> of throttled answers per window
 * (at least {@link #WINDOW} and {@link #MIN_ANSWERS} answers, or {@link #MAX_WINDOW}). Above {@link #CUT_SHARE}
 * the rate is cut to {@link #CUT_FACTOR} of itself, or further down to the rate SES admitted in the window, and
 * that admitted rate is remembered as the known limit (for {@link #FORGET_LIMIT} after the last cut). Otherwise the rate grows: by {@link #GROWTH} of itself per
 * second of window while below the known limit, by {@link #GROWTH} per window above it, never above the configured
 * ceiling (TCP's slow start and congestion avoidance, in short). When the operator alone overruns the account's
 * limit, the throttled share grows with the excess, so the rate settles just around the limit (between about 1 and
 * 1.3 times it); a throttled share up to {@link #CUT_SHARE} that does not depend on the rate is treated as
 * background and does not slow the operator down.
 */
public final class AdaptiveCallRate {

    static final Duration WINDOW = Duration.ofSeconds(2);
    static final Duration MAX_WINDOW = Duration.ofSeconds(20);
    static final int MIN_ANSWERS = 10;
    static final double CUT_SHARE = 0.2;
    static final double CUT_FACTOR = 0.7;
    static final double GROWTH = 0.1;
    static final Duration FORGET_LIMIT = Duration.ofSeconds(30);
    /** Never slower than one call every two seconds (the SDK's adaptive floor too), nor above the ceiling. */
    static final double FLOOR = 0.5;

    private final double ceiling;
    private final double floor;
    private double rate;
    /** What SES admitted when it last throttled more than {@link #CUT_SHARE} (the ceiling before that). */
    private double knownLimit;

    private long lastCutNanos;
    private long windowStartNanos;
    private boolean windowOpen;
    private int answers;
    private int throttled;

    public AdaptiveCallRate(double ceiling) {
        if (!(ceiling > 0)) {
            throw new IllegalArgumentException("ceiling must be > 0, got " + ceiling);
        }
        this.ceiling = ceiling;
        this.floor = Math.min(FLOOR, ceiling);
        this.rate = ceiling;
        this.knownLimit = ceiling;
    }

    /** Calls per second allowed now. */
    public synchronized double rate() {
        return rate;
    }

    /**
     * Records one HTTP answer of SES (any status; transport failures are not answers) and returns the rate to
     * apply from now on: unchanged unless a window closed. A window closes with the answer that makes it at least
     * {@link #WINDOW} long and {@link #MIN_ANSWERS} answers big; one older than {@link #MAX_WINDOW} is judged on
     * what it holds when the next answer comes.
     */
    public synchronized double onAnswer(boolean wasThrottled, long nowNanos) {
        if (windowOpen && nowNanos - windowStartNanos >= MAX_WINDOW.toNanos()) {
            // traffic was sparse: judge what the window holds, and let this answer open the next one
            closeWindow(MAX_WINDOW.toNanos(), nowNanos);
        }
        if (!windowOpen) {
            windowOpen = true;
            windowStartNanos = nowNanos;
        }
        answers++;
        if (wasThrottled) {
            throttled++;
        }
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= WINDOW.toNanos() && answers >= MIN_ANSWERS) {
            closeWindow(elapsed, nowNanos);
        }
        return rate;
    }

    private void closeWindow(long lengthNanos, long nowNanos) {
        double share = (double) throttled / answers;
        if (nowNanos - lastCutNanos >= FORGET_LIMIT.toNanos()) {
            // no cut for a while: what SES admitted then may no longer hold (a brownout is over)
            knownLimit = ceiling;
        }
        if (share > CUT_SHARE) {
            lastCutNanos = nowNanos;
            // at least down to the rate SES admitted in the window, rate x (1 - share): the account's limit when the
            // operator alone overran it. Remembered, so that growing back slows down near it; but never below half
            // the rate that was throttled (TCP's slow-start threshold), since a window where SES throttled nearly
            // everything (a brownout, others draining the quota) says little about the limit
            knownLimit = Math.max(rate * (1 - share), rate / 2);
            rate = Math.max(floor, rate * Math.min(CUT_FACTOR, 1 - share));
        } else if (rate < knownLimit) {
            // well below the last known limit: grow per second of window, so that a slow rate (long windows)
            // recovers as fast in time as a quick one
            double seconds = Math.max(1.0, lengthNanos / 1e9);
            rate = Math.min(knownLimit, rate * Math.pow(1 + GROWTH, seconds));
        } else {
            // at or above it: probe carefully, one step per window
            rate = Math.min(ceiling, rate * (1 + GROWTH));
            knownLimit = Math.max(knownLimit, rate);
        }
        windowOpen = false;
        answers = 0;
        throttled = 0;
    }
}
