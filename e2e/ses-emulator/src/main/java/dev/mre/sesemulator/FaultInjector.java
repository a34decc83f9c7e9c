package dev.mre.sesemulator;

import java.time.Duration;

/** Turns the fault settings into per-request decisions, drawing from the settings' seedable generator. */
final class FaultInjector {

    /** What to do to one request, decided before it is processed. */
    enum Fault {
        NONE,
        DROP_CONNECTION,
        THROTTLE,
        ERROR_500
    }

    private final LiveSettings settings;

    FaultInjector(LiveSettings settings) {
        this.settings = settings;
    }

    /** Fixed latency plus, by chance, a spike; zero for operations the faults do not cover. */
    Duration latencyFor(Operation operation) {
        Settings now = settings.get();
        if (!now.faultsApplyTo(operation)) {
            return Duration.ZERO;
        }
        Duration total = now.latency();
        if (settings.chance(now.latencySpikeRate())) {
            total = total.plus(now.latencySpike());
        }
        return total;
    }

    /** At most one fault per request, checked in a fixed order so a seed replays the same pattern. */
    Fault before(Operation operation) {
        Settings now = settings.get();
        if (!now.faultsApplyTo(operation)) {
            return Fault.NONE;
        }
        if (settings.chance(now.dropConnectionRate())) {
            return Fault.DROP_CONNECTION;
        }
        if (settings.chance(now.throttleRate())) {
            return Fault.THROTTLE;
        }
        if (settings.chance(now.errorRate500())) {
            return Fault.ERROR_500;
        }
        return Fault.NONE;
    }

    /** True when the answer of a processed request is to be lost (connection closed instead). */
    boolean dropResponse(Operation operation) {
        Settings now = settings.get();
        return now.faultsApplyTo(operation) && settings.chance(now.dropResponseRate());
    }
}
