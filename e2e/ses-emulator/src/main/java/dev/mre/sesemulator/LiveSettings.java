package dev.mre.sesemulator;

import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The settings an emulator runs with: one immutable {@link Settings}, replaced whole (a request reads one consistent
 * value with {@link #get()}), and the generators its seed drives.
 */
final class LiveSettings {

    private final Settings initial;
    private volatile Settings current;
    // Faults and endpoint ids draw from separate generators so that enabling a fault does not change the ids.
    private volatile Random faultRandom;
    private volatile Random idRandom;

    LiveSettings(Settings initial) {
        this.initial = SettingsCodec.validate(initial);
        this.current = initial;
        restartRandom();
    }

    Settings get() {
        return current;
    }

    /**
     * Publishes the changed settings, checked (nothing changes when they break a rule). The generators restart when
     * the seed changed, or with {@code restartRandom} even when it did not (that is how a test replays a fault pattern).
     */
    synchronized Settings update(UnaryOperator<Settings> change, boolean restartRandom) {
        Settings next = SettingsCodec.validate(change.apply(current));
        boolean seedChanged = !Objects.equals(next.seed(), current.seed());
        current = next;
        if (restartRandom || seedChanged) {
            restartRandom();
        }
        return next;
    }

    /** Back to the settings the emulator was built with, the generators restarted. */
    void reset() {
        update(s -> initial, true);
    }

    private void restartRandom() {
        Long seed = current.seed();
        long base = seed == null ? ThreadLocalRandom.current().nextLong() : seed;
        faultRandom = new Random(base);
        idRandom = new Random(base ^ 0x5DEECE66DL);
    }

    /** One draw against a probability; draws only when it is between 0 and 1, so unused faults do not consume the sequence. */
    boolean chance(double probability) {
        if (probability <= 0) {
            return false;
        }
        if (probability >= 1) {
            return true;
        }
        return faultRandom.nextDouble() < probability;
    }

    Random idRandom() {
        return idRandom;
    }
}
