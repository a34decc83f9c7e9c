package dev.mre.e2e.chaos;

import static dev.mre.e2e.perf.support.Stats.f;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.GeneratedDoc;
import dev.mre.e2e.perf.support.LeaseWatch;
import dev.mre.e2e.perf.support.Machine;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chaos run's record: the figures and the progress timeline gathered while it runs, then the Markdown section
 * (setup, figures, disruptions, replicas, invariants) written into chaos.doc between its GENERATED markers, and the
 * raw figures as JSON next to the logs.
 */
final class ChaosReport {

    private static final Pattern EMULATOR_LINE_MS = Pattern.compile("-> (\\S+) \\((\\d+) ms\\)$");

    private final ChaosSettings settings;
    private final Instant startedAt = Instant.now();
    private final String loadBefore = Machine.loadAverage();
    private final List<String> timeline = new ArrayList<>();
    private ScheduledExecutorService sampler;
    private Emulator.Counters lastSample;
    long appliedAt;
    double convergeSeconds = Double.NaN;
    double deleteSeconds = Double.NaN;
    String aborted;
    String controlPlane = "?";

    ChaosReport(ChaosSettings settings) {
        this.settings = settings;
    }

    /** From the apply on, every 30 s: objects, Ready objects, SES calls per second (all / answered) since the last sample. */
    void startTimeline(MreWatch watch, Emulator emulator, long appliedAtMs) {
        appliedAt = appliedAtMs;
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaos-timeline");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(
                () -> {
                    try {
                        Emulator.Counters now = emulator.counters();
                        Emulator.Counters d = lastSample == null ? now : now.minus(lastSample);
                        synchronized (timeline) {
                            timeline.add(String.format(
                                    "%.0f s: %d/%d Ready, %.1f calls/s (%.1f answered)",
                                    (System.currentTimeMillis() - appliedAt) / 1000.0,
                                    watch.readyCount(),
                                    watch.size(),
                                    d.total() / 30.0,
                                    d.answered() / 30.0));
                        }
                        lastSample = now;
                    } catch (RuntimeException | AssertionError e) {
                        // the emulator is gone at the end
                    }
                },
                30,
                30,
                TimeUnit.SECONDS);
    }

    void stopTimeline() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    static String skeleton() {
        return """
                # Reliability

                What the operator guarantees under faults, crashes and failover, measured by `make chaos`
                (`e2e/suite/perf.mk`, program `e2e/suite/src/test/java/dev/mre/e2e/chaos/ChaosRun.java`): SES errors,
                throttling, dropped connections, lost answers and latency spikes from the SES emulator; the leader
                replica killed with SIGKILL five times; kube-apiserver restarted once. The figures between the GENERATED
                markers are rewritten by each run; the text outside them is written by hand.
                """;
    }

    /** Writes the section and figures.json; returns the Markdown body. */
    String write(
            ChaosSetup.Record record,
            Disruptions disruptions,
            Replicas replicas,
            Invariants invariants,
            Path emulatorLog)
            throws IOException {
        int n = settings.objects();
        Path repo = Repo.root();
        Map<String, Long> byOutcome = record.counters().byOutcome();
        long spikes = countSpikes(emulatorLog, settings.latencySpike().toMillis());
        long sesCalls = record.counters().total();
        List<Disruptions.Event> events = disruptions.events();
        List<Double> takeovers = Invariants.takeovers(events);
        List<String> unplannedExits = replicas.unplannedExits();
        List<String> emulatorFlags = settings.emulatorSettingsFlags();

        StringBuilder sb = new StringBuilder();
        sb.append("## ")
                .append(settings.variant().equals("full") ? "Full run" : "Reduced run")
                .append(": ")
                .append(n)
                .append(" objects, seed ")
                .append(settings.seed())
                .append(" (")
                .append(startedAt.toString(), 0, 10)
                .append(")\n\n");
        Map<String, String> machine = Machine.describe(repo);
        sb.append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, ")
                .append(machine.get("memory"))
                .append("; load average before ")
                .append(loadBefore)
                .append(", after ")
                .append(Machine.loadAverage())
                .append("; operator commit ")
                .append(machine.get("commit"))
                .append("; operator jar ")
                .append(Machine.jarIdentity(settings.operatorJar()))
                .append(". Started ")
                .append(startedAt)
                .append(".\n\n");
        sb.append("Setup: ")
                .append(
                        controlPlane.equals("STARTED")
                                ? "fresh local control plane"
                                : "a local control plane that was already running (" + controlPlane + ")")
                .append("; the chart's CRD and RBAC with `leaderElection.enabled=true`; two operator "
                        + "processes (`SES_MRE_LEADER_ELECTION=true`, Lease `ses-mre-operator-leader` in "
                        + ChaosSettings.SYSTEM_NAMESPACE
                        + ", distinct `POD_NAME` and ops ports, operator defaults otherwise: 10 SES "
                        + "calls/s ceiling, adaptive limiting, resync 10 min), each incarnation with its own access key so that the "
                        + "emulator's call log tells the replicas apart; `JAVA_TOOL_OPTIONS="
                        + OperatorProcess.JAVA_TOOL_OPTIONS
                        + "`. SES emulator `" + String.join(" ", emulatorFlags)
                        + "` (+ " + ChaosSettings.KEYS
                        + " `--credentials`). All objects applied at once with `kubectl apply -f`; ")
                .append(settings.kills())
                .append(" SIGKILLs of the current leader at seeded random gaps of ")
                .append(f(settings.gapMinSeconds(), 0))
                .append("..")
                .append(f(settings.gapMaxSeconds(), 0))
                .append(" s (after each, the other replica must take over; the killed one is then "
                        + "restarted as a new Pod name); one `testenv.sh restart-apiserver` at a seeded random position; "
                        + "then `kubectl delete mre --all` with the remaining kills. A replica exiting on its own would be "
                        + "restarted too and counted below.\n\n");
        if (!settings.adaptive()) {
            sb.append(
                    "**Diagnostic variant:** the replicas ran with `SES_MRE_ADAPTIVE_RATE_LIMIT=false` (fixed ceiling of 10 "
                            + "calls/s and per-object backoff kept; the operator's adaptive rate below the ceiling off).\n\n");
        }
        if (aborted != null) {
            sb.append("**Run aborted:** ")
                    .append(aborted)
                    .append(". Invariants that need a converged run were not evaluated.\n\n");
        }
        sb.append("| figure | value |\n|---|---|\n");
        sb.append("| seed (kill schedule and the emulator's fault draws; thread timing still varies) | ")
                .append(settings.seed())
                .append(" |\n");
        sb.append("| time to converge: apply → all ")
                .append(n)
                .append(" Ready | ")
                .append(f(convergeSeconds, 1))
                .append(" s |\n");
        sb.append("| time to delete: `kubectl delete` → no object left | ")
                .append(f(deleteSeconds, 1))
                .append(" s |\n");
        sb.append("| SES calls (all attempts) | ")
                .append(sesCalls)
                .append(" (")
                .append(f(sesCalls / (double) n, 1))
                .append(" per object for create + delete) |\n");
        sb.append("| faults injected (emulator counters) | ")
                .append(byOutcome.getOrDefault("TooManyRequestsException", 0L))
                .append(" × 429, ")
                .append(byOutcome.getOrDefault("InternalServiceErrorException", 0L))
                .append(" × 500, ")
                .append(byOutcome.getOrDefault("ConnectionDropped", 0L))
                .append(" connections dropped, ")
                .append(byOutcome.getOrDefault("ResponseDropped", 0L))
                .append(" answers lost after the work was done, ")
                .append(spikes)
                .append(" latency spikes (emulator log, ≥ ")
                .append(settings.latencySpike().toMillis())
                .append(" ms) |\n");
        sb.append("| SES answers by outcome | ").append(byOutcome).append(" |\n");
        sb.append("| operator restarts | ")
                .append(takeovers.size())
                .append(" SIGKILLs of the leader, ")
                .append(unplannedExits.size())
                .append(" exits on its own")
                .append(unplannedExits.isEmpty() ? "" : " (" + String.join("; ", unplannedExits) + ")")
                .append("; ")
                .append(replicas.incarnations().size())
                .append(" operator processes in all |\n");
        sb.append("| kube-apiserver restart | ")
                .append(disruptions.apiserverRestart())
                .append(" |\n");
        sb.append("| takeover after a leader SIGKILL (Lease acquireTime − kill) | ")
                .append(takeovers.stream().map(t -> f(t, 1)).toList())
                .append(" s; median ")
                .append(f(Stats.median(takeovers), 1))
                .append(" s, max ")
                .append(f(Stats.max(takeovers), 1))
                .append(" s; lease duration ")
                .append(record.leaseDurationSeconds())
                .append(" s, retry period ")
                .append(f(Invariants.RETRY_PERIOD_SECONDS, 0))
                .append(" s |\n");
        sb.append("| call log | ")
                .append(record.log().size())
                .append(" calls merged from the emulator's log")
                .append(record.logComplete() ? " (complete)" : " (**gaps possible**)")
                .append(" |\n\n");
        synchronized (timeline) {
            sb.append(
                            "Progress every 30 s after the apply (SES calls per second over the last 30 s, all and answered = not "
                                    + "429/500/dropped): ")
                    .append(timeline.isEmpty() ? "–" : String.join("; ", timeline))
                    .append(".\n\n");
        }
        sb.append(
                "### Disruptions\n\n| # | what | phase | at (s after apply) | Ready / objects then | killed | new leader "
                        + "| takeover (s) | first SES call of the new leader (s after kill) | note |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Disruptions.Event e : events) {
            sb.append("| ")
                    .append(e.no() == 0 ? "–" : Integer.toString(e.no()))
                    .append(" | ")
                    .append(e.kind())
                    .append(" | ")
                    .append(e.phase())
                    .append(" | ")
                    .append(f(e.atSeconds(), 1))
                    .append(" | ")
                    .append(e.readyAtEvent())
                    .append(" / ")
                    .append(e.objectsAtEvent())
                    .append(" | ")
                    .append(e.killed())
                    .append(" | ")
                    .append(e.newLeader())
                    .append(" | ")
                    .append(f(e.takeoverSeconds(), 1))
                    .append(" | ")
                    .append(f(e.firstCallAfterSeconds(), 1))
                    .append(" | ")
                    .append(e.note())
                    .append(" |\n");
        }
        sb.append(
                        "\n### Replicas (one row per process; times in s after apply)\n\n| pod | access key | started | acquired the Lease "
                                + "| end | SES calls | first .. last call |\n|---|---|---|---|---|---|---|\n")
                .append(perIncarnation(record, replicas.incarnations()))
                .append('\n');
        sb.append("### Invariants\n\n| invariant | expected | found | ok |\n|---|---|---|---|\n");
        for (Invariants.Check c : invariants.checks()) {
            sb.append("| ")
                    .append(c.name())
                    .append(" | ")
                    .append(c.expected())
                    .append(" | ")
                    .append(c.actual().replace("|", "/"))
                    .append(" | ")
                    .append(c.ok() ? "yes" : "**NO**")
                    .append(" |\n");
        }
        String body = sb.toString();
        Progress.log("chaos report:\n%s", body);
        GeneratedDoc.writeSection(
                settings.doc(), "chaos N=" + n + (settings.adaptive() ? "" : " adaptive off"), body, skeleton());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", settings.seed());
        figures.put("objects", n);
        figures.put("faults", settings.faults());
        figures.put("callLogComplete", record.logComplete());
        figures.put(
                "injected",
                Map.of(
                        "429 TooManyRequestsException", byOutcome.getOrDefault("TooManyRequestsException", 0L),
                        "500 InternalServiceErrorException",
                                byOutcome.getOrDefault("InternalServiceErrorException", 0L),
                        "connection dropped before the operation", byOutcome.getOrDefault("ConnectionDropped", 0L),
                        "answer lost after the operation", byOutcome.getOrDefault("ResponseDropped", 0L),
                        "latency spikes (+1.5 s)", spikes));
        Json.JSON
                .writerWithDefaultPrettyPrinter()
                .writeValue(
                        settings.work().resolve("figures.json").toFile(),
                        Map.of("figures", figures, "events", events, "checks", invariants.checks()));
        Progress.log("written: %s", settings.doc());
        return body;
    }

    private String perIncarnation(ChaosSetup.Record record, List<Replicas.Incarnation> incarnations) {
        Map<String, List<Emulator.Call>> byKey = Invariants.callsByAccessKey(record.log());
        Map<String, LeaseWatch.Holder> holderByPod = new HashMap<>();
        record.holders().forEach(h -> holderByPod.put(h.identity(), h));
        StringBuilder sb = new StringBuilder();
        for (Replicas.Incarnation inc : incarnations) {
            List<Emulator.Call> mine = byKey.getOrDefault(inc.accessKey, List.of());
            LeaseWatch.Holder h = holderByPod.get(inc.pod);
            Instant acquired = h == null ? null : h.acquired();
            sb.append("| ")
                    .append(inc.pod)
                    .append(" | ")
                    .append(inc.accessKey)
                    .append(" | ")
                    .append(rel(inc.op == null ? null : inc.op.startedAt()))
                    .append(" | ")
                    .append(acquired == null ? "never" : rel(acquired))
                    .append(" | ")
                    .append(inc.end)
                    .append(inc.endedAt == null ? "" : " at " + rel(inc.endedAt))
                    .append(" | ")
                    .append(mine.size())
                    .append(" | ")
                    .append(
                            mine.isEmpty()
                                    ? "–"
                                    : rel(mine.get(0).instant()) + " .. "
                                            + rel(mine.get(mine.size() - 1).instant()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private String rel(Instant t) {
        return t == null ? "–" : f((t.toEpochMilli() - appliedAt) / 1000.0, 1);
    }

    private static long countSpikes(Path emulatorLog, long spikeMs) {
        try {
            long count = 0;
            for (String line : Files.readAllLines(emulatorLog)) {
                Matcher m = EMULATOR_LINE_MS.matcher(line);
                if (m.find() && Long.parseLong(m.group(2)) >= spikeMs) {
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            return -1;
        }
    }
}
