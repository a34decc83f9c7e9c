package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
import static dev.mre.e2e.perf.BenchSetup.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Emulator.Counters;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Machine;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.ResourceSampler;
import dev.mre.e2e.perf.support.Row;
import dev.mre.e2e.perf.support.Stats;
import java.nio.file.Files;
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
 * Scenarios "restart" and "memory": the operator restarted with 1,000 and then 10,000 READY objects present.
 *
 * <p>Setup, fast: the SES emulator without rate limit and with no provisioning delay, a setup operator with a high
 * ceiling ({@code bench.setupCeiling}) creates the endpoints of the first size; it is stopped (SIGTERM). Measured,
 * with the realistic limits (the emulator at R calls/s, the operator at its defaults): the operator started again,
 * {@code bench.restarts} times per size: process start → {@code /readyz}; ready → every object re-observed (every
 * object reconciled, its status confirmed against the List of SES that the restart made: the operator's
 * {@code ses_mre_endpoints{status="READY"}} gauge, which counts the objects reconciled since the start by the status
 * they observed, reaching N); the SES calls of the restart by region; peak RSS (VmHWM) over its life, RSS after an
 * idle window, live heap from a class histogram. Then the setup operator creates the rest up to the next size, and
 * the same again.
 *
 * <pre>
 * bench.sizes "1000,10000"   bench.rate R (10)   bench.restarts per size (3)   bench.setupCeiling (1000)
 * bench.idleSeconds after the restart pass, before memory is read (30)
 * bench.settleSeconds after a setup, before the first measured start (30)
 * bench.jvmVariants "chart" (NAME or NAME=FLAGS, separated by ";"): JVM flags added to the chart's for some restarts
 * </pre>
 *
 * <p>With several JVM variants each restart round starts the operator once per variant, the first round in the
 * order given and each later one beginning with the next variant (so machine noise spreads over them alike); the size's medians and the rows are the first variant's, and each
 * variant's start → ready median is reported beside them ({@code startToReadyByJvm}): the way to weigh a JVM flag
 * (C2 for the TLS crypto path, a class-data-sharing archive) against the chart's, on the same objects.
 */
@Tag("bench")
class RestartBenchmarkRun {

