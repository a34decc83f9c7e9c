package dev.mre.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Progress;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak (issue 24, section 4): N objects for a set duration on the chaos run's stage ({@link ChaosSetup}: two replicas
 * with leader election, the SES emulator with faults, the whole call log recorded), with
 * <ul>
 *   <li>churn at a steady rate ({@link SoakChurn}: a create, a tag edit, a delete in turn, one per soak.churnEvery),
 *       started once the first N objects are Ready;</li>
 *   <li>SES faults: dropped connections, 500s, 429s (random per call, the emulator's fault settings);</li>
 *   <li>one SIGKILL of the leader per soak.killEvery ({@link Disruptions#killLeader}, as the chaos run: the other
 *       replica takes over, the killed slot starts again as a new Pod);</li>
 *   <li>RSS and heap of every replica sampled over time, the leader's live heap (after a full GC) now and then
 *       ({@link SoakMemory}), plotted with gnuplot;</li>
 *   <li>SES calls per endpoint per hour, from the call log, by slice of the run;</li>
 *   <li>at the end: every live object Ready at its generation, exactly one endpoint per live object with its last
 *       tags, no endpoint without an object (orphan), then everything deleted and nothing left; over the whole run
 *       the chaos invariants on the call log (no second Create of a name, no call by a standby, no two replicas
 *       active at once, takeover within the Lease bound).</li>
 * </ul>
 * Pass: all of that, and the leader's RSS after the warm-up (the first sixth: 10 min of 60) grows less than 5 % to
 * the end ({@link SoakMemory#rssGrowth}).
 */
@Tag("soak")
class SoakRun {

    @Test
    void soak_run() throws Exception {
        SoakSettings ss = SoakSettings.fromSystemProperties();
        ChaosSettings s = ss.chaos();
        Files.createDirectories(ss.work());
        Progress.log(
                "==== soak %s: %d objects for %s, churn one operation per %s, a leader SIGKILL per %s (%d planned),"
                        + " ceiling %s calls/s, faults %s ====",
                ss.variant(),
                ss.objects(),
                ss.duration(),
                ss.churnEvery(),
                ss.killEvery(),
                s.kills(),
                ss.rate(),
                s.faults());
        SoakReport report = new SoakReport(ss);
        Invariants invariants = new Invariants(s);
        Disruptions disruptions;
        ChaosSetup.Record record;
        SoakMemory memory;
        SoakChurn churn;
        try (ChaosSetup setup = ChaosSetup.start(s, Duration.ofSeconds(15))) {
            report.controlPlane = setup.harness.controlPlane().origin().toString();
            disruptions = new Disruptions(s, setup);
            String nsUid = Ownership.namespaceUid(setup.harness.kubectl(), ChaosSettings.NAMESPACE);
            long t0 = setup.applyAll();
            memory = new SoakMemory(ss, setup.replicas, setup.lease, t0);
            churn = new SoakChurn(ss, setup.harness.kubectl(), t0);
            try {
                long allReady = setup.watch.awaitAllReady(s.objects(), s.convergeTimeout(), "soak: first objects");
                report.firstReadySeconds = allReady < 0 ? Double.NaN : (allReady - t0) / 1000.0;
                invariants.everyObjectReady(setup.watch, allReady, s.convergeTimeout());
                Progress.log(
                        "  %d objects Ready %.1f s after the apply; churn starts",
                        s.objects(), report.firstReadySeconds);

                // ---- the soak: churn on its own thread, a leader kill per killEvery on this one ----
                report.churnStart = System.currentTimeMillis();
                report.countersAtChurnStart = setup.emulator.counters();
                churn.start();
                long end = t0 + ss.duration().toMillis();
                for (int k = 1; k <= s.kills(); k++) {
                    long at = t0 + k * ss.killEvery().toMillis();
                    sleepUntil(at, "soak schedule: the next leader SIGKILL");
                    disruptions.killLeader("soak", t0);
                }
                sleepUntil(end, "soak schedule: the end of the churn");
                churn.stop();
                report.churnEnd = System.currentTimeMillis();
                report.countersAtChurnEnd = setup.emulator.counters();
                Progress.log("  churn done: %s", churn.summary());

                // ---- convergence of what is left, then the end state against SES ----
                long converged = SoakChecks.awaitConverged(
                        setup.harness.kubectl(), setup.emulator, nsUid, churn.live(), s.convergeTimeout());
                report.finalConvergeSeconds = converged < 0 ? Double.NaN : (converged - report.churnEnd) / 1000.0;
                SoakChecks.endState(invariants, setup.harness.kubectl(), setup.emulator.state(), nsUid, churn.live());

                long td = setup.deleteAll();
                long gone = setup.watch.awaitEmpty(s.convergeTimeout(), "soak deletion");
                report.deleteSeconds = gone < 0 ? Double.NaN : (gone - td) / 1000.0;
                SoakChecks.awaitNoEndpoints(setup.emulator, Duration.ofSeconds(60));
                invariants.nothingLeft(setup.harness.kubectl(), setup.emulator.state());
            } catch (Disruptions.NoTakeover e) {
                report.aborted = e.getMessage();
                invariants.takeoverHappened(e);
                Progress.log("  ABORTED: %s", e.getMessage());
            } finally {
                churn.stop();
                memory.close();
            }
            record = setup.settle();
            if (report.aborted == null) {
                invariants.replicasRunningAtTheEnd(setup.replicas);
            }
            report.replicas = setup.replicas.incarnations();
        }

        // ---- over the whole run, from the emulator's call log ----
        invariants.atMostOneCreatePerName(record.log(), false);
        SoakChecks.namesCreated(invariants, record.log(), churn.created(), record.logComplete());
        invariants.oneActiveReplica(record.log(), report.replicas, record.holders());
        invariants.takeoverWithinTheLeaseBound(disruptions.events(), record.leaseDurationSeconds());
        SoakMemory.Growth growth = memory.rssGrowth(disruptions.events());
        invariants.add(
                "leader RSS growth after the warm-up (median of the last window / median of the window after "
                        + ss.warmup().toSeconds() + " s)",
                "< " + Math.round(ss.maxGrowth() * 100) + " %",
                growth.describe(),
                growth.ok(ss.maxGrowth()));
        report.write(record, disruptions, invariants, memory, growth, churn);
        assertThat(invariants.failures()).as("soak invariants").isEmpty();
    }

    private static void sleepUntil(long epochMs, String why) throws InterruptedException {
        long left = epochMs - System.currentTimeMillis();
        if (left > 0) {
            Pacing.pause(Duration.ofMillis(left), why);
        }
    }
}
