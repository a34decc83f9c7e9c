package dev.mre.operator.reconcile;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Spreads retries and polls so that objects created together do not call SES together. */
public final class Jitter {

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    public Jitter(DoubleSupplier random) {
        this.random = random;
    }

    /** "Equal jitter" for retries after errors: between half and all of {@code d}. */
    Duration retry(Duration d) {
        return scale(d, 0.5 + 0.5 * random.getAsDouble());
    }

    /** +-10% for polls and resyncs. */
    Duration poll(Duration d) {
        return scale(d, 0.9 + 0.2 * random.getAsDouble());
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }
}
