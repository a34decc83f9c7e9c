package dev.mre.e2e.chaos;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Processes;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's replicas with leader election: slots a and b, each run by one operator process at a time. A restart
 * is a new incarnation (a new Pod: its own name and access key, so the emulator's call log tells them apart). A
 * replica that exits on its own is started again, as a Deployment's kubelet would, and counted.
 */
final class Replicas implements AutoCloseable {

    /** One operator process: a slot's incarnation. */
    static final class Incarnation {
        final int no;
        final String slot;
        final String pod;
        final String accessKey;
        OperatorProcess op;
        Instant endedAt;
        String end = "running";

        Incarnation(int no, String slot) {
            this.no = no;
            this.slot = slot;
            this.pod = "chaos-" + slot + "-" + no;
            this.accessKey = ChaosSettings.accessKey(no);
        }
    }

    private final ChaosSettings settings;
    private final Harness harness;
    private final Harness.OperatorIdentity identity;
    private final Emulator emulator;
    private final List<Incarnation> incarnations = new ArrayList<>();
    private final Map<String, Incarnation> current = new LinkedHashMap<>();
    private final List<String> unplannedExits = new ArrayList<>();
    private final ExecutorService kubelet = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chaos-kubelet");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean supervising = true;

    Replicas(ChaosSettings settings, Harness harness, Harness.OperatorIdentity identity, Emulator emulator) {
        this.settings = settings;
        this.harness = harness;
        this.identity = identity;
        this.emulator = emulator;
    }

    /** Starts a new incarnation in {@code slot} and waits until it is ready. */
    Incarnation start(String slot) throws IOException {
        Incarnation inc;
        synchronized (this) {
            int no = incarnations.size() + 1;
            if (no > ChaosSettings.KEYS) {
                throw new IllegalStateException(
                        "more than " + ChaosSettings.KEYS + " operator processes: out of access keys");
            }
            inc = new Incarnation(no, slot);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SES_MRE_CLUSTER_ID", ChaosSettings.CLUSTER_ID);
            env.put("SES_MRE_LEADER_ELECTION", "true");
            env.put("SES_MRE_LEADER_ELECTION_NAMESPACE", identity.namespace());
            env.put("POD_NAME", inc.pod);
            env.put("AWS_ACCESS_KEY_ID", inc.accessKey);
            env.put("AWS_SECRET_ACCESS_KEY", ChaosSettings.secret(no));
            env.putAll(settings.operatorEnv());
            if (!settings.adaptive()) {
                env.put("SES_MRE_ADAPTIVE_RATE_LIMIT", "false");
            }
            inc.op = harness.startOperator(inc.pod, settings.operatorJar(), identity, emulator, env);
            incarnations.add(inc);
            current.put(slot, inc);
        }
        Incarnation started = inc;
        inc.op.onExit().thenRunAsync(() -> exited(started), kubelet);
        inc.op.awaitReady(Duration.ofSeconds(120));
        return inc;
    }

    /** What the kubelet does when a container exits that nobody stopped: a new one. */
    private void exited(Incarnation inc) {
        if (!supervising || inc.op.killedByUs() || Processes.shuttingDown()) {
            return;
        }
        synchronized (this) {
            inc.endedAt = Instant.now();
            inc.end = "exited on its own (" + inc.op.exitCode().orElse(-1) + ")";
            unplannedExits.add(inc.pod + " exit " + inc.op.exitCode().orElse(-1) + " at " + inc.endedAt);
        }
        Progress.log(
                "  !! operator %s exited on its own (exit %s); last log lines:\n%s",
                inc.pod, inc.op.exitCode(), inc.op.tail(25));
        try {
            if (supervising && current.get(inc.slot) == inc) {
                start(inc.slot);
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            Progress.log("  kubelet: restarting slot %s failed: %s", inc.slot, e);
        }
    }

    /** The live incarnation called {@code pod}, if any. */
    synchronized Optional<Incarnation> alive(String pod) {
        return current.values().stream()
                .filter(i -> i.pod.equals(pod) && i.op.isAlive())
                .findFirst();
    }

    synchronized Optional<Incarnation> byPod(String pod) {
        return incarnations.stream().filter(i -> i.pod.equals(pod)).findFirst();
    }

    /** SIGKILL of one incarnation; returns when it is gone. */
    Instant kill(Incarnation inc, int no) {
        Instant at = inc.op.kill9();
        synchronized (this) {
            inc.endedAt = at;
            inc.end = "SIGKILL #" + no;
        }
        return at;
    }

    /** The other live replicas than {@code leader}, for why a takeover failed. */
    synchronized List<Incarnation> others(Incarnation leader) {
        return current.values().stream().filter(i -> i != leader).toList();
    }

    synchronized Map<String, Incarnation> current() {
        return new LinkedHashMap<>(current);
    }

    synchronized List<Incarnation> incarnations() {
        return List.copyOf(incarnations);
    }

    synchronized List<String> unplannedExits() {
        return List.copyOf(unplannedExits);
    }

    /** From now on an exit is not restarted (the run is over). */
    void stopSupervising() {
        supervising = false;
    }

    /** Stops every live replica at once (SIGTERM, as when a Deployment is deleted) and records it. */
    @Override
    public void close() {
        stopSupervising();
        kubelet.shutdownNow();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Incarnation inc : incarnations()) {
            if (inc.op != null && inc.op.isAlive()) {
                stops.add(CompletableFuture.runAsync(() -> {
                    inc.op.stop();
                    synchronized (this) {
                        inc.endedAt = Instant.now();
                        inc.end = "stopped at the end (SIGTERM)"
                                + (inc.op.exitCode().orElse(0) == 137
                                        ? ", SIGKILL after the " + OperatorProcess.TERMINATION_GRACE.toSeconds()
                                                + " s grace"
                                        : "");
                    }
                }));
            }
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }
}
