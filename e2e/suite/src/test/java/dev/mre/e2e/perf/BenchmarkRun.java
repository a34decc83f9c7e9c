package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
import static dev.mre.e2e.perf.BenchSetup.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.ResourceSampler;
import dev.mre.e2e.perf.support.Row;
import dev.mre.e2e.perf.support.Stats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario "converge" (and "steady"): N objects applied at once with kubectl to a fresh control plane, the SES
 * emulator limiting every SES call to R requests/s with provisioning taking P seconds, the operator jar under the
 * chart's ServiceAccount and JVM memory settings, in one observation mode. One run (one mode, one repetition) per
 * Maven invocation, so a long benchmark never meets the surefire fork timeout; perf.mk interleaves the modes. Writes
 * one JSON result; {@code BenchmarkReport} (module e2e/bench) turns the results into docs/benchmarks.md and docs/benchmarks.json.
 *
 * <pre>
 * bench.variant   smoke | full            bench.objects  N (20)        bench.rate R (10)
 * bench.createDelay P (3s)                bench.mode     batch | per-object (SES_MRE_OBSERVATION)
 * bench.run       repetition number (1)   bench.results  folder of the JSON results
 * bench.steadyK   after converging, the steady state with both resync periods divided by each of these factors
 *                 (comma-separated, e.g. 60,120; empty: none)
 * bench.idleSeconds  idle window after convergence before memory is read (15)
 * </pre>
 *
 * The bound of a run is N/R + P: one Create per endpoint at R calls/s, plus one provisioning delay. Besides the
 * figures, each run checks what must hold whatever the machine: one endpoint per object, created by exactly one
 * successful Create, owned by its object; in batch mode no Get and no ListTagsForResource while converging and at
 * most one List (page) per poll interval; in per-object mode a Get per object at least.
 */
@Tag("bench")
class BenchmarkRun {

    /** SES_MRE_RESYNC_PERIOD and SES_MRE_TAG_RESYNC_PERIOD defaults, in seconds: the steady state scales these. */
    static final long RESYNC_S = 600;

    static final long TAG_RESYNC_S = 6 * 3600;
    /** The operator's shortest poll of an endpoint in transition (Timing.pollMin): batch mode lists at most this often. */
    static final double POLL_MIN_S = 2.0;

