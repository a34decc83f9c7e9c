package dev.mre.e2e.chaos;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.perf.support.LeaseWatch;
import dev.mre.e2e.perf.support.MreWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The stage of a chaos run, on the {@link Harness}: the control plane, the chart's CRD and RBAC with leader election,
 * the namespace and its objects' manifest, the SES emulator with the faults and one access key per operator process
 * (its call log recorded in full), watches of the objects and of the Lease, and two operator replicas of which one
 * leads. Closing it stops the replicas, then everything else.
 */
final class ChaosSetup implements AutoCloseable {

    /** What is left to read once the run is over. */
    record Record(
            List<Emulator.Call> log,
            Emulator.Counters counters,
            boolean logComplete,
            List<LeaseWatch.Holder> holders,
            int leaseDurationSeconds) {}

    final Harness harness;
    final Harness.OperatorIdentity identity;
    final Path objects;
    final Emulator emulator;
    final Emulator.CallRecorder calls;
    final LeaseWatch lease;
    final MreWatch watch;
    final Replicas replicas;

    private ChaosSetup(
            Harness harness,
            Harness.OperatorIdentity identity,
            Path objects,
            Emulator emulator,
            Emulator.CallRecorder calls,
            LeaseWatch lease,
            MreWatch watch,
            Replicas replicas) {
        this.harness = harness;
        this.identity = identity;
        this.objects = objects;
        this.emulator = emulator;
        this.calls = calls;
        this.lease = lease;
        this.watch = watch;
        this.replicas = replicas;
    }

    static ChaosSetup start(ChaosSettings s) throws IOException {
        return start(s, Duration.ofSeconds(3));
    }

    /**
     * As {@link #start(ChaosSettings)}, the emulator's call log fetched every {@code callLogEvery} (a long run at a few
     * calls per second needs far fewer fetches than the emulator's {@link Emulator#LOG_LIMIT} allows).
     */
    static ChaosSetup start(ChaosSettings s, Duration callLogEvery) throws IOException {
        Harness h = Harness.start("chaos-" + s.variant(), s.work());
        try {
            h.applyCrds();
            Harness.OperatorIdentity id = h.installOperatorRbac(
                    ChaosSettings.RELEASE, ChaosSettings.SYSTEM_NAMESPACE, "12h", "leaderElection.enabled=true");
            h.namespace(ChaosSettings.NAMESPACE);
            Path objects = Files.writeString(
                    s.work().resolve("objects.yaml"),
                    Mre.documents(Mre.numbered(ChaosSettings.NAMESPACE, "chaos", s.objects())));
            Emulator emu = h.startEmulator("emulator", s.emulatorJar(), s.emulatorFlags());
            ChaosSetup setup = new ChaosSetup(
                    h,
                    id,
                    objects,
                    emu,
                    emu.recordCalls(callLogEvery),
                    new LeaseWatch(h.kubectl(), id.namespace(), Harness.LEASE_NAME),
                    new MreWatch(h.kubectl()),
                    new Replicas(s, h, id, emu));
            setup.replicas.start("a");
            setup.replicas.start("b");
            LeaseWatch.Holder first = setup.lease
                    .awaitHolderOtherThan(Set.of(), Duration.ofSeconds(60))
                    .orElseThrow(() -> new AssertionError("no replica holds the Lease within 60 s"));
            Progress.log("  leader: %s (acquired %s)", first.identity(), first.acquired());
            setup.watch.awaitConnected(Duration.ofSeconds(60));
            return setup;
        } catch (RuntimeException | Error | IOException e) {
            h.close();
            throw e;
        }
    }

    /** {@code kubectl apply -f} of all objects at once; returns the epoch-ms instant it started. */
    long applyAll() {
        long t0 = System.currentTimeMillis();
        harness.kubectl()
                .run(Duration.ofMinutes(5), "apply", "-f", objects.toString())
                .orThrow();
        return t0;
    }

    /** {@code kubectl delete mre --all}, not waiting; returns the epoch-ms instant it started. */
    long deleteAll() {
        long t0 = System.currentTimeMillis();
        harness.kubectl()
                .run(Duration.ofMinutes(5), "delete", "mre", "--all", "-n", ChaosSettings.NAMESPACE, "--wait=false")
                .orThrow();
        return t0;
    }

    /**
     * The run is over: no more restarts; once SES calls in flight have reached the emulator's log (its call count
     * stops changing), the record is read.
     */
    Record settle() {
        replicas.stopSupervising();
        Conditions.awaitQuiet(
                "SES calls in flight recorded (the emulator's call count stops changing)",
                () -> emulator.counters().total(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        int leaseDuration = lease.leaseDurationSeconds() > 0 ? lease.leaseDurationSeconds() : 15;
        return new Record(calls.log(), emulator.counters(), calls.complete(), lease.history(), leaseDuration);
    }

    @Override
    public void close() {
        replicas.close();
        watch.close();
        lease.close();
        calls.close();
        harness.close();
    }
}