    @Test
    void restart_with_many_ready_objects() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "large");
        List<Integer> sizes = Arrays.stream(
                        Params.str("bench.sizes", "1000,10000").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        int rate = Params.integer("bench.rate", 10);
        int restarts = Params.integer("bench.restarts", 3);
        int setupCeiling = Params.integer("bench.setupCeiling", 1000);
        int idleSeconds = Params.integer("bench.idleSeconds", 30);
        int settleSeconds = Params.integer("bench.settleSeconds", 30);
        Map<String, String> jvmVariants = jvmVariants(Params.str("bench.jvmVariants", "chart"));
        String mainVariant = jvmVariants.keySet().iterator().next();
        int max = sizes.get(sizes.size() - 1);
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("restart");
        Path jar = BenchSetup.operatorJar(results);

        Progress.log(
                "==== benchmark %s: restart with %s READY objects, SES limited to %d calls/s, %d restarts per size ====",
                variant, sizes, rate, restarts);
        Map<String, Object> r = BenchSetup.header("restart", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("sizes", sizes);
        r.put("rate", rate);
        r.put("restarts", restarts);
        r.put("setupCeiling", setupCeiling);
        r.put("jvmVariants", jvmVariants);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> perSize = new ArrayList<>();
        r.put("sizesMeasured", perSize);

        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NAMESPACE);
            List<String> emulatorFlags = BenchSetup.emulatorFlags(Duration.ZERO, max + 100, 0, List.of());
            r.put("emulatorFlags", String.join(" ", emulatorFlags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), emulatorFlags);
            Map<String, String> measured = new LinkedHashMap<>();
            measured.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
            r.put("operatorEnv", BenchmarkRun.env(measured));
            int present = 0;
            try (MreWatch watch = new MreWatch(h.kubectl())) {
                watch.awaitConnected(Duration.ofSeconds(60));
                for (int size : sizes) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("objects", size);
                    perSize.add(s);
                    s.put("setup", setup(h, id, emu, jar, watch, present, size, setupCeiling, work));
                    present = size;

                    // ---- the realistic limits for what is measured ----
                    emu.settings(Map.of("rateLimit", rate, "burst", rate));
                    // the setup operator's last work and its exit settle first: the first measured start must
                    // not be the only one that runs on a busy machine
                    Pacing.pause(Duration.ofSeconds(settleSeconds), "settle after the setup, before the first start");
                    List<Map<String, Object>> all = new ArrayList<>();
                    List<Map.Entry<String, String>> order = new ArrayList<>(jvmVariants.entrySet());
                    for (int i = 1; i <= restarts; i++) {
                        // each round starts with the next variant, so that no variant always runs first
                        if (i > 1) {
                            order.add(order.remove(0));
                        }
                        for (Map.Entry<String, String> v : order) {
                            Map<String, String> env = new LinkedHashMap<>(measured);
                            if (!v.getValue().isEmpty()) {
                                env.put(
                                        "JAVA_TOOL_OPTIONS",
                                        OperatorProcess.JAVA_TOOL_OPTIONS + " "
                                                + v.getValue().replace("@WORK@", work.toString()));
                            }
                            Map<String, Object> run =
                                    restartOnce(h, id, emu, jar, env, size, i, v.getKey(), idleSeconds, work, problems);
                            run.put("jvmVariant", v.getKey());
                            all.add(run);
                        }
                    }
                    s.put("restarts", all);
                    Map<String, Double> byJvm = new LinkedHashMap<>();
                    jvmVariants
                            .keySet()
                            .forEach(v -> byJvm.put(
                                    v,
                                    Stats.median(all.stream()
                                            .filter(x -> v.equals(x.get("jvmVariant")))
                                            .map(x -> (Double) x.get("startToReadySeconds"))
                                            .toList())));
                    s.put("startToReadyByJvm", byJvm);
                    List<Map<String, Object>> runs = all.stream()
                            .filter(x -> mainVariant.equals(x.get("jvmVariant")))
                            .toList();
                    double startReady = Stats.median(runs.stream()
                            .map(x -> (Double) x.get("startToReadySeconds"))
                            .toList());
                    double observe = Stats.median(runs.stream()
                            .map(x -> (Double) x.get("observeAllSeconds"))
                            .toList());
                    double calls = Stats.max(
                            runs.stream().map(x -> (Number) x.get("sesCalls")).toList());
                    double peak = Stats.max(
                            runs.stream().map(x -> (Double) x.get("rssPeakMiB")).toList());
                    double idle = Stats.median(
                            runs.stream().map(x -> (Double) x.get("rssIdleMiB")).toList());
                    double live = Stats.median(runs.stream()
                            .map(x -> (Double) x.get("liveHeapMiB"))
                            .toList());
                    s.put("startToReadySecondsMedian", startReady);
                    s.put("observeAllSecondsMedian", observe);
                    s.put("sesCallsMax", calls);
                    s.put("rssPeakMiBMax", peak);
                    s.put("rssIdleMiBMedian", idle);
                    s.put("liveHeapMiBMedian", live);
                    Map<String, Object> row = Row.of("restart", size, "batch", commit);
                    row.put("restart_observe_s", Row.round(observe, 2));
                    row.put("restart_calls", (long) calls);
                    row.put("start_ready_s", Row.round(startReady, 2));
                    row.put("peak_rss_mib", Row.round(peak, 0));
                    row.put(
                            "restart_calls_per_region",
                            runs.get(runs.size() - 1).get("sesCallsByRegion"));
                    row.put("restarts", restarts);
                    if (byJvm.size() > 1) {
                        row.put("start_ready_s_by_jvm", byJvm);
                    }
                    rows.add(row);
                    emu.settings(Map.of("rateLimit", 0, "burst", 0));
                }
            }
            if (perSize.size() >= 2) {
                Map<String, Object> small = perSize.get(0);
                Map<String, Object> large = perSize.get(perSize.size() - 1);
                int dn = (int) large.get("objects") - (int) small.get("objects");
                double rssPerObject =
                        ((double) large.get("rssIdleMiBMedian") - (double) small.get("rssIdleMiBMedian")) * 1024 / dn;
                double peakPerObject =
                        ((double) large.get("rssPeakMiBMax") - (double) small.get("rssPeakMiBMax")) * 1024 / dn;
                double heapPerObject =
                        ((double) large.get("liveHeapMiBMedian") - (double) small.get("liveHeapMiBMedian")) * 1024 / dn;
                r.put("rssIdleKiBPerObject", rssPerObject);
                r.put("rssPeakKiBPerObject", peakPerObject);
                r.put("liveHeapKiBPerObject", heapPerObject);
                Map<String, Object> row = Row.of("memory", (int) large.get("objects"), "batch", commit);
                row.put("peak_rss_mib", Row.round((double) large.get("rssPeakMiBMax"), 0));
                row.put("start_ready_s", Row.round((double) large.get("startToReadySecondsMedian"), 2));
                row.put("rss_idle_mib", Row.round((double) large.get("rssIdleMiBMedian"), 0));
                row.put(
                        "rss_idle_mib_at_" + small.get("objects"),
                        Row.round((double) small.get("rssIdleMiBMedian"), 0));
                row.put("extra_rss_kib_per_object", Row.round(rssPerObject, 2));
                row.put("extra_peak_rss_kib_per_object", Row.round(peakPerObject, 2));
                row.put("extra_live_heap_kib_per_object", Row.round(heapPerObject, 2));
                rows.add(row);
                Progress.log(
                        "  memory: %.1f KiB of idle RSS, %.1f KiB of peak RSS and %.2f KiB of live heap per object"
                                + " between %s and %s objects",
                        rssPerObject, peakPerObject, heapPerObject, small.get("objects"), large.get("objects"));
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("rows", rows);
            BenchSetup.write(results, "restart", r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    /**
     * Brings the namespace from {@code from} to {@code to} READY objects as fast as this machine allows: no SES rate
     * limit, no provisioning delay, a setup operator with a high ceiling; stopped once all are Ready.
     */
    static Map<String, Object> setup(
            Harness h,
            Harness.OperatorIdentity id,
            Emulator emu,
            Path jar,
            MreWatch watch,
            int from,
            int to,
            int ceiling,
            Path work)
            throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        Progress.log(
                "  setup: objects %d..%d created through a setup operator (ceiling %d calls/s, SES unlimited)",
                from, to - 1, ceiling);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
        env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(ceiling));
        s.put("operatorEnv", BenchmarkRun.env(env));
        OperatorProcess op = h.startOperator("operator-setup-" + to, jar, id, emu, env);
        try (op;
                ResourceSampler sampler = new ResourceSampler(op)) {
            op.awaitReady(Duration.ofSeconds(180));
            long t0 = System.currentTimeMillis();
            List<Path> files = BenchSetup.manifests(
                    work.resolve("manifests"), "objects-" + from, Mre.numbered(NAMESPACE, "bench", from, to), 1000);
            s.put("applySeconds", BenchSetup.apply(h, files));
            long ready = watch.awaitAllReady(to, Duration.ofMinutes(40), "setup");
            if (ready < 0) {
                throw new AssertionError(
                        "setup: not every object Ready: " + watch.readyCount() + "/" + to + "\n" + op.tail(40));
            }
            s.put("seconds", (ready - t0) / 1000.0);
            s.put("rssPeakMiB", sampler.read().hwmMiB());
            s.put("endpointsInSes", emu.endpoints().size());
            Progress.log(
                    "  setup: %d objects Ready after %.0f s (setup operator peak RSS %.0f MiB)",
                    to, (ready - t0) / 1000.0, (double) s.get("rssPeakMiB"));
        }
        return s;
    }

    /** One measured restart with {@code n} READY objects present. */
    static Map<String, Object> restartOnce(
            Harness h,
            Harness.OperatorIdentity id,
            Emulator emu,
            Path jar,
            Map<String, String> env,
            int n,
            int i,
            String jvm,
            int idleSeconds,
            Path work,
            List<String> problems)
            throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loadBefore", Machine.loadAverage());
        Counters c0 = emu.counters();
        Instant started = Instant.now();
        OperatorProcess op = h.startOperator("operator-restart-" + n + "-" + i + "-" + jvm, jar, id, emu, env);
        try (op;
                ResourceSampler sampler = new ResourceSampler(op)) {
            Duration startToReady = op.awaitReady(Duration.ofSeconds(180));
            long ready = System.currentTimeMillis();
            AtomicDouble seen = new AtomicDouble();
            boolean all = Conditions.within(
                    "every one of " + n + " objects re-observed after the restart",
                    Duration.ofMinutes(10),
                    Duration.ofMillis(100),
                    () -> {
                        seen.value = OperatorProcess.metricSum(op.metrics(), "ses_mre_endpoints", "status=\"READY\"");
                        return seen.value >= n;
                    },
                    () -> "ses_mre_endpoints{status=\"READY\"} = " + seen.value);
            long observed = System.currentTimeMillis();
            Instant observedAt = Instant.now();
            Counters pass = emu.counters().minus(c0);
            double observeS = (observed - ready) / 1000.0;
            if (!all) {
                problems.add("restart " + i + " with " + n + " objects: only " + seen.value + " re-observed after "
                        + observeS + " s");
            }
            // anything still coming after the pass (it should be nothing until the resync): counted in the idle window
            Pacing.pause(
                    Duration.ofSeconds(idleSeconds),
                    "idle window after the restart pass (memory settles, late calls counted)");
            Counters upToIdle = emu.counters().minus(c0);
            ResourceSampler.Reading idle = sampler.read();
            // by region: the calls of the restart pass (process start until every object was re-observed)
            Map<String, Long> byRegion = new TreeMap<>();
            emu.calls().stream()
                    .filter(c -> !c.instant().isBefore(started)
                            && !c.instant().isAfter(observedAt)
                            && !BenchSetup.STS_OPERATIONS.contains(c.operation()))
                    .forEach(c -> byRegion.merge(c.region(), 1L, Long::sum));
            m.put("startToReadySeconds", startToReady.toMillis() / 1000.0);
            m.put("observeAllSeconds", observeS);
            m.put("reobserved", seen.value);
            m.put("passCalls", pass.byOperation());
            m.put("callsUpToEndOfIdle", upToIdle.byOperation());
            // the restart's cost: the calls of the pass; the idle window after it shows the steady background
            // (the tag drift sweep, N / SES_MRE_TAG_RESYNC_PERIOD per second, spread from the start)
            m.put("sesCalls", BenchSetup.sesCalls(pass));
            m.put("sesCallsPassListPages", pass.count("ListMultiRegionEndpoints"));
            m.put("sesCallsPassTagReads", pass.count("ListTagsForResource"));
            m.put("sesCallsUpToEndOfIdle", BenchSetup.sesCalls(upToIdle));
            m.put("sesCallsByRegion", byRegion);
            m.put("throttled", BenchSetup.throttled(upToIdle));
            m.put("reconciliations", BenchmarkRun.reconciliations(op));
            m.put("rssPeakMiB", idle.hwmMiB());
            m.put("rssIdleMiB", idle.rssMiB());
            m.put("heapUsedIdleMiB", idle.heapUsedMiB());
            m.put("heapCommittedIdleMiB", idle.heapCommittedMiB());
            m.put("nonHeapIdleMiB", idle.nonHeapUsedMiB());
            m.put("threadsIdle", idle.threads());
            m.put("heapPeakSampledMiB", sampler.maxHeapUsedMiB());
            // a class histogram (full GC first): the live heap, and what it is made of, kept for the analysis
            Histogram histo = Histogram.of(op.pid(), work.resolve("histogram-" + n + "-" + i + "-" + jvm + ".txt"));
            m.put("liveHeapMiB", histo.totalBytes / 1048576.0);
            m.put("histogramTop", histo.top);
            m.put("loadAfter", Machine.loadAverage());
            Progress.log(
                    "  restart %d (JVM %s) with %d objects: start -> ready %.2f s, ready -> all re-observed %.2f s, %d SES calls"
                            + " in the pass (%s, by region %s), %d up to the end of the idle window (%s); RSS peak %.0f MiB,"
                            + " idle %.0f MiB, live heap %.1f MiB; load %s",
                    i,
                    jvm,
                    n,
                    startToReady.toMillis() / 1000.0,
                    observeS,
                    BenchSetup.sesCalls(pass),
                    pass.byOperation(),
                    byRegion,
                    BenchSetup.sesCalls(upToIdle),
                    upToIdle.byOperation(),
                    idle.hwmMiB(),
                    idle.rssMiB(),
                    histo.totalBytes / 1048576.0,
                    m.get("loadAfter"));
        }
        return m;
    }

    /** {@code chart;c2=-XX:TieredStopAtLevel=4} -> {chart="", c2="-XX:TieredStopAtLevel=4"}, in order. */
    static Map<String, String> jvmVariants(String spec) {
        Map<String, String> variants = new LinkedHashMap<>();
        for (String part : spec.split(";")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                int eq = p.indexOf('=');
                variants.put(
                        eq < 0 ? p : p.substring(0, eq).trim(),
                        eq < 0 ? "" : p.substring(eq + 1).trim());
            }
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("bench.jvmVariants names no variant: '" + spec + "'");
        }
        return variants;
    }

    /** A mutable double for lambdas. */
    static final class AtomicDouble {
        volatile double value = Double.NaN;
    }

    /** {@code jcmd <pid> GC.class_histogram}: the live objects by class (it runs a full GC first). */
    record Histogram(long totalBytes, List<String> top) {

        static Histogram of(long pid, Path save) throws java.io.IOException {
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Cmd.Result res = Cmd.of(jcmd, Long.toString(pid), "GC.class_histogram")
                    .timeout(Duration.ofMinutes(2))
                    .run();
            Files.writeString(save, res.stdout());
            long total = 0;
            List<String> top = new ArrayList<>();
            for (String line : res.stdout().split("\n")) {
                String t = line.trim();
                if (t.startsWith("Total")) {
                    String[] f = t.split("\\s+");
                    total = Long.parseLong(f[2]);
                } else if (t.matches("\\d+:.*") && top.size() < 20) {
                    top.add(t.replaceAll("\\s+", " "));
                }
            }
            return new Histogram(total, top);
        }
    }
}
