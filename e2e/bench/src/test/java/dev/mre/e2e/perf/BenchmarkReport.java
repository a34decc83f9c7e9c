package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.support.Stats.f;
import static dev.mre.e2e.perf.support.Stats.spread;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mre.e2e.perf.support.GeneratedDoc;
import dev.mre.e2e.perf.support.Plot;
import dev.mre.e2e.perf.support.Row;
import dev.mre.e2e.perf.support.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Turns the JSON results of the benchmark programs ({@code BenchmarkRun}, {@code RestartBenchmarkRun},
 * {@code ShardBenchmarkRun}, {@code AccountsBenchmarkRun} in e2e/suite) in {@code bench.results} into:
 * <ul>
 *   <li>one GENERATED section of {@code bench.doc} per scenario found ("bench converge", "bench steady",
 *       "bench restart", "bench memory", "bench shards", "bench accounts"; other sections and the hand-written text
 *       are kept);</li>
 *   <li>{@code bench.json}: one object per scenario and mode ({@link Row#FIELDS} first), merged with what the file
 *       already holds (rows of scenarios not in these results are kept, so make bench and make bench-large each
 *       refresh their own);</li>
 *   <li>the section "bench targets": every target against the figure in the merged JSON, with its commit.</li>
 * </ul>
 */
@Tag("bench")
class BenchmarkReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> OPERATIONS = List.of(
            "CreateMultiRegionEndpoint",
            "ListMultiRegionEndpoints",
            "GetMultiRegionEndpoint",
            "ListTagsForResource",
            "TagResource",
            "UntagResource",
            "DeleteMultiRegionEndpoint",
            "GetCallerIdentity",
            "AssumeRole");

    @Test
    void write_report() throws IOException {
        Path repo = repoRoot();
        Path results = Path.of(str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/smoke/results").toString()));
        Path doc =
                Path.of(str("bench.doc", results.resolveSibling("benchmarks.md").toString()));
        Path json = Path.of(
                str("bench.json", results.resolveSibling("benchmarks.json").toString()));
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path p :
                    files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                all.add(JSON.readTree(p.toFile()));
            }
        }
        assertThat(all).as("benchmark results in " + results).isNotEmpty();
        Map<String, List<JsonNode>> byScenario = new LinkedHashMap<>();
        for (JsonNode r : all) {
            byScenario
                    .computeIfAbsent(r.path("scenario").asText(), k -> new ArrayList<>())
                    .add(r);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> sections = new LinkedHashMap<>();
        if (byScenario.containsKey("converge")) {
            List<JsonNode> runs = byScenario.get("converge");
            runs.sort(Comparator.comparing((JsonNode r) -> r.path("run").asInt())
                    .thenComparing(r -> r.path("mode").asText()));
            sections.put("bench converge", converge(runs, rows) + convergePlot(runs, doc));
            List<JsonNode> steady = runs.stream().filter(r -> r.has("steady")).toList();
            if (!steady.isEmpty()) {
                sections.put("bench steady", steady(steady.get(steady.size() - 1), rows));
            }
        }
        if (byScenario.containsKey("restart")) {
            JsonNode r = byScenario.get("restart").get(0);
            sections.put("bench restart", restart(r, rows));
            if (r.path("sizesMeasured").size() >= 2) {
                sections.put("bench memory", memory(r, rows) + memoryPlot(r, doc));
            }
        }
        if (byScenario.containsKey("shards")) {
            List<JsonNode> runs = byScenario.get("shards");
            runs.sort(Comparator.comparing(r -> r.path("shards").asInt()));
            sections.put("bench shards", shards(runs, rows));
        }
        if (byScenario.containsKey("accounts")) {
            sections.put("bench accounts", accounts(byScenario.get("accounts").get(0), rows));
        }
        if (byScenario.containsKey("fairness")) {
            sections.put("bench fairness", fairness(byScenario.get("fairness").get(0), rows));
        }
        if (byScenario.containsKey("churn")) {
            JsonNode run = byScenario.get("churn").get(0);
            for (JsonNode r : run.path("rows")) {
                Map<String, Object> row = JSON.convertValue(r, new TypeReference<>() {});
                stamp(row, List.of(run));
                rows.add(row);
            }
            sections.put("bench churn", churn(run));
        }

        List<Map<String, Object>> merged = merge(json, rows);
        Files.createDirectories(json.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), merged);
        log("written: %s (%d rows, %d from these results)", json, merged.size(), rows.size());
        sections.put("bench targets", targets(merged));
        for (var s : sections.entrySet()) {
            log("benchmark report, section \"%s\" of %s:\n%s", s.getKey(), doc, s.getValue());
            GeneratedDoc.writeSection(doc, s.getKey(), s.getValue(), skeleton());
        }
        log("written: %s", doc);
    }

    static String skeleton() {
        return """
                # Benchmarks

                Figures written by the benchmark programs (`make bench`, `make bench-large`; see e2e/suite/perf.mk).
                """;
    }

    /** The rows of the file, those of the same scenario, objects and mode replaced by the new ones. */
    static List<Map<String, Object>> merge(Path json, List<Map<String, Object>> rows) throws IOException {
        Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        if (Files.exists(json)) {
            List<Map<String, Object>> old = JSON.readValue(json.toFile(), new TypeReference<>() {});
            Set<String> refreshed = new LinkedHashSet<>();
            rows.forEach(r -> refreshed.add((String) r.get("scenario")));
            for (Map<String, Object> o : old) {
                // a scenario measured again replaces all its rows (a mode that was dropped does not linger)
                if (!refreshed.contains((String) o.get("scenario"))) {
                    byKey.put(Row.key(o), o);
                }
            }
        }
        rows.forEach(r -> byKey.put(Row.key(r), r));
        List<String> order =
                List.of("converge", "steady", "restart", "memory", "shards", "accounts", "fairness", "churn");
        List<Map<String, Object>> out = new ArrayList<>(byKey.values());
        out.sort(Comparator.comparing((Map<String, Object> r) -> {
                    int i = order.indexOf((String) r.get("scenario"));
                    return i < 0 ? order.size() : i;
                })
                .thenComparing(r -> ((Number) r.get("objects")).intValue()));
        return out;
    }

    // ---- plots ------------------------------------------------------------------------------------------------

    /**
     * {@code <doc>-converge.png} from the last batch run that has the time series: objects Ready over time against
     * the bound's line (R per second from the provisioning delay P on, up to N), and SES calls per second; the
     * markdown that shows it, or a line saying why there is none.
     */
    static String convergePlot(List<JsonNode> runs, Path doc) {
        JsonNode run = null;
        for (JsonNode r : runs) {
            if ("batch".equals(r.path("mode").asText()) && r.has("readyAtSeconds")) {
                run = r;
            }
        }
        if (run == null) {
            return "";
        }
        int n = run.path("objects").asInt();
        double rate = run.path("rate").asDouble();
        double p = run.path("createDelaySeconds").asDouble();
        List<double[]> ready = new ArrayList<>();
        ready.add(new double[] {0, 0});
        int i = 0;
        for (JsonNode t : run.path("readyAtSeconds")) {
            ready.add(new double[] {t.asDouble(), ++i});
        }
        List<double[]> bound = List.of(new double[] {0, 0}, new double[] {p, 0}, new double[] {p + n / rate, n});
        List<double[]> calls = new ArrayList<>();
        int sec = 0;
        for (JsonNode c : run.path("sesCallsPerSecond")) {
            calls.add(new double[] {sec++, c.asDouble()});
        }
        Path png = plotPath(doc, "converge");
        String problem = Plot.png(
                png,
                900,
                700,
                List.of(
                        new Plot.Panel(
                                n + " objects applied at once, SES at " + f(rate, 0) + " calls/s (run "
                                        + run.path("run").asInt() + ", "
                                        + run.path("operatorCommit").asText() + ")",
                                "seconds after the apply",
                                "objects Ready",
                                List.of(
                                        new Plot.Series("Ready", "lines lw 2 lc rgb 'blue'", ready),
                                        new Plot.Series(
                                                "bound: R per second after P", "lines dt 2 lc rgb 'red'", bound))),
                        new Plot.Panel(
                                "SES calls answered per second (STS not counted)",
                                "seconds after the apply",
                                "calls/s",
                                List.of(new Plot.Series("SES calls", "steps lc rgb 'dark-green'", calls)))));
        return problem == null
                ? "\n![objects Ready over time against the bound, and SES calls per second](" + png.getFileName()
                        + ")\n"
                : "\nNo plot: " + problem + "\n";
    }

    /** {@code <doc>-memory.png}: peak and idle RSS and the live heap against the number of objects. */
    static String memoryPlot(JsonNode restart, Path doc) {
        List<double[]> peak = new ArrayList<>();
        List<double[]> idle = new ArrayList<>();
        List<double[]> live = new ArrayList<>();
        for (JsonNode s : restart.path("sizesMeasured")) {
            double n = s.path("objects").asDouble();
            peak.add(new double[] {n, s.path("rssPeakMiBMax").asDouble()});
            idle.add(new double[] {n, s.path("rssIdleMiBMedian").asDouble()});
            live.add(new double[] {n, s.path("liveHeapMiBMedian").asDouble()});
        }
        Path png = plotPath(doc, "memory");
        String problem = Plot.png(
                png,
                800,
                450,
                List.of(new Plot.Panel(
                        "operator memory against the objects present (restart runs, "
                                + restart.path("operatorCommit").asText() + ")",
                        "objects",
                        "MiB",
                        List.of(
                                new Plot.Series("peak RSS (VmHWM)", "linespoints lw 2 pt 7 lc rgb 'blue'", peak),
                                new Plot.Series("idle RSS", "linespoints pt 5 lc rgb 'dark-green'", idle),
                                new Plot.Series(
                                        "live heap after a full GC", "linespoints pt 9 lc rgb 'orange'", live)))));
        return problem == null
                ? "\n![RSS and live heap against the number of objects](" + png.getFileName() + ")\n"
                : "\nNo plot: " + problem + "\n";
    }

    /** {@code docs/benchmarks.md} -> {@code docs/benchmarks-<what>.png}. */
    static Path plotPath(Path doc, String what) {
        String base = doc.getFileName().toString().replaceAll("\\.md$", "");
        return doc.toAbsolutePath().resolveSibling(base + "-" + what + ".png");
    }

    // ---- converge ---------------------------------------------------------------------------------------------

    static String converge(List<JsonNode> runs, List<Map<String, Object>> rows) {
        JsonNode first = runs.get(0);
        int n = first.path("objects").asInt();
        int rate = first.path("rate").asInt();
        double p = first.path("createDelaySeconds").asDouble();
        double bound = first.path("boundSeconds").asDouble();
        Map<String, List<JsonNode>> byMode = new LinkedHashMap<>();
        for (String m : List.of("batch", "per-object")) {
            List<JsonNode> l =
                    runs.stream().filter(r -> m.equals(r.path("mode").asText())).toList();
            if (!l.isEmpty()) {
                byMode.put(m, l);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("## Converge: ")
                .append(n)
                .append(" objects at once, SES at ")
                .append(rate)
                .append(" calls/s, provisioning ")
                .append(f(p, 0))
                .append(" s\n\n");
        sb.append(measuredOn(runs)).append("\n\n");
        sb.append(
                        "Setup: a fresh local control plane per run (kube-apiserver and etcd on 127.0.0.1), the chart's CRD and "
                                + "RBAC, the SES emulator (`")
                .append(first.path("emulatorFlags").asText())
                .append("`: one token bucket of ")
                .append(rate)
                .append(" calls/s, burst ")
                .append(rate)
                .append(
                        ", for every SES call of the account and region) and the operator jar as its own process under the "
                                + "chart's ServiceAccount token with `JAVA_TOOL_OPTIONS=")
                .append(first.path("javaToolOptions").asText())
                .append(
                        "` and `MALLOC_ARENA_MAX=2` (the chart's `operator.javaToolOptions` and `operator.mallocArenaMax` "
                                + "under its 512Mi limit, where the JVM picks the Serial GC), at its defaults (ceiling 10 calls/s, resync 10 min, tag resync 6 h) but "
                                + "for `SES_MRE_OBSERVATION`. All ")
                .append(n)
                .append(
                        " objects are applied with one `kubectl apply -f` (client-side); time runs from the start of that "
                                + "command to the watch event of the last object becoming Ready for its generation. Bound N/R + P: one "
                                + "Create per endpoint at R calls/s plus one provisioning delay. SES calls are every attempt the "
                                + "emulator answered (STS's GetCallerIdentity is listed, not counted). ")
                .append(runs.size() / Math.max(1, byMode.size()))
                .append(" run(s) per mode, interleaved; figures are median (min..max).\n\n");
        sb.append("| figure |");
        byMode.keySet().forEach(m -> sb.append(" ").append(m).append(" |"));
        sb.append(" target (batch) |\n|---|");
        byMode.keySet().forEach(m -> sb.append("---|"));
        sb.append("---|\n");
        row(
                sb,
                byMode,
                "time until all Ready (s)",
                r -> r.path("convergenceSeconds").asDouble(),
                1,
                "");
        sb.append("| bound N/R + P (s) |");
        byMode.keySet().forEach(m -> sb.append(' ').append(f(bound, 1)).append(" |"));
        sb.append(" |\n");
        row(sb, byMode, "ratio to the bound", r -> r.path("ratio").asDouble(), 3, "≤ 1.15");
        row(
                sb,
                byMode,
                "SES calls per endpoint",
                r -> r.path("sesCallsPerEndpoint").asDouble(),
                3,
                "≤ 1.1");
        for (String op : OPERATIONS) {
            if (runs.stream().anyMatch(r -> r.path("callsPerEndpoint").has(op))) {
                row(
                        sb,
                        byMode,
                        "· " + op + (Row.STS_OPERATIONS.contains(op) ? " (STS, not counted)" : ""),
                        r -> r.path("callsPerEndpoint").path(op).asDouble(0),
                        3,
                        "");
            }
        }
        row(sb, byMode, "429 answers", r -> r.path("throttled").asDouble(), 0, "");
        row(
                sb,
                byMode,
                "share of SES calls answered 429 (%)",
                r -> 100 * r.path("share429").asDouble(),
                2,
                "0");
        textRow(
                sb,
                byMode,
                "apply → first Create call, p50 / p99 (s)",
                l -> spread(
                                vals(
                                        l,
                                        r -> r.path("applyToFirstCreate")
                                                .path("p50")
                                                .asDouble()),
                                1) + " / "
                        + spread(
                                vals(
                                        l,
                                        r -> r.path("applyToFirstCreate")
                                                .path("p99")
                                                .asDouble()),
                                1),
                "");
        textRow(
                sb,
                byMode,
                "apply → Ready, p50 / p99 (s)",
                l -> spread(vals(l, r -> r.path("applyToReady").path("p50").asDouble()), 1) + " / "
                        + spread(vals(l, r -> r.path("applyToReady").path("p99").asDouble()), 1),
                "");
        row(
                sb,
                byMode,
                "answered SES calls/s while converging",
                r -> r.path("answeredSesCallRate").asDouble(),
                2,
                "≤ " + rate);
        row(sb, byMode, "peak RSS, VmHWM (MiB)", r -> r.path("rssPeakMiB").asDouble(), 0, "");
        row(
                sb,
                byMode,
                "RSS idle after all Ready (MiB)",
                r -> r.path("rssIdleMiB").asDouble(),
                0,
                "");
        row(
                sb,
                byMode,
                "heap used, highest 1 s sample (MiB)",
                r -> r.path("heapPeakSampledMiB").asDouble(),
                0,
                "");
        row(
                sb,
                byMode,
                "process start → /readyz 200 (s)",
                r -> r.path("startToReadySeconds").asDouble(),
                2,
                "");
        row(
                sb,
                byMode,
                "kubectl apply of the file (s)",
                r -> r.path("applySeconds").asDouble(),
                1,
                "");
        textRow(
                sb,
                byMode,
                "load average (1 min) before → after",
                l -> spread(vals(l, r -> load(r.path("loadBefore").asText())), 2) + " → "
                        + spread(vals(l, r -> load(r.path("loadAfter").asText())), 2),
                "");
        sb.append(
                "\n### Every run\n\n| mode | run | all Ready (s) | ratio | SES calls/endpoint | 429 | apply→first Create p50/p99 (s) "
                        + "| peak RSS (MiB) | start→ready (s) | load before → after | commit | problems |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            sb.append("| ")
                    .append(r.path("mode").asText())
                    .append(" | ")
                    .append(r.path("run").asInt())
                    .append(" | ")
                    .append(f(r.path("convergenceSeconds").asDouble(), 1))
                    .append(" | ")
                    .append(f(r.path("ratio").asDouble(), 3))
                    .append(" | ")
                    .append(f(r.path("sesCallsPerEndpoint").asDouble(), 3))
                    .append(" | ")
                    .append(r.path("throttled").asLong())
                    .append(" | ")
                    .append(f(r.path("applyToFirstCreate").path("p50").asDouble(), 1))
                    .append(" / ")
                    .append(f(r.path("applyToFirstCreate").path("p99").asDouble(), 1))
                    .append(" | ")
                    .append(f(r.path("rssPeakMiB").asDouble(), 0))
                    .append(" | ")
                    .append(f(r.path("startToReadySeconds").asDouble(), 2))
                    .append(" | ")
                    .append(r.path("loadBefore").asText())
                    .append(" → ")
                    .append(r.path("loadAfter").asText())
                    .append(" | ")
                    .append(r.path("operatorCommit").asText())
                    .append(" | ")
                    .append(problems(r))
                    .append(" |\n");
        }
        // one row per mode for the JSON: medians of the runs
        byMode.forEach((mode, l) -> {
            Map<String, Object> row = Row.of("converge", n, mode, commits(l));
            row.put("bound_s", Row.round(bound, 1));
            row.put(
                    "converge_s",
                    Row.round(
                            Stats.median(
                                    vals(l, r -> r.path("convergenceSeconds").asDouble())),
                            1));
            row.put("ratio", Row.round(Stats.median(vals(l, r -> r.path("ratio").asDouble())), 3));
            row.put(
                    "calls_per_endpoint",
                    Row.round(
                            Stats.median(
                                    vals(l, r -> r.path("sesCallsPerEndpoint").asDouble())),
                            3));
            row.put(
                    "share_429",
                    Row.round(Stats.median(vals(l, r -> r.path("share429").asDouble())), 4));
            row.put(
                    "peak_rss_mib",
                    Row.round(Stats.max(vals(l, r -> r.path("rssPeakMiB").asDouble())), 0));
            row.put(
                    "start_ready_s",
                    Row.round(
                            Stats.median(
                                    vals(l, r -> r.path("startToReadySeconds").asDouble())),
                            2));
            row.put(
                    "apply_to_first_create_p50_s",
                    Row.round(
                            Stats.median(vals(
                                    l,
                                    r -> r.path("applyToFirstCreate")
                                            .path("p50")
                                            .asDouble())),
                            1));
            row.put(
                    "apply_to_first_create_p99_s",
                    Row.round(
                            Stats.median(vals(
                                    l,
                                    r -> r.path("applyToFirstCreate")
                                            .path("p99")
                                            .asDouble())),
                            1));
            row.put("runs", l.size());
            row.put(
                    "converge_s_min",
                    Row.round(
                            Stats.min(vals(l, r -> r.path("convergenceSeconds").asDouble())), 1));
            row.put(
                    "converge_s_max",
                    Row.round(
                            Stats.max(vals(l, r -> r.path("convergenceSeconds").asDouble())), 1));
            row.put("rate", rate);
            row.put("create_delay_s", p);
            stamp(row, l);
            rows.add(row);
        });
        return sb.toString();
    }

    // ---- steady -----------------------------------------------------------------------------------------------

    static String steady(JsonNode run, List<Map<String, Object>> rows) {
        int n = run.path("objects").asInt();
        StringBuilder sb = new StringBuilder();
        sb.append("## Steady state: SES calls per endpoint per hour at the default periods, ")
                .append(n)
                .append(" READY endpoints\n\n");
        sb.append(measuredOn(List.of(run))).append("\n\n");
        sb.append("After ")
                .append(run.path("mode").asText())
                .append(" run ")
                .append(run.path("run").asInt())
                .append(
                        " converged, the operator was restarted with both periods divided by a factor k "
                                + "(`SES_MRE_RESYNC_PERIOD` = 600 s / k, `SES_MRE_TAG_RESYNC_PERIOD` = 21,600 s / k), so that everything "
                                + "periodic happens k times as often. Once every object had been reconciled after the restart (the "
                                + "operator's `ses_mre_endpoints{status=\"READY\"}` = N), the SES calls of a window of one scaled tag "
                                + "period were counted. Calls per endpoint per hour at the defaults = calls in the window / N / window "
                                + "in hours / k. Expected: one List page per resync for up to 1,000 endpoints, one ListTagsForResource "
                                + "per endpoint per tag period, nothing else: (N/1000 × 6 + N / 6) / N ≈ 0.173 per endpoint per hour.\n\n");
        sb.append(
                "| k | resync / tag resync (s) | window (s) | SES calls in the window | per endpoint per hour at periods / k "
                        + "| **per endpoint per hour at the defaults** | reconciliations in the window | RSS / peak (MiB) | load before → after |\n"
                        + "|---|---|---|---|---|---|---|---|---|\n");
        List<Double> values = new ArrayList<>();
        for (JsonNode s : run.path("steady")) {
            double v = s.path("callsPerEndpointPerHourAtDefaults").asDouble();
            values.add(v);
            sb.append("| ")
                    .append(s.path("k").asLong())
                    .append(" | ")
                    .append(f(s.path("resyncSeconds").asDouble(), 1))
                    .append(" / ")
                    .append(f(s.path("tagResyncSeconds").asDouble(), 0))
                    .append(" | ")
                    .append(f(s.path("windowSeconds").asDouble(), 1))
                    .append(" | ")
                    .append(s.path("windowSesCalls").asLong())
                    .append(": ")
                    .append(ops(s.path("windowCalls")))
                    .append(" | ")
                    .append(f(s.path("callsPerEndpointPerHourScaled").asDouble(), 2))
                    .append(" | **")
                    .append(f(v, 4))
                    .append("** | ")
                    .append(f(s.path("reconciliationsInWindow").asDouble(), 0))
                    .append(" | ")
                    .append(f(s.path("rssMiB").asDouble(), 0))
                    .append(" / ")
                    .append(f(s.path("rssPeakMiB").asDouble(), 0))
                    .append(" | ")
                    .append(s.path("loadBefore").asText())
                    .append(" → ")
                    .append(s.path("loadAfter").asText())
                    .append(" |\n");
        }
        if (values.size() >= 2) {
            sb.append("\nScaling: the figures at the ")
                    .append(values.size())
                    .append(" values of k differ by ")
                    .append(f(100 * (Stats.max(values) - Stats.min(values)) / Stats.median(values), 1))
                    .append(" % of their median.\n");
        }
        sb.append(
                "\nBefore batch observation (per-object Get and ListTagsForResource at every 10 min resync): 11.4 SES calls per "
                        + "endpoint per hour (docs/benchmarks.md history, commit e7451f8).\n");
        for (JsonNode r : run.path("rows")) {
            if ("steady".equals(r.path("scenario").asText())) {
                Map<String, Object> row = JSON.convertValue(r, new TypeReference<>() {});
                stamp(row, List.of(run));
                rows.add(row);
            }
        }
        return sb.toString();
    }

    // ---- restart and memory ---------------------------------------------------------------------------------

    static String restart(JsonNode run, List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Restart with READY objects present\n\n")
                .append(measuredOn(List.of(run)))
                .append("\n\n");
        sb.append("Setup, fast: the SES emulator (`")
                .append(run.path("emulatorFlags").asText())
                .append("`) without rate " + "limit, a setup operator with `SES_MRE_MAX_CALL_RATE=")
                .append(run.path("setupCeiling").asInt())
                .append(
                        "` creates the endpoints; it is stopped (SIGTERM). Measured, with the realistic limits (the emulator "
                                + "at ")
                .append(run.path("rate").asInt())
                .append(" calls/s, burst ")
                .append(run.path("rate").asInt())
                .append("; the operator at its defaults): the operator started again ")
                .append(run.path("restarts").asInt())
                .append(" times per size. **re-observed**: from `/readyz` 200 until the operator's gauge "
                        + "`ses_mre_endpoints{status=\"READY\"}` counts every object (it counts the objects reconciled since the "
                        + "start by the SES status they observed; a reconciliation of a READY object after a restart observes "
                        + "through the List the restart made, since the operator keeps nothing across restarts). **SES calls "
                        + "of the restart**: everything the emulator answered from the process start until every object was "
                        + "re-observed, by region; the calls up to the end of a further idle window are shown too (the tag "
                        + "drift sweep runs from the start at N / 6 h, the steady background: 0.46 calls/s for 10,000 "
                        + "objects).\n\n");
        sb.append(
                "| objects | process start → /readyz (s) | ready → every object re-observed (s) | SES calls of the restart "
                        + "(max, by region) | by operation (last restart) | … and to the end of the idle window | peak RSS (MiB, max) "
                        + "| RSS idle (MiB) | live heap (MiB) | setup: Ready after (s) |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode s : run.path("sizesMeasured")) {
            JsonNode last = s.path("restarts").path(s.path("restarts").size() - 1);
            sb.append("| ")
                    .append(s.path("objects").asInt())
                    .append(" | ")
                    .append(spreadOf(s.path("restarts"), "startToReadySeconds", 2))
                    .append(" | ")
                    .append(spreadOf(s.path("restarts"), "observeAllSeconds", 2))
                    .append(" | ")
                    .append(f(s.path("sesCallsMax").asDouble(), 0))
                    .append(" (")
                    .append(last.path("sesCallsByRegion"))
                    .append(") | ")
                    .append(ops(last.path("passCalls")))
                    .append(" | ")
                    .append(ops(last.path("callsUpToEndOfIdle")))
                    .append(" | ")
                    .append(f(s.path("rssPeakMiBMax").asDouble(), 0))
                    .append(" | ")
                    .append(spreadOf(s.path("restarts"), "rssIdleMiB", 0))
                    .append(" | ")
                    .append(spreadOf(s.path("restarts"), "liveHeapMiB", 1))
                    .append(" | ")
                    .append(f(s.path("setup").path("seconds").asDouble(), 0))
                    .append(" |\n");
        }
        sb.append(
                "\n### Every restart\n\n| objects | # | start → ready (s) | → re-observed (s) | SES calls | 429 | reconciliations "
                        + "| peak / idle RSS (MiB) | heap used / committed (MiB) | threads | load before → after |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode s : run.path("sizesMeasured")) {
            int i = 0;
            for (JsonNode x : s.path("restarts")) {
                sb.append("| ")
                        .append(s.path("objects").asInt())
                        .append(" | ")
                        .append(++i)
                        .append(
                                x.path("jvmVariant").asText("chart").equals("chart")
                                        ? ""
                                        : " (JVM " + x.path("jvmVariant").asText() + ")")
                        .append(" | ")
                        .append(f(x.path("startToReadySeconds").asDouble(), 2))
                        .append(" | ")
                        .append(f(x.path("observeAllSeconds").asDouble(), 2))
                        .append(" | ")
                        .append(x.path("sesCalls").asLong())
                        .append(" | ")
                        .append(x.path("throttled").asLong())
                        .append(" | ")
                        .append(f(x.path("reconciliations").asDouble(), 0))
                        .append(" | ")
                        .append(f(x.path("rssPeakMiB").asDouble(), 0))
                        .append(" / ")
                        .append(f(x.path("rssIdleMiB").asDouble(), 0))
                        .append(" | ")
                        .append(f(x.path("heapUsedIdleMiB").asDouble(), 0))
                        .append(" / ")
                        .append(f(x.path("heapCommittedIdleMiB").asDouble(), 0))
                        .append(" | ")
                        .append(f(x.path("threadsIdle").asDouble(), 0))
                        .append(" | ")
                        .append(x.path("loadBefore").asText())
                        .append(" → ")
                        .append(x.path("loadAfter").asText())
                        .append(" |\n");
            }
        }
        sb.append(problemsLine(run));
        for (JsonNode r : run.path("rows")) {
            if ("restart".equals(r.path("scenario").asText())) {
                Map<String, Object> row = JSON.convertValue(r, new TypeReference<>() {});
                stamp(row, List.of(run));
                rows.add(row);
            }
        }
        return sb.toString();
    }

    static String memory(JsonNode run, List<Map<String, Object>> rows) {
        JsonNode sizes = run.path("sizesMeasured");
        JsonNode small = sizes.path(0);
        JsonNode large = sizes.path(sizes.size() - 1);
        StringBuilder sb = new StringBuilder();
        sb.append("## Memory with ")
                .append(large.path("objects").asInt())
                .append(" objects\n\n")
                .append(measuredOn(List.of(run)))
                .append("\n\n");
        sb.append("The operators of the restart runs above (`JAVA_TOOL_OPTIONS=")
                .append(run.path("javaToolOptions").asText())
                .append(
                        "`): VmHWM (peak) and VmRSS of `/proc/<pid>/status` sampled every second over each operator's life "
                                + "(start, informer sync, the restart pass, an idle window); the live heap from `jcmd <pid> "
                                + "GC.class_histogram` (after a full GC) at the end. Per object: the difference between ")
                .append(small.path("objects").asInt())
                .append(" and ")
                .append(large.path("objects").asInt())
                .append(" objects divided by the ")
                .append(large.path("objects").asInt() - small.path("objects").asInt())
                .append(" objects between.\n\n");
        sb.append("| figure | ")
                .append(small.path("objects").asInt())
                .append(" objects | ")
                .append(large.path("objects").asInt())
                .append(" objects | per object between | target |\n|---|---|---|---|---|\n");
        sb.append("| peak RSS, VmHWM, highest of the restarts (MiB) | ")
                .append(f(small.path("rssPeakMiBMax").asDouble(), 0))
                .append(" | ")
                .append(f(large.path("rssPeakMiBMax").asDouble(), 0))
                .append(" | ")
                .append(f(run.path("rssPeakKiBPerObject").asDouble(), 2))
                .append(" KiB | ≤ 256 MiB with ")
                .append(large.path("objects").asInt())
                .append(" |\n");
        sb.append("| RSS idle after the restart pass, median (MiB) | ")
                .append(f(small.path("rssIdleMiBMedian").asDouble(), 0))
                .append(" | ")
                .append(f(large.path("rssIdleMiBMedian").asDouble(), 0))
                .append(" | **")
                .append(f(run.path("rssIdleKiBPerObject").asDouble(), 2))
                .append(" KiB** | ≤ 8 KiB per object |\n");
        sb.append("| live heap after a full GC, median (MiB) | ")
                .append(f(small.path("liveHeapMiBMedian").asDouble(), 1))
                .append(" | ")
                .append(f(large.path("liveHeapMiBMedian").asDouble(), 1))
                .append(" | ")
                .append(f(run.path("liveHeapKiBPerObject").asDouble(), 2))
                .append(" KiB | |\n");
        sb.append("| process start → /readyz 200, median (s) | ")
                .append(f(small.path("startToReadySecondsMedian").asDouble(), 2))
                .append(" | ")
                .append(f(large.path("startToReadySecondsMedian").asDouble(), 2))
                .append(" | | ≤ 5 s with ")
                .append(large.path("objects").asInt())
                .append(" |\n");
        sb.append("| setup operator (ceiling ")
                .append(run.path("setupCeiling").asInt())
                .append(" calls/s) creating them: peak RSS (MiB) | ")
                .append(f(small.path("setup").path("rssPeakMiB").asDouble(), 0))
                .append(" | ")
                .append(f(large.path("setup").path("rssPeakMiB").asDouble(), 0))
                .append(" | | |\n");
        JsonNode last = large.path("restarts").path(large.path("restarts").size() - 1);
        sb.append("\nLargest classes of the live heap with ")
                .append(large.path("objects").asInt())
                .append(" objects (`jcmd GC.class_histogram`, last restart: rank, instances, bytes, class):\n\n```\n");
        int i = 0;
        for (JsonNode l : last.path("histogramTop")) {
            if (i++ < 15) {
                sb.append(l.asText()).append('\n');
            }
        }
        sb.append("```\n");
        for (JsonNode r : run.path("rows")) {
            if ("memory".equals(r.path("scenario").asText())) {
                Map<String, Object> row = JSON.convertValue(r, new TypeReference<>() {});
                stamp(row, List.of(run));
                rows.add(row);
            }
        }
        return sb.toString();
    }

    // ---- shards -----------------------------------------------------------------------------------------------

    static String shards(List<JsonNode> runs, List<Map<String, Object>> rows) {
        JsonNode first = runs.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append("## Shards: ")
                .append(first.path("objects").asInt())
                .append(" objects, one operator or two shards, SES at ")
                .append(first.path("rate").asInt())
                .append(" calls/s\n\n")
                .append(measuredOn(runs))
                .append("\n\n");
        sb.append("Half the objects labelled `shard=a`, half `shard=b` (interleaved), applied at once (files of 1,000 "
                        + "objects, one `kubectl apply` each); SES limited to ")
                .append(first.path("rate").asInt())
                .append(" calls/s for the account and region, provisioning ")
                .append(f(first.path("createDelaySeconds").asDouble(), 0))
                .append(" s. **one operator**: ceiling ")
                .append(first.path("rate").asInt())
                .append(" calls/s; **two shards**: "
                        + "two operator processes with `SES_MRE_WATCH_LABEL_SELECTOR=shard=a` / `shard=b`, each with half the "
                        + "ceiling and an access key of its own (the emulator's call log tells them apart). A fresh control "
                        + "plane per variant. Overlap: endpoints whose calls came from more than one access key, and each "
                        + "process's `ses_mre_endpoints` (objects it reconciled) against its half.\n\n");
        sb.append("| figure |");
        runs.forEach(r -> sb.append(' ').append(r.path("mode").asText()).append(" |"));
        sb.append("\n|---|");
        runs.forEach(r -> sb.append("---|"));
        sb.append('\n');
        line(
                sb,
                runs,
                "time until all Ready (s)",
                r -> f(r.path("convergenceSeconds").asDouble(), 1));
        line(sb, runs, "bound N/R + P (s)", r -> f(r.path("boundSeconds").asDouble(), 1));
        line(sb, runs, "ratio to the bound", r -> f(r.path("ratio").asDouble(), 3));
        line(
                sb,
                runs,
                "SES calls per endpoint",
                r -> f(r.path("sesCallsPerEndpoint").asDouble(), 3));
        line(sb, runs, "SES calls by operation", r -> ops(r.path("calls")));
        line(
                sb,
                runs,
                "429 answers (share)",
                r -> r.path("throttled").asLong() + " ("
                        + f(100 * r.path("share429").asDouble(), 2) + " %)");
        line(sb, runs, "calls by access key", r -> byKey(r.path("callsByAccessKey")));
        line(
                sb,
                runs,
                "objects observed by each operator",
                r -> r.path("objectsObservedByEachOperator").toString());
        line(
                sb,
                runs,
                "endpoints touched by both processes",
                r -> Long.toString(r.path("endpointsTouchedByMoreThanOneKey").asLong()));
        line(sb, runs, "peak RSS per operator (MiB)", r -> {
            StringBuilder m = new StringBuilder();
            r.path("memory")
                    .fields()
                    .forEachRemaining(e -> m.append(m.length() == 0 ? "" : ", ")
                            .append(e.getKey())
                            .append(' ')
                            .append(f(e.getValue().path("rssPeakMiB").asDouble(), 0)));
            return m.toString();
        });
        line(
                sb,
                runs,
                "kubectl apply of all files (s)",
                r -> f(r.path("applySeconds").asDouble(), 0));
        line(
                sb,
                runs,
                "load average before → after",
                r -> r.path("loadBefore").asText() + " → " + r.path("loadAfter").asText());
        line(sb, runs, "operator commit", r -> r.path("operatorCommit").asText());
        line(sb, runs, "problems", BenchmarkReport::problems);
        if (runs.size() == 2) {
            double ratio = runs.get(1).path("convergenceSeconds").asDouble()
                    / runs.get(0).path("convergenceSeconds").asDouble();
            sb.append("\nTwo shards took ")
                    .append(f(ratio, 3))
                    .append(" × the time of one operator with the same total ceiling.\n");
        }
        for (JsonNode r : runs) {
            for (JsonNode x : r.path("rows")) {
                Map<String, Object> row = JSON.convertValue(x, new TypeReference<>() {});
                if (runs.size() == 2) {
                    row.put(
                            "converge_vs_one_operator",
                            Row.round(
                                    r.path("convergenceSeconds").asDouble()
                                            / runs.get(0)
                                                    .path("convergenceSeconds")
                                                    .asDouble(),
                                    3));
                }
                stamp(row, List.of(r));
                rows.add(row);
            }
        }
        return sb.toString();
    }

    // ---- accounts ---------------------------------------------------------------------------------------------

    // ---- fairness ---------------------------------------------------------------------------------------------

    /** ChurnMemoryBenchmarkRun (make bench-churn): a row per round, the heap against the warm baseline. */
    static String churn(JsonNode run) {
        StringBuilder sb = new StringBuilder();
        int rounds = run.path("rounds").asInt();
        double base = run.path("baselineLiveHeapMiB").asDouble();
        sb.append("## Churn: ")
                .append(run.path("objects").asInt())
                .append(" objects created and deleted in ")
                .append(rounds)
                .append(" rounds\n\n")
                .append(measuredOn(List.of(run)))
                .append("\n\n")
                .append("One operator (ceiling ")
                .append(run.path("ceiling").asInt())
                .append(" calls/s) against the emulator. Each round applies its objects, waits until all are Ready, "
                        + "deletes every ")
                .append(run.path("handEvery").asInt())
                .append("th object and removes its finalizer by hand while SES still shows the endpoint DELETING (the "
                        + "operator never releases these: only its sweep forgets them), deletes the rest, waits until "
                        + "nothing is left in Kubernetes, in SES and in `/metrics`, then counts the live heap "
                        + "(`jcmd GC.class_histogram`: a full GC first). Idle operator before any object: ")
                .append(f(run.path("idleLiveHeapMiB").asDouble(), 2))
                .append(" MiB; baseline (after ")
                .append(run.path("warmupRounds").asInt())
                .append(" warm-up round): ")
                .append(f(base, 2))
                .append(" MiB.\n\n")
                .append("| round | objects | Ready after (s) | deleted after (s) | finalizers removed by hand |"
                        + " /metrics series left | live heap (MiB) | against the baseline |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : run.path("roundsMeasured")) {
            double mib = r.path("liveHeapMiB").asDouble();
            sb.append("| ")
                    .append(r.path("round").asInt())
                    .append(" | ")
                    .append(run.path("objectsPerRound").asInt())
                    .append(" | ")
                    .append(f(r.path("readySeconds").asDouble(), 0))
                    .append(" | ")
                    .append(f(r.path("deleteSeconds").asDouble(), 0))
                    .append(" | ")
                    .append(r.path("finalizersRemovedByHand").asInt())
                    .append(" | ")
                    .append(r.path("seriesLeft").asInt())
                    .append(" | ")
                    .append(f(mib, 2))
                    .append(" | ")
                    .append(
                            r.path("round").asInt() <= run.path("warmupRounds").asInt()
                                    ? "(warm-up)"
                                    : (mib >= base ? "+" : "") + f(100 * (mib - base) / base, 1) + " %")
                    .append(" |\n");
        }
        if (run.has("finalIdleSeconds") && run.path("finalIdleSeconds").asLong() > 0) {
            sb.append("| end | after ")
                    .append(run.path("finalIdleSeconds").asLong() / 60)
                    .append(" min idle (JOSDK keeps deleted objects' UIDs 20 min) | | | | | ")
                    .append(f(run.path("finalLiveHeapMiB").asDouble(), 2))
                    .append(" | ")
                    .append(f(100 * run.path("finalDrift").asDouble(), 1))
                    .append(" % |\n");
        }
        List<String> problems = new ArrayList<>();
        run.path("problems").forEach(p -> problems.add(p.asText()));
        sb.append("\nPass (heap at the end within ")
                .append(f(100 * run.path("heapTolerance").asDouble(), 0))
                .append(" % of the baseline, no series left): ")
                .append(problems.isEmpty() ? "**yes**" : "**no**: " + String.join("; ", problems))
                .append(".\n");
        return sb.toString();
    }

    static String fairness(JsonNode run, List<Map<String, Object>> rows) {
        for (JsonNode row : run.path("rows")) {
            rows.add(JSON.convertValue(row, new TypeReference<Map<String, Object>>() {}));
        }
        int nA = run.path("objectsA").asInt();
        int nB = run.path("objectsB").asInt();
        double a = run.path("convergenceSecondsA").asDouble();
        double b = run.path("convergenceSecondsB").asDouble();
        return "## Two namespaces, one account: " + nA + " objects in A, then " + nB + " in B\n\n"
                + measuredOn(List.of(run)) + "\n\n"
                + "Both namespaces use the operator's own account and region, so one paced call budget ("
                + run.path("rate").asInt() + " SES calls/s, the operator's ceiling at SES's rate). A's objects are "
                + "applied first, B's right after A's `kubectl apply` returns. The reconcile threads take the namespaces "
                + "in turn (`NamespaceFairExecutor`), so B's objects get every other turn instead of waiting for A's "
                + "queue.\n\n"
                + "| namespace | objects | time until all Ready, from its apply (s) | share of A's time | Ready in A when B was done |\n"
                + "|---|---|---|---|---|\n"
                + "| A | " + nA + " | " + f(a, 1) + " (bound (N_A + N_B)/R + P = "
                + f(run.path("boundA").asDouble(), 1)
                + " s) | 100 % | |\n"
                + "| B | " + nB + " | " + f(b, 1) + " | " + f(100 * b / a, 1) + " % (target ≤ 10 %) | "
                + run.path("readyAWhenBDone").asInt() + " of " + nA + " |\n";
    }

    static String accounts(JsonNode run, List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        int nA = run.path("objectsA").asInt();
        int nB = run.path("objectsB").asInt();
        sb.append("## Two AWS accounts, one throttled: ")
                .append(nA)
                .append(" objects in A, ")
                .append(nB)
                .append(" in B\n\n")
                .append(measuredOn(List.of(run)))
                .append("\n\n");
        sb.append(
                        "One operator at its defaults; two namespaces mapped by RoleSelectors to a role in account A and a role in "
                                + "account B (the operator assumes them through the emulator's STS); SES admits ")
                .append(run.path("rateA").asInt())
                .append(" calls/s in A and ")
                .append(run.path("rateB").asInt())
                .append(" in B (`")
                .append(run.path("emulatorFlags").asText().replaceAll("--role \\S+=\\{[^}]*\\}", "--role …"))
                .append("`). The ")
                .append(nA + nB)
                .append(" objects, interleaved A, B, A, …, are applied at once with one "
                        + "`kubectl apply`; each account's time runs to the last of its objects becoming Ready. Calls are the "
                        + "emulator's log by account.\n\n");
        sb.append(
                "| account | objects | SES calls/s | time until all Ready (s) | bound N/R + P (s) | ratio | SES calls | 429 | "
                        + "apply → first Create p50 / p99 (s) | target |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (String a : List.of("A", "B")) {
            JsonNode x = run.path("account" + a);
            sb.append("| ")
                    .append(a)
                    .append(" (")
                    .append(x.path("account").asText())
                    .append(") | ")
                    .append(a.equals("A") ? nA : nB)
                    .append(" | ")
                    .append(x.path("sesRate").asInt())
                    .append(" | ")
                    .append(f(x.path("convergenceSeconds").asDouble(), 1))
                    .append(" | ")
                    .append(f(x.path("bound").asDouble(), 1))
                    .append(" | ")
                    .append(f(x.path("ratio").asDouble(), 3))
                    .append(" | ")
                    .append(x.path("sesCalls").asLong())
                    .append(": ")
                    .append(ops(x.path("calls")))
                    .append(" | ")
                    .append(x.path("throttled").asLong())
                    .append(" | ")
                    .append(f(x.path("applyToFirstCreate").path("p50").asDouble(), 1))
                    .append(" / ")
                    .append(f(x.path("applyToFirstCreate").path("p99").asDouble(), 1))
                    .append(" | ")
                    .append(a.equals("B") ? "≤ 1.15 × its bound" : "")
                    .append(" |\n");
        }
        sb.append("\nThe operator's `ses_mre_ses_call_rate_limit` at the end: ")
                .append(String.join("; ", textList(run.path("operatorRateLimits"))))
                .append(". Peak RSS ")
                .append(f(run.path("rssPeakMiB").asDouble(), 0))
                .append(" MiB. Load ")
                .append(run.path("loadBefore").asText())
                .append(" → ")
                .append(run.path("loadAfter").asText())
                .append(".\n");
        sb.append(problemsLine(run));
        for (JsonNode x : run.path("rows")) {
            Map<String, Object> row = JSON.convertValue(x, new TypeReference<>() {});
            stamp(row, List.of(run));
            rows.add(row);
        }
        return sb.toString();
    }

    // ---- targets ----------------------------------------------------------------------------------------------

    /** Every target of issues 10 and 11 against the figure the merged JSON holds. */
    static String targets(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder(
                "## Targets\n\n| target | measured | met | commit | load before |\n|---|---|---|---|---|\n");
        find(rows, "converge", "batch").ifPresent(r -> {
            target(
                    sb,
                    "batch, " + r.get("objects") + " objects: all Ready ≤ 1.15 × (N/R + P)",
                    num(r, "converge_s") + " s for a bound of " + num(r, "bound_s") + " s: " + num(r, "ratio") + " ×",
                    d(r, "ratio") <= 1.15,
                    r);
            target(
                    sb,
                    "batch: ≤ 1.1 SES calls per endpoint",
                    num(r, "calls_per_endpoint"),
                    d(r, "calls_per_endpoint") <= 1.1,
                    r);
            target(sb, "batch: no 429", pct(r, "share_429"), d(r, "share_429") == 0, r);
        });
        find(rows, "converge", "per-object")
                .ifPresent(r -> sb.append("| (comparison) per-object, ")
                        .append(r.get("objects"))
                        .append(" objects | ")
                        .append(num(r, "converge_s"))
                        .append(" s (")
                        .append(num(r, "ratio"))
                        .append(" ×), ")
                        .append(num(r, "calls_per_endpoint"))
                        .append(" SES calls per endpoint, ")
                        .append(pct(r, "share_429"))
                        .append(" 429 | | ")
                        .append(r.get("operator_commit"))
                        .append(" | ")
                        .append(r.get("load_before"))
                        .append(" |\n"));
        rows.stream()
                .filter(r -> "steady".equals(r.get("scenario")))
                .forEach(r -> target(
                        sb,
                        "steady state ≤ 0.2 SES calls per endpoint per hour at the defaults (" + r.get("objects")
                                + " endpoints, " + r.get("mode") + ")",
                        num(r, "steady_calls_per_endpoint_hour"),
                        d(r, "steady_calls_per_endpoint_hour") <= 0.2,
                        r));
        rows.stream().filter(r -> "restart".equals(r.get("scenario"))).forEach(r -> {
            int regions = r.get("restart_calls_per_region") instanceof Map<?, ?> m ? Math.max(1, m.size()) : 1;
            target(
                    sb,
                    "restart with " + r.get("objects") + " READY objects: every object re-observed ≤ 30 s after ready",
                    num(r, "restart_observe_s") + " s",
                    d(r, "restart_observe_s") <= 30,
                    r);
            target(
                    sb,
                    "restart with " + r.get("objects") + " READY objects: ≤ 25 SES calls per region",
                    r.get("restart_calls") + " "
                            + (r.get("restart_calls_per_region") == null ? "" : r.get("restart_calls_per_region")),
                    ((Number) r.get("restart_calls")).doubleValue() / regions <= 25,
                    r);
        });
        find(rows, "memory", "batch").ifPresent(r -> {
            target(
                    sb,
                    r.get("objects") + " objects: peak RSS ≤ 256 MiB",
                    num(r, "peak_rss_mib") + " MiB",
                    d(r, "peak_rss_mib") <= 256,
                    r);
            target(
                    sb,
                    "≤ 8 KiB extra RSS per object between 1,000 and " + r.get("objects"),
                    num(r, "extra_rss_kib_per_object") + " KiB (idle RSS; peak: "
                            + num(r, "extra_peak_rss_kib_per_object") + " KiB)",
                    d(r, "extra_rss_kib_per_object") <= 8,
                    r);
            target(
                    sb,
                    "start → ready ≤ 5 s with " + r.get("objects") + " objects present",
                    num(r, "start_ready_s") + " s",
                    d(r, "start_ready_s") <= 5,
                    r);
        });
        List<Map<String, Object>> shards =
                rows.stream().filter(r -> "shards".equals(r.get("scenario"))).toList();
        if (shards.size() == 2) {
            Map<String, Object> two = shards.stream()
                    .filter(r -> String.valueOf(r.get("mode")).startsWith("two"))
                    .findFirst()
                    .orElse(shards.get(1));
            Map<String, Object> one =
                    shards.stream().filter(r -> r != two).findFirst().orElseThrow();
            double ratio = d(two, "converge_s") / d(one, "converge_s");
            target(
                    sb,
                    "two shards of " + (((Number) two.get("objects")).intValue() / 2)
                            + ": no object reconciled by both",
                    String.valueOf(two.get("objects_reconciled_by_both")),
                    ((Number) two.get("objects_reconciled_by_both")).intValue() == 0,
                    two);
            // "as fast": within the run-to-run spread of a convergence on this machine (5 %)
            target(
                    sb,
                    "two shards converge as fast as one operator with the same ceiling",
                    num(two, "converge_s") + " s vs " + num(one, "converge_s") + " s: " + f(ratio, 3) + " ×",
                    ratio <= 1.05,
                    two);
        }
        rows.stream()
                .filter(r -> "accounts".equals(r.get("scenario"))
                        && String.valueOf(r.get("mode")).startsWith("account B"))
                .forEach(r -> target(
                        sb,
                        "two accounts, one throttled at 2 calls/s: the other (" + r.get("mode")
                                + ") converges ≤ 1.15 × its own bound",
                        num(r, "converge_s") + " s for a bound of " + num(r, "bound_s") + " s: " + num(r, "ratio")
                                + " ×",
                        d(r, "ratio") <= 1.15,
                        r));
        rows.stream()
                .filter(r -> "fairness".equals(r.get("scenario")))
                .forEach(r -> target(
                        sb,
                        "namespace B's few objects next to namespace A's thousands: B Ready within 10 % of A's time",
                        num(r, "converge_b_s") + " s against " + num(r, "converge_a_s") + " s: "
                                + f(100 * d(r, "b_share_of_a"), 1) + " %",
                        d(r, "b_share_of_a") <= 0.10,
                        r));
        sb.append("\n\"As fast\" for the shards: within 5 %, the spread of repeated convergence runs on this machine. "
                + "docs/benchmarks.json holds every figure; this table is written from it.\n");
        return sb.toString();
    }

    static void target(StringBuilder sb, String what, String measured, boolean met, Map<String, Object> r) {
        sb.append("| ")
                .append(what)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" | ")
                .append(r.get("operator_commit"))
                .append(" | ")
                .append(r.get("load_before"))
                .append(" |\n");
    }

    static java.util.Optional<Map<String, Object>> find(List<Map<String, Object>> rows, String scenario, String mode) {
        return rows.stream()
                .filter(r -> scenario.equals(r.get("scenario")) && mode.equals(r.get("mode")))
                .findFirst();
    }

    static double d(Map<String, Object> r, String k) {
        return r.get(k) instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    static String num(Map<String, Object> r, String k) {
        return r.get(k) == null ? "–" : String.valueOf(r.get(k));
    }

    static String pct(Map<String, Object> r, String k) {
        return f(100 * d(r, k), 2) + " %";
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Puts when and on what load a row was measured (from its run's result). */
    static void stamp(Map<String, Object> row, List<JsonNode> runs) {
        row.put(
                "measured_at",
                runs.stream()
                        .map(r -> r.path("startedAt").asText())
                        .min(String::compareTo)
                        .orElse(null));
        row.put(
                "load_before",
                runs.stream()
                        .map(r -> r.path("loadBefore").asText())
                        .distinct()
                        .reduce((a, b) -> a + "; " + b)
                        .orElse(null));
    }

    static String commits(List<JsonNode> runs) {
        return String.join(
                ", ",
                runs.stream()
                        .map(r -> r.path("operatorCommit").asText())
                        .distinct()
                        .toList());
    }

    static String measuredOn(List<JsonNode> runs) {
        JsonNode m = runs.get(0).path("machine");
        String date = runs.stream()
                .map(r -> r.path("startedAt").asText())
                .min(String::compareTo)
                .orElse("?");
        return "Measured " + date.substring(0, Math.min(16, date.length())).replace('T', ' ')
                + " UTC on operator commit **"
                + commits(runs) + "** (jar "
                + runs.stream()
                        .map(r -> r.path("operatorJar").asText("?").replaceAll(".*\\((.*)\\)", "$1"))
                        .distinct()
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("?")
                + "); " + m.path("cpus").asText() + " CPUs ("
                + m.path("cpuModel").asText() + "), " + m.path("memory").asText() + ", "
                + m.path("java").asText() + "; JOSDK "
                + m.path("josdk.version").asText() + ", fabric8 "
                + m.path("fabric8.version").asText() + ", AWS SDK "
                + m.path("aws.sdk.version").asText() + "; "
                + m.path("kubernetes").asText() + ". The machine is shared with "
                + "other builds: the load average is noted with each figure.";
    }

    static String problems(JsonNode r) {
        List<String> p = textList(r.path("problems"));
        return p.isEmpty() ? "none" : String.join("; ", p);
    }

    static String problemsLine(JsonNode r) {
        List<String> p = textList(r.path("problems"));
        return p.isEmpty() ? "" : "\nProblems: " + String.join("; ", p) + "\n";
    }

    static List<String> textList(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(x -> l.add(x.asText()));
        return l;
    }

    static String spreadOf(JsonNode runs, String field, int decimals) {
        List<Double> v = new ArrayList<>();
        runs.forEach(x -> v.add(x.path(field).asDouble(Double.NaN)));
        return spread(v, decimals);
    }

    static void line(StringBuilder sb, List<JsonNode> runs, String label, Function<JsonNode, String> value) {
        sb.append("| ").append(label).append(" |");
        runs.forEach(r -> sb.append(' ').append(value.apply(r)).append(" |"));
        sb.append('\n');
    }

    static String byKey(JsonNode byKey) {
        StringBuilder sb = new StringBuilder();
        byKey.fields().forEachRemaining(e -> {
            long total = 0;
            for (JsonNode op : e.getValue()) {
                for (JsonNode c : op) {
                    total += c.asLong();
                }
            }
            sb.append(sb.length() == 0 ? "" : "; ")
                    .append(e.getKey())
                    .append(' ')
                    .append(total)
                    .append(" (")
                    .append(ops(e.getValue()))
                    .append(')');
        });
        return sb.toString();
    }

    static double load(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    static String ops(JsonNode byOp) {
        StringBuilder sb = new StringBuilder();
        byOp.fields().forEachRemaining(op -> {
            long total = 0;
            long ok = 0;
            var it = op.getValue().fields();
            while (it.hasNext()) {
                var o = it.next();
                total += o.getValue().asLong();
                if (o.getKey().equals("200")) {
                    ok = o.getValue().asLong();
                }
            }
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(op.getKey())
                    .append(' ')
                    .append(total);
            if (ok != total) {
                sb.append(" (").append(ok).append(" ok)");
            }
        });
        return sb.length() == 0 ? "none" : sb.toString();
    }

    static List<Double> vals(List<JsonNode> runs, Function<JsonNode, Number> f) {
        return runs.stream().map(r -> f.apply(r).doubleValue()).toList();
    }

    static void row(
            StringBuilder sb,
            Map<String, List<JsonNode>> byMode,
            String label,
            Function<JsonNode, Number> f,
            int decimals,
            String target) {
        textRow(sb, byMode, label, l -> spread(vals(l, f), decimals), target);
    }

    static void textRow(
            StringBuilder sb,
            Map<String, List<JsonNode>> byMode,
            String label,
            Function<List<JsonNode>, String> cell,
            String target) {
        sb.append("| ").append(label).append(" |");
        byMode.values().forEach(l -> sb.append(' ').append(cell.apply(l)).append(" |"));
        sb.append(' ').append(target).append(" |\n");
    }

    // ---- what this module needs of the e2e suite's harness (it has no dependency on it) ------------------------

    /** A -D setting, when set and not blank; trimmed. */
    static String str(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    /** -De2e.repo (this module's POM sets it), else the first parent folder holding e2e/testenv/testenv.sh. */
    static Path repoRoot() {
        String prop = System.getProperty("e2e.repo");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("e2e/testenv/testenv.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root; set -De2e.repo=<repository root>");
    }

    private static synchronized void log(String fmt, Object... args) {
        System.out.println("[bench] " + (args.length == 0 ? fmt : String.format(fmt, args)));
        System.out.flush();
    }
}
