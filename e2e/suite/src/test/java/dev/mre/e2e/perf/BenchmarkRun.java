package dev.mre.e2e.perf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Emulator.Counters;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Machine;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.ResourceSampler;
import dev.mre.e2e.perf.support.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One benchmark run (one mode, one repetition) per Maven invocation, so a long benchmark never meets the suite's
 * surefire fork timeout: N objects applied at once with kubectl to the harness's control plane (a fresh one, unless
 * TESTENV_WORK_DIR names a running one, as in make test), the SES emulator
 * limiting every SES call to R requests/s with provisioning taking P seconds, the operator jar under the chart's
 * ServiceAccount and JVM memory settings. Writes one JSON result; {@link BenchmarkReport} turns the results into
 * the Markdown report. The perf.mk targets drive it; settings are system properties:
 *
 * <pre>
 * bench.variant   smoke | full            bench.objects  N (20)        bench.rate R (10)
 * bench.createDelay P (3s)                bench.mode adaptive | per-object
 * bench.run       repetition number (1)   bench.steady   also measure the resync steady state (false)
 * bench.results   folder of the JSON results (e2e/suite/target/bench/&lt;variant&gt;/N&lt;objects&gt;)
 * </pre>
 *
 * Modes: {@code adaptive} is the operator's defaults (operator-wide pacing at the ceiling
 * SES_MRE_MAX_CALL_RATE=10, lowered while SES throttles); {@code per-object} switches operator-wide limiting off
 * (SES_MRE_ADAPTIVE_RATE_LIMIT=false, SES_MRE_MAX_CALL_RATE=100000): only each object's own backoff remains.
 */
@Tag("bench")
class BenchmarkRun {

    static final String NAMESPACE = "bench";
    static final String CLUSTER_ID = "bench";
    static final String RELEASE = "ses-mre-operator-bench";
    static final String SYSTEM_NAMESPACE = "ses-mre-bench";

