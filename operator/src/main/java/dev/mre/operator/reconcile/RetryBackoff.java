package dev.mre.operator.reconcile;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Per-object count of consecutive failed SES calls, and the jitter that spreads retries and polls so that
 * objects created together do not call SES together. Kept in memory: after a restart an object starts again
 * from the shortest backoff, which costs at most one early retry.
 */
public final class RetryBackoff {

    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final DoubleSupplier random;

    public RetryBackoff(DoubleSupplier random) {
        this.random = random;
    }

    /** Records one more failure of {@code uid}; returns the count, from 1. */
    public int failed(String uid) {
        return failures.merge(uid, 1, Integer::sum);
    }

    public void succeeded(String uid) {
        failures.remove(uid);
    }

    public void forget(String uid) {
        failures.remove(uid);
    }

    /** "Equal jitter" for retries after errors: between half and all of {@code d}. */
    public Duration retryJitter(Duration d) {
        return scale(d, 0.5 + 0.5 * random.getAsDouble());
    }

    /** +-10% for polls and resyncs. */
    public Duration pollJitter(Duration d) {
        return scale(d, 0.9 + 0.2 * random.getAsDouble());
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }
}
