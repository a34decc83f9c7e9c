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

    private final Settings settings;

    FaultInjector(Settings settings) {
        this.settings = settings;
    }

    /** Fixed latency plus, by chance, a spike; zero for operations the faults do not cover. */
    Duration latencyFor(Operation operation) {
        if (!settings.faultsApplyTo(operation)) {
            return Duration.ZERO;
        }
        Duration total = settings.latency();
        if (settings.chance(settings.latencySpikeRate())) {
            total = total.plus(settings.latencySpike());
        }
        return total;
    }

    /** At most one fault per request, checked in a fixed order so a seed replays the same pattern. */
    Fault before(Operation operation) {
        if (!settings.faultsApplyTo(operation)) {
            return Fault.NONE;
        }
        if (settings.chance(settings.dropConnectionRate())) {
            return Fault.DROP_CONNECTION;
        }
        if (settings.chance(settings.throttleRate())) {
            return Fault.THROTTLE;
        }
        if (settings.chance(settings.errorRate500())) {
            return Fault.ERROR_500;
        }
        return Fault.NONE;
    }

    /** True when the answer of a processed request is to be lost (connection closed instead). */
    boolean dropResponse(Operation operation) {
        return settings.faultsApplyTo(operation) && settings.chance(settings.dropResponseRate());
    }
}