    @Test
    void one_benchmark_run() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "smoke");
        int n = Params.integer("bench.objects", 20);
        int rate = Params.integer("bench.rate", 10);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(3));
        String mode = Params.str("bench.mode", "adaptive");
        int run = Params.integer("bench.run", 1);
        boolean steady = Params.bool("bench.steady", false);
        if (!mode.equals("adaptive") && !mode.equals("per-object")) {
            throw new IllegalArgumentException("bench.mode must be adaptive or per-object, got " + mode);
        }
        Path results = Path.of(Params.str("bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/N" + n).toString()));
        Path work = results.resolveSibling(results.getFileName() + "-work").resolve(mode + "-" + run);
        Path jar = Machine.jar("bench.operatorJar", results.getParent().resolve("jars/operator.jar"), Repo.operatorJar());
        Path emulatorJar = Machine.jar("bench.emulatorJar", results.getParent().resolve("jars/emulator.jar"),
                Repo.emulatorJar());
        double lowerBound = 3.0 * n / rate + createDelay.toMillis() / 1000.0;
        Duration timeout = Params.duration("bench.timeout",
                Duration.ofSeconds((long) Math.min(33 * 60, Math.max(600, 12 * lowerBound))));
        Files.createDirectories(results);

        Progress.log("==== benchmark %s: %d objects, SES limited to %d calls/s (burst %d), provisioning %s, mode %s, run %d%s ====",
                variant, n, rate, rate, createDelay, mode, run, steady ? ", plus the resync steady state" : "");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("variant", variant);
        r.put("mode", mode);
        r.put("run", run);
        r.put("objects", n);
        r.put("rate", rate);
        r.put("createDelaySeconds", createDelay.toMillis() / 1000.0);
        r.put("startedAt", Instant.now().toString());
        r.put("lowerBoundSeconds", lowerBound);
        r.put("loadBefore", Machine.loadAverage());
        r.put("machine", Machine.describe(repo));
        r.put("javaToolOptions", OperatorProcess.JAVA_TOOL_OPTIONS);
        r.put("operatorJar", jar + " (" + Machine.jarIdentity(jar) + ")");
        r.put("emulatorJar", emulatorJar + " (" + Machine.jarIdentity(emulatorJar) + ")");
        List<String> problems = new ArrayList<>();

        // the harness empties the run's log folder: logs are appended to, nothing of an earlier run may be read as this one's
        try (Harness h = Harness.start("bench-" + variant, work)) {
            r.put("controlPlane", h.controlPlane().origin().toString());
            h.applyCrds();
            Harness.OperatorIdentity id = h.installOperatorRbac(RELEASE, SYSTEM_NAMESPACE, "12h");
            h.namespace(NAMESPACE);
            Path objects = Files.writeString(work.resolve("objects.yaml"), Mre.documents(Mre.numbered(NAMESPACE, "bench", n)));
            List<String> emulatorFlags = List.of("--rate-limit", Integer.toString(rate), "--burst", Integer.toString(rate),
                    "--create-delay", Params.flag(createDelay), "--delete-delay", "2s", "--threads", "16", "--seed", "1",
                    "--quota", Integer.toString(Math.max(100, 2 * n)));
            r.put("emulatorFlags", String.join(" ", emulatorFlags));
            Emulator emu = h.startEmulator("emulator", emulatorJar, emulatorFlags);
            try (Emulator.CallRecorder calls = emu.recordCalls(Duration.ofSeconds(3))) {
                Map<String, String> settings = operatorSettings(mode, "10m");
                r.put("operatorEnv", settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
                OperatorProcess op = h.startOperator("operator-" + mode + "-" + run, jar, id, emu, settings);
                ResourceSampler sampler = new ResourceSampler(op);
                MreWatch watch = new MreWatch(h.kubectl());
                try {
                    Duration startToReady = op.awaitReady(Duration.ofSeconds(120));
                    r.put("startToReadySeconds", startToReady.toMillis() / 1000.0);
                    Progress.log("  operator: process start -> /readyz 200 in %.2f s", startToReady.toMillis() / 1000.0);
                    // objects applied from now on are seen by the watch as they arrive
                    watch.awaitConnected(Duration.ofSeconds(60));

                    // ---- apply everything at once and wait until every object is Ready ----
                    long t0 = System.currentTimeMillis();
                    Cmd.Result apply = h.kubectl().run(Duration.ofMinutes(10), "apply", "-f", objects.toString());
                    apply.orThrow();
                    long applied = System.currentTimeMillis();
                    r.put("applySeconds", (applied - t0) / 1000.0);
                    long allReady = watch.awaitAllReady(n, timeout, "convergence");
                    Counters conv = emu.counters();
                    ResourceSampler.Reading atReady = sampler.read();
                    if (allReady < 0) {
                        problems.add("not every object Ready within " + timeout + ": " + watch.readyCount() + "/" + n
                                + " Ready, not Ready by reason " + watch.notReadyReasons());
                        r.put("converged", false);
                        Progress.log("%s\noperator log tail:\n%s", problems.get(0), op.tail(40));
                    } else {
                        r.put("converged", true);
                    }
                    long end = allReady < 0 ? System.currentTimeMillis() : allReady;
                    double seconds = (end - t0) / 1000.0;
                    r.put("convergenceSeconds", seconds);
                    r.put("ratio", seconds / lowerBound);
                    r.put("calls", conv.byOperation());
                    r.put("callsTotal", conv.total());
                    long throttled = conv.outcome("TooManyRequestsException");
                    r.put("throttled", throttled);
                    r.put("throttledPercent", conv.total() == 0 ? 0 : 100.0 * throttled / conv.total());
                    Map<String, Double> perEndpoint = new TreeMap<>();
                    conv.byOperation().forEach((op2, outcomes) -> perEndpoint.put(op2,
                            outcomes.values().stream().mapToLong(Long::longValue).sum() / (double) n));
                    r.put("callsPerEndpoint", perEndpoint);
                    r.put("callsPerEndpointTotal", conv.total() / (double) n);
                    // answered = everything but throttling, 5xx and dropped connections (a NotFound answers too)
                    long ok = conv.total() - throttled - conv.outcome("InternalServiceErrorException")
                            - conv.outcome("ConnectionDropped") - conv.outcome("ResponseDropped");
                    r.put("successfulCallsPerEndpoint", ok / (double) n);
                    r.put("successfulCallRate", ok / seconds);
                    r.put("attemptRate", conv.total() / seconds);
                    r.put("rssAtReadyMiB", atReady.rssMiB());
                    r.put("heapAtReadyMiB", atReady.heapUsedMiB());
                    r.put("heapMaxMiB", atReady.heapMaxMiB());

                    // per object: apply (the watch's ADDED event) -> first Create call, -> Ready
                    List<Emulator.Call> log = calls.log();
                    r.put("callLogComplete", calls.complete());
                    r.put("callLogEntries", log.size());
                    Map<String, Instant> firstCreate = Emulator.firstCall(log, "CreateMultiRegionEndpoint", null);
                    Map<String, Instant> firstCreateOk = Emulator.firstCall(log, "CreateMultiRegionEndpoint", "200");
                    List<Double> toCreate = new ArrayList<>();
                    List<Double> toCreateOk = new ArrayList<>();
                    List<Double> toReady = new ArrayList<>();
                    for (MreWatch.Obj o : watch.snapshot()) {
                        String name = o.key.substring(o.key.indexOf('/') + 1);
                        Instant c = firstCreate.get(name);
                        if (c != null) {
                            toCreate.add((c.toEpochMilli() - o.addedAt) / 1000.0);
                        }
                        Instant c2 = firstCreateOk.get(name);
                        if (c2 != null) {
                            toCreateOk.add((c2.toEpochMilli() - o.addedAt) / 1000.0);
                        }
                        if (o.readyAt > 0) {
                            toReady.add((o.readyAt - o.addedAt) / 1000.0);
                        }
                    }
                    r.put("applyToFirstCreate", pcts(toCreate));
                    r.put("applyToFirstSuccessfulCreate", pcts(toCreateOk));
                    r.put("applyToReady", pcts(toReady));

                    // correctness: one endpoint per object, created once
                    checkEndpoints(emu.state(), Ownership.namespaceUid(h.kubectl(), NAMESPACE), log, n,
                            calls.complete(), conv, problems);

                    // idle after convergence (nothing to do until the 10 min resync): memory settles
                    int idleSeconds = Params.integer("bench.idleSeconds", 15);
                    r.put("idleSeconds", idleSeconds);
                    Pacing.pause(Duration.ofSeconds(idleSeconds), "idle window after convergence (memory settles)");
                    ResourceSampler.Reading idle = sampler.read();
                    r.put("rssIdleMiB", idle.rssMiB());
                    r.put("rssPeakMiB", idle.hwmMiB());
                    r.put("heapIdleMiB", idle.heapUsedMiB());
                    r.put("heapCommittedIdleMiB", idle.heapCommittedMiB());
                    r.put("nonHeapIdleMiB", idle.nonHeapUsedMiB());
                    r.put("threadsIdle", idle.threads());
                    r.put("heapPeakSampledMiB", sampler.maxHeapUsedMiB());
                    String metrics = op.metrics();
                    r.put("operatorSesCalls", OperatorProcess.metricSum(metrics, "ses_mre_ses_calls_total"));
                    r.put("operatorSesThrottles", OperatorProcess.metricSum(metrics, "ses_mre_ses_throttles_total"));
                    r.put("loadAfter", Machine.loadAverage());
                    Progress.log("  converged in %.1f s (lower bound %.1f s, ratio %.2f); %d SES calls (%.2f per endpoint), "
                                    + "%d answered 429 (%.1f %%); apply->first Create p50 %.1f s p99 %.1f s; RSS peak %.0f MiB, "
                                    + "idle %.0f MiB; heap peak %.0f MiB",
                            seconds, lowerBound, seconds / lowerBound, conv.total(), conv.total() / (double) n, throttled,
                            (double) r.get("throttledPercent"), Stats.percentile(toCreate, 50), Stats.percentile(toCreate, 99),
                            idle.hwmMiB(), idle.rssMiB(), sampler.maxHeapUsedMiB());

                    if (steady && allReady > 0) {
                        sampler.close();
                        op.close();
                        r.put("steady", steadyState(h, id, emu, mode, n, rate, jar));
                    }
                } finally {
                    watch.close();
                    sampler.close();
                    op.close();
                }
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("finishedAt", Instant.now().toString());
            Path out = results.resolve(mode + "-" + run + ".json");
            Json.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), r);
            Progress.log("  result written to %s", out);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    /** The operator's settings of a mode (on top of the harness's base environment: identity, emulator, region). */
    static Map<String, String> operatorSettings(String mode, String resync) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
        env.put("SES_MRE_RESYNC_PERIOD", resync);
        if (mode.equals("per-object")) {
            env.put("SES_MRE_ADAPTIVE_RATE_LIMIT", "false");
            env.put("SES_MRE_MAX_CALL_RATE", "100000");
        }
        return env;
    }

    static Map<String, Object> pcts(List<Double> v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.size());
        m.put("p50", Stats.percentile(v, 50));
        m.put("p99", Stats.percentile(v, 99));
        m.put("max", Stats.max(v));
        return m;
    }

    /** Exactly one READY endpoint per object, owned by it, created by exactly one successful Create. */
    static void checkEndpoints(JsonNode state, String namespaceUid, List<Emulator.Call> log, int n,
                               boolean logComplete, Counters conv, List<String> problems) {
        Map<String, Integer> byName = new TreeMap<>();
        int notReady = 0;
        int wrongOwner = 0;
        for (JsonNode e : state.path("endpoints")) {
            String name = e.path("endpointName").asText();
            byName.merge(name, 1, Integer::sum);
            if (!"READY".equals(e.path("status").asText())) {
                notReady++;
            }
            if (!Ownership.ownedBy(Json.stringMap(e.path("tags")), CLUSTER_ID, namespaceUid, name)) {
                wrongOwner++;
            }
        }
        int expectedNames = 0;
        for (int i = 0; i < n; i++) {
            if (byName.getOrDefault(Mre.numberedName("bench", i), 0) == 1) {
                expectedNames++;
            }
        }
        if (byName.size() != n || expectedNames != n || notReady > 0 || wrongOwner > 0) {
            problems.add("emulator holds " + byName.size() + " endpoint names for " + n + " objects (" + expectedNames
                    + " with exactly one endpoint), " + notReady + " not READY, " + wrongOwner + " without our owner tag");
        }
        long creates = conv.count("CreateMultiRegionEndpoint", "200");
        if (creates != n) {
            problems.add(creates + " successful CreateMultiRegionEndpoint calls for " + n + " objects");
        }
        if (logComplete) {
            Map<String, Integer> perName = new TreeMap<>();
            log.stream().filter(c -> "CreateMultiRegionEndpoint".equals(c.operation()) && "200".equals(c.outcome()))
                    .forEach(c -> perName.merge(c.endpointName(), 1, Integer::sum));
            perName.values().removeIf(v -> v == 1);
            if (!perName.isEmpty()) {
                problems.add("created more than once: " + perName);
            }
        }
    }

    /**
     * The resync steady state: the operator restarted with a short resync period T (so the window is minutes, not
     * hours), chosen so that the resync load 2N/T stays at half the SES limit; after the restart pass (every object
     * observed once), the SES calls in a window of exactly T are counted. A READY endpoint costs the same calls per
     * resync whatever the period, so calls per endpoint per hour at the default 10 min = calls per endpoint per
     * resync x 6.
     */
    /** SES calls list at most this many endpoints per page (ListMultiRegionEndpoints' PageSize maximum). */
    static final int LIST_PAGE_SIZE = 1000;

    /**
     * Whether the calls since the restart observed every one of {@code n} endpoints: one successful Get each (the
     * operator's per-object observation), or enough successful List pages to hold them all (its batch observation).
     */
    static boolean everyObjectObserved(Counters since, int n) {
        return since.count("GetMultiRegionEndpoint", "200") >= n
                || since.count("ListMultiRegionEndpoints", "200") * (long) LIST_PAGE_SIZE >= n;
    }

    static Map<String, Object> steadyState(Harness h, Harness.OperatorIdentity id, Emulator emu, String mode, int n,
                                           int rate, Path jar) throws Exception {
        long resyncS = Params.longValue("bench.steadyResyncSeconds", Math.max(20, (long) Math.ceil(4.0 * n / rate)));
        Duration resync = Duration.ofSeconds(resyncS);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("resyncSeconds", resyncS);
        Progress.log("  steady state: operator restarted with SES_MRE_RESYNC_PERIOD=%ds (resync load 2N/T = %.1f calls/s"
                + " for a limit of %d/s)", resyncS, 2.0 * n / resyncS, rate);
        Counters c0 = emu.counters();
        OperatorProcess op = h.startOperator("operator-steady-" + mode, jar, id, emu, operatorSettings(mode, resyncS + "s"));
        try (op; ResourceSampler sampler = new ResourceSampler(op)) {
            long t0 = System.currentTimeMillis();
            Duration startToReady = op.awaitReady(Duration.ofSeconds(120));
            s.put("startToReadySeconds", startToReady.toMillis() / 1000.0);
            // restart pass: every object observed again
            AtomicReference<Counters> pass = new AtomicReference<>(emu.counters().minus(c0));
            Conditions.await("the restart pass: every object observed again",
                    Duration.ofMillis(Math.max(120_000, 20_000L * n / rate)), Duration.ofMillis(200), () -> {
                        pass.set(emu.counters().minus(c0));
                        return everyObjectObserved(pass.get(), n);
                    }, () -> pass.get().byOperation().toString());
            long passEnd = System.currentTimeMillis();
            s.put("restartPassSeconds", (passEnd - t0) / 1000.0);
            s.put("restartPassCalls", pass.get().byOperation());
            Counters a = emu.counters();
            long wa = System.currentTimeMillis();
            Pacing.pause(resync, "measurement window of one resync period");
            Counters b = emu.counters();
            long wb = System.currentTimeMillis();
            ResourceSampler.Reading end = sampler.read();
            Counters window = b.minus(a);
            double windowS = (wb - wa) / 1000.0;
            double perEndpointPerResync = window.total() / (double) n * (resyncS / windowS);
            s.put("windowSeconds", windowS);
            s.put("windowCalls", window.byOperation());
            s.put("windowCallsTotal", window.total());
            s.put("windowThrottled", window.outcome("TooManyRequestsException"));
            s.put("windowSuccessful", window.outcome("200"));
            s.put("successfulCallsPerEndpointPerHourAt10m",
                    window.outcome("200") / (double) n * (resyncS / windowS) * 3600.0 / 600.0);
            s.put("callsPerEndpointPerResync", perEndpointPerResync);
            s.put("callsPerEndpointPerHourAt10m", perEndpointPerResync * 3600.0 / 600.0);
            s.put("rssMiB", end.rssMiB());
            s.put("rssPeakMiB", end.hwmMiB());
            s.put("heapMiB", end.heapUsedMiB());
            s.put("heapPeakSampledMiB", sampler.maxHeapUsedMiB());
            Progress.log("  steady state: %d SES calls in %.0f s for %d endpoints at resync %ds = %.2f calls per endpoint"
                            + " per resync -> %.1f calls per endpoint per hour at 10 min; RSS %.0f MiB, heap %.0f MiB",
                    window.total(), windowS, n, resyncS, perEndpointPerResync, perEndpointPerResync * 6, end.rssMiB(),
                    end.heapUsedMiB());
        }
        return s;
    }
}
