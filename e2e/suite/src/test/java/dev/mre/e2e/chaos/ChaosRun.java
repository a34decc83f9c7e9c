package dev.mre.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import java.nio.file.Files;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chaos: N objects converge and are deleted while the SES emulator injects 500s, 429s, dropped connections, lost
 * answers and latency spikes; two operator replicas elect a leader through the Lease; the leader is killed with
 * SIGKILL five times at seeded random points (the killed replica is restarted, as a new Pod, once the other has
 * taken over) and kube-apiserver is restarted once. At the end the invariants are checked and printed as figures.
 * <ul>
 *   <li>{@link ChaosSettings}: what the run does (system properties chaos.*);</li>
 *   <li>{@link ChaosSetup} and {@link Replicas}: the stage (harness, emulator, watches, two replicas);</li>
 *   <li>{@link Disruptions}: the SIGKILLs and the apiserver restart, on a seeded schedule;</li>
 *   <li>{@link Invariants}: what must hold, checked;</li>
 *   <li>{@link ChaosReport}: the figures, written to chaos.doc.</li>
 * </ul>
 */
@Tag("chaos")
class ChaosRun {

    @Test
    void chaos_run() throws Exception {
        ChaosSettings s = ChaosSettings.fromSystemProperties();
        Files.createDirectories(s.work());
        Progress.log(
                "==== chaos %s: %d objects, seed %d, %d leader kills, 1 kube-apiserver restart, faults %s ====",
                s.variant(), s.objects(), s.seed(), s.kills(), s.faults());
        ChaosReport report = new ChaosReport(s);
        Invariants invariants = new Invariants(s);
        Disruptions disruptions;
        Replicas replicas;
        ChaosSetup.Record record;
        java.nio.file.Path emulatorLog;
        try (ChaosSetup setup = ChaosSetup.start(s)) {
            report.controlPlane = setup.harness.controlPlane().origin().toString();
            disruptions = new Disruptions(s, setup);
            replicas = setup.replicas;
            emulatorLog = setup.emulator.log();
            try {
                // ---- create phase: kills and the apiserver restart at seeded random points ----
                long t0 = setup.applyAll();
                report.startTimeline(setup.watch, setup.emulator, t0);
                for (String kind : disruptions.createPhasePlan()) {
                    disruptions.gap();
                    if (kind.equals("kill")) {
                        disruptions.killLeader("create", t0);
                    } else {
                        disruptions.restartApiserver("create", t0);
                    }
                }
                long allReady = setup.watch.awaitAllReady(s.objects(), s.convergeTimeout(), "chaos convergence");
                report.convergeSeconds = allReady < 0 ? Double.NaN : (allReady - t0) / 1000.0;
                invariants.everyObjectReady(setup.watch, allReady, s.convergeTimeout());
                invariants.everyObjectReadyAtItsGeneration(setup.harness.kubectl());
                invariants.oneEndpointPerObject(
                        setup.emulator.state(),
                        Ownership.namespaceUid(setup.harness.kubectl(), ChaosSettings.NAMESPACE));

                // ---- delete phase: everything at once, the remaining kills ----
                long td = setup.deleteAll();
                for (int i = disruptions.killsWhileCreating(); i < s.kills(); i++) {
                    disruptions.gap();
                    disruptions.killLeader("delete", t0);
                }
                long gone = setup.watch.awaitEmpty(s.convergeTimeout(), "chaos deletion");
                report.deleteSeconds = gone < 0 ? Double.NaN : (gone - td) / 1000.0;
                invariants.nothingLeft(setup.harness.kubectl(), setup.emulator.state());
            } catch (Disruptions.NoTakeover e) {
                // no replica leads any more: nothing can converge; record why and stop here
                report.aborted = e.getMessage();
                invariants.takeoverHappened(e);
                Progress.log("  ABORTED: %s", e.getMessage());
            }
            report.stopTimeline();
            record = setup.settle();
            if (report.aborted == null) {
                invariants.replicasRunningAtTheEnd(replicas);
            }
        }

        // ---- over the whole run, from the emulator's call log ----
        invariants.atMostOneCreatePerName(record.log(), report.aborted == null);
        invariants.oneActiveReplica(record.log(), replicas.incarnations(), record.holders());
        invariants.takeoverWithinTheLeaseBound(disruptions.events(), record.leaseDurationSeconds());
        report.write(record, disruptions, replicas, invariants, emulatorLog);
        assertThat(invariants.failures()).as("chaos invariants").isEmpty();
    }
}