    @Test
    void one_benchmark_run() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "smoke");
        int n = Params.integer("bench.objects", 20);
        int rate = Params.integer("bench.rate", 10);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(3));
        String mode = Params.str("bench.mode", "batch");
        int run = Params.integer("bench.run", 1);
        List<Long> steadyK = Arrays.stream(Params.str("bench.steadyK", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Long::parseLong)
                .toList();
        if (!mode.equals("batch") && !mode.equals("per-object")) {
            throw new IllegalArgumentException("-Dbench.mode must be batch or per-object, got " + mode);
        }
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("converge-" + mode + "-" + run);
        Path jar = BenchSetup.operatorJar(results);
        double bound = (double) n / rate + createDelay.toMillis() / 1000.0;
        Duration timeout = Params.duration("bench.timeout", Duration.ofSeconds((long)
                Math.min(33 * 60, Math.max(600, 8 * bound))));

        Progress.log(
                "==== benchmark %s: converge, %d objects, SES limited to %d calls/s (burst %d), provisioning %s, "
                        + "observation %s, run %d%s ====",
                variant,
                n,
                rate,
                rate,
                createDelay,
                mode,
                run,
                steadyK.isEmpty() ? "" : ", then the steady state at k = " + steadyK);
        Map<String, Object> r = BenchSetup.header("converge", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("mode", mode);
        r.put("run", run);
        r.put("objects", n);
        r.put("rate", rate);
        r.put("createDelaySeconds", createDelay.toMillis() / 1000.0);
        r.put("boundSeconds", bound);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();

        // the harness empties the run's log folder: logs are appended to, nothing of an earlier run may be read as this
        // one's
        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NAMESPACE);
            List<Path> files =
                    BenchSetup.manifests(work.resolve("manifests"), "objects", Mre.numbered(NAMESPACE, "bench", n), n);
            List<String> emulatorFlags = BenchSetup.emulatorFlags(createDelay, Math.max(100, 2 * n), rate, List.of());
            r.put("emulatorFlags", String.join(" ", emulatorFlags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), emulatorFlags);
            try (Emulator.CallRecorder calls = emu.recordCalls(Duration.ofSeconds(3))) {
                Map<String, String> settings = operatorSettings(mode);
                r.put("operatorEnv", env(settings));
                OperatorProcess op = h.startOperator("operator-" + mode + "-" + run, jar, id, emu, settings);
                ResourceSampler sampler = new ResourceSampler(op);
                MreWatch watch = new MreWatch(h.kubectl());
                try {
                    Duration startToReady = op.awaitReady(Duration.ofSeconds(120));
                    r.put("startToReadySeconds", startToReady.toMillis() / 1000.0);
                    Progress.log(
                            "  operator: process start -> /readyz 200 in %.2f s", startToReady.toMillis() / 1000.0);
                    // objects applied from now on are seen by the watch as they arrive
                    watch.awaitConnected(Duration.ofSeconds(60));

                    // ---- apply everything at once and wait until every object is Ready ----
                    long t0 = System.currentTimeMillis();
                    r.put("applySeconds", BenchSetup.apply(h, files));
                    long allReady = watch.awaitAllReady(n, timeout, "convergence");
                    Counters conv = emu.counters();
                    if (allReady < 0) {
                        problems.add("not every object Ready within " + timeout + ": " + watch.readyCount() + "/" + n
                                + " Ready, not Ready by reason " + watch.notReadyReasons());
                        Progress.log("%s\noperator log tail:\n%s", problems.get(0), op.tail(40));
                    }
                    r.put("converged", allReady >= 0);
                    double seconds = ((allReady < 0 ? System.currentTimeMillis() : allReady) - t0) / 1000.0;
                    long ses = BenchSetup.sesCalls(conv);
                    long throttled = BenchSetup.throttled(conv);
                    r.put("convergenceSeconds", seconds);
                    r.put("ratio", seconds / bound);
                    r.put("calls", conv.byOperation());
                    r.put("sesCalls", ses);
                    r.put("sesCallsPerEndpoint", ses / (double) n);
                    r.put("callsPerEndpoint", BenchSetup.perEndpoint(conv, n));
                    r.put("throttled", throttled);
                    r.put("share429", ses == 0 ? 0 : throttled / (double) ses);
                    r.put(
                            "answeredSesCallRate",
                            (ses
                                            - BenchSetup.NOT_ANSWERED.stream()
                                                    .mapToLong(conv::outcome)
                                                    .sum())
                                    / seconds);

                    // per object: apply (the watch's ADDED event) -> first Create call, -> Ready
                    List<Emulator.Call> log = calls.log();
                    r.put("callLogComplete", calls.complete());
                    Map<String, Instant> firstCreate = Emulator.firstCall(log, "CreateMultiRegionEndpoint", null);
                    List<Double> toCreate = new ArrayList<>();
                    List<Double> toReady = new ArrayList<>();
                    for (MreWatch.Obj o : watch.snapshot()) {
                        Instant c = firstCreate.get(o.key.substring(o.key.indexOf('/') + 1));
                        if (c != null) {
                            toCreate.add((c.toEpochMilli() - o.addedAt) / 1000.0);
                        }
                        if (o.readyAt > 0) {
                            toReady.add((o.readyAt - o.addedAt) / 1000.0);
                        }
                    }
                    r.put("applyToFirstCreate", BenchSetup.pcts(toCreate));
                    r.put("applyToReady", BenchSetup.pcts(toReady));
                    // the time series the report plots: each object's Ready, SES calls per second, from the apply
                    r.put(
                            "readyAtSeconds",
                            watch.snapshot().stream()
                                    .filter(o -> o.readyAt > 0)
                                    .map(o -> Row.round((o.readyAt - t0) / 1000.0, 2))
                                    .sorted()
                                    .toList());
                    r.put("sesCallsPerSecond", perSecond(log, t0, seconds));

                    checkEndpoints(
                            emu.state(),
                            Ownership.namespaceUid(h.kubectl(), NAMESPACE),
                            log,
                            n,
                            calls.complete(),
                            conv,
                            problems);
                    checkObservation(mode, conv, n, seconds, problems);

                    // idle after convergence (nothing to do until the resync): memory settles
                    int idleSeconds = Params.integer("bench.idleSeconds", 15);
                    r.put("idleSeconds", idleSeconds);
                    Pacing.pause(Duration.ofSeconds(idleSeconds), "idle window after convergence (memory settles)");
                    ResourceSampler.Reading idle = sampler.read();
                    r.put("rssIdleMiB", idle.rssMiB());
                    r.put("rssPeakMiB", idle.hwmMiB());
                    r.put("heapIdleMiB", idle.heapUsedMiB());
                    r.put("heapPeakSampledMiB", sampler.maxHeapUsedMiB());
                    r.put("threadsIdle", idle.threads());
                    Progress.log(
                            "  converged in %.1f s (bound N/R + P = %.1f s, ratio %.2f); %d SES calls (%.3f per endpoint: %s), "
                                    + "%d answered 429; apply->first Create p50 %.1f s p99 %.1f s; RSS peak %.0f MiB, idle %.0f MiB",
                            seconds,
                            bound,
                            seconds / bound,
                            ses,
                            ses / (double) n,
                            conv.byOperation(),
                            throttled,
                            Stats.percentile(toCreate, 50),
                            Stats.percentile(toCreate, 99),
                            idle.hwmMiB(),
                            idle.rssMiB());

                    Map<String, Object> row = Row.of("converge", n, mode, commit);
                    row.put("bound_s", Row.round(bound, 1));
                    row.put("converge_s", Row.round(seconds, 1));
                    row.put("ratio", Row.round(seconds / bound, 3));
                    row.put("calls_per_endpoint", Row.round(ses / (double) n, 3));
                    row.put("share_429", Row.round(ses == 0 ? 0 : throttled / (double) ses, 4));
                    row.put("peak_rss_mib", Row.round(idle.hwmMiB(), 0));
                    row.put("start_ready_s", Row.round(startToReady.toMillis() / 1000.0, 2));
                    row.put("apply_to_first_create_p50_s", Row.round(Stats.percentile(toCreate, 50), 1));
                    row.put("apply_to_first_create_p99_s", Row.round(Stats.percentile(toCreate, 99), 1));
                    rows.add(row);

                    if (!steadyK.isEmpty() && allReady > 0) {
                        sampler.close();
                        op.close();
                        List<Map<String, Object>> steady = new ArrayList<>();
                        for (long k : steadyK) {
                            Map<String, Object> s = steadyState(h, id, emu, mode, n, k, jar, problems);
                            steady.add(s);
                            Map<String, Object> sr = Row.of("steady", n, mode + ", periods / " + k, commit);
                            sr.put(
                                    "steady_calls_per_endpoint_hour",
                                    Row.round((double) s.get("callsPerEndpointPerHourAtDefaults"), 4));
                            sr.put("share_429", Row.round((double) s.get("share429"), 4));
                            sr.put("peak_rss_mib", Row.round((double) s.get("rssPeakMiB"), 0));
                            sr.put("k", k);
                            sr.put("resync_s", s.get("resyncSeconds"));
                            sr.put("tag_resync_s", s.get("tagResyncSeconds"));
                            sr.put("window_s", Row.round((double) s.get("windowSeconds"), 1));
                            rows.add(sr);
                        }
                        r.put("steady", steady);
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
            r.put("rows", rows);
            BenchSetup.write(results, "converge-" + mode + "-" + run, r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    /** The operator's settings of a mode (on top of the harness's base environment: identity, emulator, region). */
    static Map<String, String> operatorSettings(String mode) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
        env.put("SES_MRE_OBSERVATION", mode);
        // the ceiling at SES's rate R (the emulator's bucket), as an operator set to its account's quota
        env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(Params.integer("bench.rate", 10)));
        return env;
    }

    static List<String> env(Map<String, String> settings) {
        return settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .toList();
    }

    /** Exactly one READY endpoint per object, owned by it, created by exactly one successful Create. */
    static void checkEndpoints(
            JsonNode state,
            String namespaceUid,
            List<Emulator.Call> log,
            int n,
            boolean logComplete,
            Counters conv,
            List<String> problems) {
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
                    + " with exactly one endpoint), " + notReady + " not READY, " + wrongOwner
                    + " without our owner tag");
        }
        long creates = conv.count("CreateMultiRegionEndpoint", "200");
        if (creates != n) {
            problems.add(creates + " successful CreateMultiRegionEndpoint calls for " + n + " objects");
        }
        if (logComplete) {
            Map<String, Integer> perName = new TreeMap<>();
            log.stream()
                    .filter(c -> "CreateMultiRegionEndpoint".equals(c.operation()) && "200".equals(c.outcome()))
                    .forEach(c -> perName.merge(c.endpointName(), 1, Integer::sum));
            perName.values().removeIf(v -> v == 1);
            if (!perName.isEmpty()) {
                problems.add("created more than once: " + perName);
            }
        }
    }

    /**
     * What each observation mode must cost while converging, whatever the machine: batch observes through the shared
     * List only (no Get, no tag read: a new object creates without a probe and its tags are known from its Create),
     * coalesced to at most one List per poll interval (plus one); per-object reads each object with a Get.
     */
    static void checkObservation(String mode, Counters conv, int n, double seconds, List<String> problems) {
        long gets = conv.count("GetMultiRegionEndpoint");
        long tagReads = conv.count("ListTagsForResource");
        long lists = conv.count("ListMultiRegionEndpoints");
        if (mode.equals("batch")) {
            long maxLists = (long) Math.ceil(seconds / POLL_MIN_S) + 1;
            if (gets > 0 || tagReads > 0 || lists > maxLists) {
                problems.add("batch observation: " + gets + " GetMultiRegionEndpoint and " + tagReads
                        + " ListTagsForResource calls (expected none), " + lists + " ListMultiRegionEndpoints calls in "
                        + Stats.f(seconds, 1) + " s (at most " + maxLists + ": one per " + POLL_MIN_S
                        + " s poll, plus one)");
            }
        } else if (gets < n) {
            problems.add("per-object observation: " + gets + " GetMultiRegionEndpoint calls for " + n
                    + " objects (expected at least one each)");
        }
    }

    /**
     * The steady state of N READY endpoints at the default periods, scaled: the operator restarted with both
     * SES_MRE_RESYNC_PERIOD (10 min) and SES_MRE_TAG_RESYNC_PERIOD (6 h) divided by {@code k}, so that everything
     * periodic happens k times as often; once every object was reconciled after the restart, the SES calls of a
     * window of one scaled tag period are counted. Calls per endpoint per hour at the defaults = calls in the
     * window / N / window in hours / k. Measuring it at two values of k shows the scaling holds.
     */
    static Map<String, Object> steadyState(
            Harness h,
            Harness.OperatorIdentity id,
            Emulator emu,
            String mode,
            int n,
            long k,
            Path jar,
            List<String> problems)
            throws Exception {
        long resyncMs = RESYNC_S * 1000 / k;
        long tagResyncMs = TAG_RESYNC_S * 1000 / k;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("k", k);
        s.put("resyncSeconds", resyncMs / 1000.0);
        s.put("tagResyncSeconds", tagResyncMs / 1000.0);
        Map<String, String> settings = operatorSettings(mode);
        settings.put("SES_MRE_RESYNC_PERIOD", Params.flag(Duration.ofMillis(resyncMs)));
        settings.put("SES_MRE_TAG_RESYNC_PERIOD", Params.flag(Duration.ofMillis(tagResyncMs)));
        s.put("operatorEnv", env(settings));
        Progress.log(
                "  steady state, k = %d: operator restarted with SES_MRE_RESYNC_PERIOD=%s SES_MRE_TAG_RESYNC_PERIOD=%s",
                k, settings.get("SES_MRE_RESYNC_PERIOD"), settings.get("SES_MRE_TAG_RESYNC_PERIOD"));
        s.put("loadBefore", dev.mre.e2e.perf.support.Machine.loadAverage());
        Counters c0 = emu.counters();
        OperatorProcess op = h.startOperator("operator-steady-k" + k, jar, id, emu, settings);
        try (op;
                ResourceSampler sampler = new ResourceSampler(op)) {
            long t0 = System.currentTimeMillis();
            Duration startToReady = op.awaitReady(Duration.ofSeconds(120));
            s.put("startToReadySeconds", startToReady.toMillis() / 1000.0);
            // the restart pass: every object reconciled once and seen READY by the operator
            Conditions.await(
                    "the restart pass: all " + n + " objects observed READY by the operator",
                    Duration.ofMinutes(5),
                    Duration.ofMillis(250),
                    () -> OperatorProcess.metricSum(op.metrics(), "ses_mre_endpoints", "status=\"READY\"") >= n,
                    () -> "ses_mre_endpoints "
                            + op.metrics()
                                    .lines()
                                    .filter(l -> l.startsWith("ses_mre_endpoints{"))
                                    .toList());
            s.put("restartPassSeconds", (System.currentTimeMillis() - t0) / 1000.0);
            s.put("restartPassCalls", emu.counters().minus(c0).byOperation());
            Counters a = emu.counters();
            double rec0 = reconciliations(op);
            long wa = System.currentTimeMillis();
            Pacing.pause(Duration.ofMillis(tagResyncMs), "measurement window of one (scaled) tag resync period");
            Counters window = emu.counters().minus(a);
            double windowS = (System.currentTimeMillis() - wa) / 1000.0;
            double rec = reconciliations(op) - rec0;
            ResourceSampler.Reading end = sampler.read();
            long ses = BenchSetup.sesCalls(window);
            double perEndpointPerHourScaled = ses / (double) n / (windowS / 3600.0);
            double atDefaults = perEndpointPerHourScaled / k;
            s.put("windowSeconds", windowS);
            s.put("windowCalls", window.byOperation());
            s.put("windowSesCalls", ses);
            s.put("share429", ses == 0 ? 0.0 : BenchSetup.throttled(window) / (double) ses);
            s.put("reconciliationsInWindow", rec);
            s.put("callsPerEndpointPerHourScaled", perEndpointPerHourScaled);
            s.put("callsPerEndpointPerHourAtDefaults", atDefaults);
            s.put("rssMiB", end.rssMiB());
            s.put("rssPeakMiB", end.hwmMiB());
            s.put("heapPeakSampledMiB", sampler.maxHeapUsedMiB());
            s.put("loadAfter", dev.mre.e2e.perf.support.Machine.loadAverage());
            Progress.log(
                    "  steady state, k = %d: %d SES calls in %.0f s for %d endpoints (%s) = %.2f calls per endpoint"
                            + " per hour at periods / %d -> %.4f at the default periods; %.0f reconciliations; RSS %.0f MiB",
                    k,
                    ses,
                    windowS,
                    n,
                    window.byOperation(),
                    perEndpointPerHourScaled,
                    k,
                    atDefaults,
                    rec,
                    end.rssMiB());
            if (mode.equals("batch") && window.count("GetMultiRegionEndpoint") > 0) {
                problems.add(
                        "steady state k=" + k + ": " + window.count("GetMultiRegionEndpoint")
                                + " GetMultiRegionEndpoint calls in batch mode (expected none: READY objects are observed by List)");
            }
        }
        return s;
    }

    /** JOSDK's count of finished reconciliations (operator_sdk_reconciliations_success_total plus failed). */
    static double reconciliations(OperatorProcess op) {
        String m = op.metrics();
        double ok = OperatorProcess.metricSum(m, "operator_sdk_reconciliations_success_total");
        double failed = OperatorProcess.metricSum(m, "operator_sdk_reconciliations_failed_total");
        return (Double.isNaN(ok) ? 0 : ok) + (Double.isNaN(failed) ? 0 : failed);
    }

    /** SES calls (STS's left out) answered in each second from {@code t0}, for {@code seconds} (rounded up). */
    static List<Integer> perSecond(List<Emulator.Call> log, long t0, double seconds) {
        int[] buckets = new int[(int) Math.ceil(seconds) + 1];
        for (Emulator.Call c : log) {
            long at = c.instant().toEpochMilli() - t0;
            if (at >= 0 && at / 1000 < buckets.length && !BenchSetup.STS_OPERATIONS.contains(c.operation())) {
                buckets[(int) (at / 1000)]++;
            }
        }
        return Arrays.stream(buckets).boxed().toList();
    }
}
