package dev.mre.e2e.chaos;

import static dev.mre.e2e.perf.support.Stats.f;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.perf.support.LeaseWatch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The disruptions of a chaos run, at seeded random points: SIGKILLs of the leader (the other replica must take the
 * Lease over; the killed slot is then started again as a new Pod) and one kube-apiserver restart. Each is recorded as
 * an {@link Event}.
 */
final class Disruptions {

    /** A disruption and what it hit. */
    record Event(
            int no,
            String kind,
            String phase,
            double atSeconds,
            int readyAtEvent,
            int objectsAtEvent,
            String killed,
            String newLeader,
            double takeoverSeconds,
            double firstCallAfterSeconds,
            String note) {}

    /** No replica took the Lease over after the leader was killed: nothing can converge any more. */
    static final class NoTakeover extends Exception {
        final Event event;

        NoTakeover(Event event, String message) {
            super(message);
            this.event = event;
        }
    }

    static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(90);

    private final ChaosSettings settings;
    private final ChaosSetup setup;
    private final Random rnd;
    private final List<Event> events = new ArrayList<>();
    private String apiserverRestart = "not done";
    private int kills;

    Disruptions(ChaosSettings settings, ChaosSetup setup) {
        this.settings = settings;
        this.setup = setup;
        this.rnd = new Random(settings.seed());
    }

    /** The create phase's disruptions: the first half of the kills (rounded up) and the apiserver restart, shuffled in. */
    List<String> createPhasePlan() {
        List<String> plan = new ArrayList<>();
        for (int i = 0; i < killsWhileCreating(); i++) {
            plan.add("kill");
        }
        plan.add(rnd.nextInt(plan.size() + 1), "apiserver");
        return plan;
    }

    /** 5 kills: 3 while creating, 2 while deleting. */
    int killsWhileCreating() {
        return settings.kills() - settings.kills() / 2;
    }

    /** The seeded gap before the next disruption: a schedule, so a fixed wait (see {@link Pacing}). */
    void gap() throws InterruptedException {
        double seconds =
                settings.gapMinSeconds() + rnd.nextDouble() * (settings.gapMaxSeconds() - settings.gapMinSeconds());
        Pacing.pause(
                Duration.ofMillis((long) (seconds * 1000)), "chaos schedule: seeded gap before the next disruption");
    }

    /** {@code testenv.sh restart-apiserver}, recorded. */
    void restartApiserver(String phase, long t0) {
        double at = (System.currentTimeMillis() - t0) / 1000.0;
        int ready = setup.watch.readyCount();
        int size = setup.watch.size();
        Duration d = setup.harness.controlPlane().restartApiserver();
        apiserverRestart = f(d.toMillis() / 1000.0, 1) + " s (at " + f(at, 1) + " s, " + ready + "/"
                + settings.objects() + " Ready)";
        events.add(new Event(
                0,
                "kube-apiserver restart",
                phase,
                at,
                ready,
                size,
                "",
                "",
                Double.NaN,
                Double.NaN,
                "testenv.sh restart-apiserver took " + f(d.toMillis() / 1000.0, 1) + " s"));
        Progress.log("  kube-apiserver restarted in %.1f s", d.toMillis() / 1000.0);
    }

    /** SIGKILL the current leader; wait until another replica holds the Lease; start the killed slot again. */
    void killLeader(String phase, long t0) throws NoTakeover, IOException {
        int no = ++kills;
        LeaseWatch lease = setup.lease;
        AtomicReference<Optional<Replicas.Incarnation>> holder = new AtomicReference<>(Optional.empty());
        Conditions.await(
                "a live replica holds the Lease",
                Duration.ofSeconds(60),
                Duration.ofMillis(100),
                () -> {
                    holder.set(Optional.ofNullable(lease.current()).flatMap(setup.replicas::alive));
                    return holder.get().isPresent();
                },
                () -> "holder " + lease.current());
        Replicas.Incarnation leader = holder.get().orElseThrow();
        double at = (System.currentTimeMillis() - t0) / 1000.0;
        int ready = setup.watch.readyCount();
        int size = setup.watch.size();
        Instant killedAt = setup.replicas.kill(leader, no);
        Progress.log("  SIGKILL #%d: leader %s at %.1f s after apply (%d/%d Ready)", no, leader.pod, at, ready, size);

        Optional<LeaseWatch.Holder> next = lease.awaitHolderOtherThan(Set.of(leader.pod), TAKEOVER_LIMIT);
        if (next.isEmpty()) {
            // why: the first refusal the standby replicas got from the API server while trying to take the Lease
            String why = setup.replicas.others(leader).stream()
                    .flatMap(i -> i.op.grep("forbidden|Exception occurred while acquiring").stream())
                    .map(l -> l.replaceAll(".*Message: ", "").replaceAll("\\. Received status.*", ""))
                    .filter(l -> l.contains("forbidden"))
                    .findFirst()
                    .orElse("");
            Event e = new Event(
                    no,
                    "SIGKILL leader",
                    phase,
                    at,
                    ready,
                    size,
                    leader.pod,
                    "none within 90 s",
                    Double.NaN,
                    Double.NaN,
                    why.isEmpty() ? "no replica took the Lease" : "standby log: " + why);
            events.add(e);
            throw new NoTakeover(
                    e,
                    "after SIGKILL #" + no + " of " + leader.pod + " no other replica acquired the Lease"
                            + " within " + TAKEOVER_LIMIT.toSeconds() + " s (lease duration "
                            + lease.leaseDurationSeconds() + " s)"
                            + (why.isEmpty() ? "" : "; the standby's attempts were refused: " + why));
        }
        String newLeader = next.get().identity();
        double takeover = next.get().acquired() == null
                ? Double.NaN
                : (next.get().acquired().toEpochMilli() - killedAt.toEpochMilli()) / 1000.0;
        Progress.log("  takeover by %s: Lease acquired %.1f s after the kill", newLeader, takeover);
        double firstCall = firstCallOf(newLeader, killedAt);
        String note = Double.isNaN(firstCall)
                ? "no SES call by the new leader within 30 s of the takeover (nothing to do?); "
                : "";
        Replicas.Incarnation restarted = setup.replicas.start(leader.slot);
        events.add(new Event(
                no,
                "SIGKILL leader",
                phase,
                at,
                ready,
                size,
                leader.pod,
                newLeader,
                takeover,
                firstCall,
                note + "restarted as " + restarted.pod));
    }

    /** Seconds from the kill to the new leader's first SES call (from the call log), NaN when none within 30 s. */
    private double firstCallOf(String pod, Instant killedAt) {
        Optional<Replicas.Incarnation> inc = setup.replicas.byPod(pod);
        if (inc.isEmpty()) {
            return Double.NaN;
        }
        AtomicReference<Emulator.Call> first = new AtomicReference<>();
        Conditions.within(
                "the first SES call of " + pod,
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                () -> {
                    setup.calls.log().stream()
                            .filter(c -> inc.get().accessKey.equals(c.accessKeyId()))
                            .findFirst()
                            .ifPresent(first::set);
                    return first.get() != null;
                },
                () -> "none yet");
        return first.get() == null
                ? Double.NaN
                : (first.get().instant().toEpochMilli() - killedAt.toEpochMilli()) / 1000.0;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    String apiserverRestart() {
        return apiserverRestart;
    }
}
