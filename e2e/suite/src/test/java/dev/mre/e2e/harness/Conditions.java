package dev.mre.e2e.harness;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionEvaluationListener;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.EvaluatedCondition;

/**
 * Waiting on conditions, the harness way: Awaitility underneath, every wait named, a failure that says what was
 * awaited and the last state seen, a progress line every 10 s while a long wait goes on.
 */
public final class Conditions {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private Conditions() {}

    /** Polls every 300 ms until the condition holds; fails naming what was awaited and the last state. */
    public static void await(String what, Duration timeout, Callable<Boolean> condition, Supplier<String> lastState) {
        await(what, timeout, Duration.ofMillis(300), condition, lastState);
    }

    /** As {@link #await(String, Duration, Callable, Supplier)} with the given poll interval. */
    public static void await(
            String what,
            Duration timeout,
            Duration pollInterval,
            Callable<Boolean> condition,
            Supplier<String> lastState) {
        long t0 = System.nanoTime();
        try {
            factory(what, timeout, pollInterval, lastState).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "timed out after " + timeout + " waiting for " + what + "; last state: " + describe(lastState), e);
        }
        Progress.log("  ✓ %s (after %.1f s)", what, (System.nanoTime() - t0) / 1e9);
    }

    /** Like await, but answers false on timeout instead of failing: for measurements that record a miss. */
    public static boolean within(
            String what,
            Duration timeout,
            Duration pollInterval,
            Callable<Boolean> condition,
            Supplier<String> lastState) {
        try {
            factory(what, timeout, pollInterval, lastState).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            Progress.log("  ✗ %s: not within %s; last state: %s", what, timeout, describe(lastState));
            return false;
        }
    }

    /**
     * Waits until {@code value} has not changed for {@code quiet} (e.g. SES calls in flight have reached the
     * emulator's log); false when it still changes after {@code atMost}.
     */
    public static boolean awaitQuiet(String what, Supplier<Long> value, Duration quiet, Duration atMost) {
        long[] last = {value.get()};
        long[] since = {System.nanoTime()};
        return within(
                what,
                atMost,
                Duration.ofMillis(250),
                () -> {
                    long v = value.get();
                    if (v != last[0]) {
                        last[0] = v;
                        since[0] = System.nanoTime();
                    }
                    return System.nanoTime() - since[0] >= quiet.toNanos();
                },
                () -> "still changing, last value " + last[0]);
    }

    private static ConditionFactory factory(
            String what, Duration timeout, Duration pollInterval, Supplier<String> lastState) {
        return Awaitility.await(what)
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(pollInterval)
                .ignoreExceptions()
                .conditionEvaluationListener(progress(what, lastState));
    }

    private static ConditionEvaluationListener<Object> progress(String what, Supplier<String> lastState) {
        long[] next = {PROGRESS_EVERY.toMillis()};
        return (EvaluatedCondition<Object> c) -> {
            if (!c.isSatisfied() && c.getElapsedTimeInMS() >= next[0]) {
                next[0] += PROGRESS_EVERY.toMillis();
                Progress.log("  … %s: %.0f s, %s", what, c.getElapsedTimeInMS() / 1000.0, describe(lastState));
            }
        };
    }

    private static String describe(Supplier<String> lastState) {
        try {
            return lastState.get();
        } catch (RuntimeException | AssertionError x) {
            return "(cannot tell: " + x + ")";
        }
    }
}
