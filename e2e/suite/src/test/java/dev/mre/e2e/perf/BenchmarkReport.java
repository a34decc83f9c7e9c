package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.support.Stats.f;
import static dev.mre.e2e.perf.support.Stats.spread;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.perf.support.GeneratedDoc;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Stats;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Turns the JSON results of {@link BenchmarkRun} (one folder per object count) into the Markdown report: medians and
 * spreads per mode side by side, the resync steady state, every run, the targets. Prints it and writes it as the
 * section "bench N=&lt;objects&gt;" of {@code bench.doc} (other sections and hand-written text are kept).
 */
@Tag("bench")
class BenchmarkReport {

    static final List<String> MODES = List.of("adaptive", "per-object");
    static final Map<String, String> MODE_TITLES = Map.of(
            "adaptive", "adaptive limiting on (defaults)",
            "per-object", "off: per-object backoff only");
    static final List<String> OPERATIONS = List.of("ListMultiRegionEndpoints", "GetMultiRegionEndpoint",
            "CreateMultiRegionEndpoint", "ListTagsForResource", "TagResource", "UntagResource", "DeleteMultiRegionEndpoint", "GetCallerIdentity");

    @Test
    void write_report() throws IOException {
        Path repo = Repo.root();
        Path results = Path.of(Params.str("bench.results", repo.resolve("e2e/suite/target/bench/smoke/N20").toString()));
        Path doc = Path.of(Params.str("bench.doc", results.resolveSibling("benchmarks.md").toString()));
        List<JsonNode> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path p : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                runs.add(Json.JSON.readTree(p.toFile()));
            }
        }
        assertThat(runs).as("benchmark results in " + results).isNotEmpty();
        runs.sort(Comparator.comparing((JsonNode r) -> r.path("run").asInt()).thenComparing(r -> r.path("mode").asText()));
        String body = render(runs);
        Progress.log("benchmark report (section of %s):\n%s", doc, body);
        JsonNode first = runs.get(0);
        String label = Params.str("bench.section", "");
        GeneratedDoc.writeSection(doc, "bench N=" + first.path("objects").asInt() + (label.isEmpty() ? "" : " " + label),
                (label.isEmpty() ? "" : "<!-- " + label + " -->\n") + body, skeleton());
        Progress.log("written: %s", doc);
    }

    static String skeleton() {
        return """
                # Benchmarks

                How long the operator takes to bring a large batch of objects to Ready against a rate-limited SES,
                what that costs in SES calls and memory, and what operator-wide adaptive rate limiting changes.
                Produced by `make bench` (`e2e/suite/perf.mk`, programs in `e2e/suite/src/test/java/dev/mre/e2e/perf/`);
                `make bench BENCH_OBJECTS=1000` adds a section for 1,000 objects. The figures between the GENERATED
                markers are rewritten by each run; the analysis outside them is written by hand.
                """;
    }

    static String render(List<JsonNode> runs) {
        JsonNode first = runs.get(0);
        int n = first.path("objects").asInt();
        int rate = first.path("rate").asInt();
        double p = first.path("createDelaySeconds").asDouble();
        double lb = first.path("lowerBoundSeconds").asDouble();
        Map<String, List<JsonNode>> byMode = new LinkedHashMap<>();
        for (String m : MODES) {
            List<JsonNode> l = runs.stream().filter(r -> m.equals(r.path("mode").asText())).toList();
            if (!l.isEmpty()) {
                byMode.put(m, l);
            }
        }
        StringBuilder sb = new StringBuilder();
        String date = runs.stream().map(r -> r.path("startedAt").asText()).min(String::compareTo).orElse("?");
        JsonNode machine = first.path("machine");
        sb.append("## ").append(n).append(" objects, SES limited to ").append(rate).append(" calls/s, provisioning ")
                .append(f(p, 0)).append(" s (").append(first.path("variant").asText()).append(" run, ")
                .append(date, 0, Math.min(10, date.length())).append(")\n\n");
        sb.append("Machine: ").append(machine.path("cpus").asText()).append(" CPUs (")
                .append(machine.path("cpuModel").asText()).append("), ").append(machine.path("memory").asText())
                .append(", Linux ").append(machine.path("kernel").asText()).append("; ")
                .append(machine.path("java").asText()).append("; JOSDK ").append(machine.path("josdk.version").asText())
                .append(", fabric8 ").append(machine.path("fabric8.version").asText()).append(", AWS SDK ")
                .append(machine.path("aws.sdk.version").asText()).append("; ").append(machine.path("kubernetes").asText())
                .append("; kubectl ").append(machine.path("kubectl").asText()).append("; operator commit ")
                .append(machine.path("commit").asText()).append("; operator jar ")
                .append(runs.stream().map(r -> r.path("operatorJar").asText("?").replaceAll(".*\\((.*)\\)", "$1")).distinct()
                        .toList()).append(". Runs started ").append(date).append(".\n\n");
        boolean fresh = runs.stream().allMatch(r -> r.path("controlPlane").asText("STARTED").equals("STARTED"));
        sb.append(fresh ? "Setup: each run starts a fresh local control plane (e2e/testenv, kube-apiserver and etcd on 127.0.0.1), "
                : "Setup: the runs use a control plane that was already running (" + runs.stream()
                        .map(r -> r.path("controlPlane").asText("STARTED")).distinct().toList() + "), ")
                .append("installs the chart's CRD and RBAC, and starts the SES emulator (`").append(first.path("emulatorFlags").asText())
                .append("`: every SES call of the account and region draws from one token bucket of ").append(rate)
                .append("/s, burst ").append(rate).append(") and the operator jar as its own process under the chart's "
                        + "ServiceAccount token, with `JAVA_TOOL_OPTIONS=").append(first.path("javaToolOptions").asText())
                .append(first.path("javaToolOptions").asText().contains("UseSerialGC")
                        ? "` (what the chart's `-XX:MaxRAMPercentage=75` gives under its 512Mi memory limit: a 384 MiB heap and, "
                                + "below 1792 MiB, the Serial GC)"
                        : "` (the chart's heap size under its 512Mi limit, but **not its GC**: this JVM kept G1, which costs about "
                                + "40 MiB more than the Serial GC a 512Mi container gets, so RSS here is overstated)")
                .append(", 16 reconcile threads, resync 10 min. All ").append(n)
                .append(" objects are applied at once with `kubectl apply -f` of one multi-document file (client-side "
                        + "apply); time runs from the start of that command to the watch event of the last object "
                        + "becoming Ready for its generation. Mode **adaptive** = the operator's defaults (operator-wide "
                        + "pacing at the ceiling `SES_MRE_MAX_CALL_RATE=10`, lowered while SES throttles); mode **off** = "
                        + "`SES_MRE_ADAPTIVE_RATE_LIMIT=false SES_MRE_MAX_CALL_RATE=100000`: no operator-wide limit, only each "
                        + "object's own backoff (and the SDK's standard retries, as in both modes). ")
                .append(runs.size() / Math.max(1, byMode.size())).append(" run(s) per mode, interleaved; figures are "
                        + "median (min..max).\n\n");

        // ---- main table ----
        sb.append("| figure |");
        byMode.keySet().forEach(m -> sb.append(' ').append(MODE_TITLES.get(m)).append(" |"));
        sb.append(" target |\n|---|");
        byMode.keySet().forEach(m -> sb.append("---|"));
        sb.append("---|\n");
        row(sb, byMode, "time until all Ready (s)", r -> r.path("convergenceSeconds").asDouble(), 1, "");
        sb.append("| lower bound 3N/R + P (s) |");
        byMode.keySet().forEach(m -> sb.append(' ').append(f(lb, 1)).append(" |"));
        sb.append(" |\n");
        row(sb, byMode, "ratio to the lower bound", r -> r.path("ratio").asDouble(), 2, "≤ 1.2");
        row(sb, byMode, "SES calls per endpoint (all attempts)", r -> r.path("callsPerEndpointTotal").asDouble(), 2, "3 needed");
        for (String op : OPERATIONS) {
            boolean any = runs.stream().anyMatch(r -> r.path("callsPerEndpoint").has(op));
            if (any) {
                row(sb, byMode, "· " + op, r -> r.path("callsPerEndpoint").path(op).asDouble(0), 3, "");
            }
        }
        row(sb, byMode, "SES calls per endpoint answered (not 429/5xx)", r -> r.path("successfulCallsPerEndpoint").asDouble(), 2, "");
        row(sb, byMode, "429 answers received", r -> r.path("throttled").asDouble(), 0, "");
        row(sb, byMode, "· as % of all SES calls", r -> r.path("throttledPercent").asDouble(), 1, "≤ 2 %");
        textRow(sb, byMode, "apply → first Create call, p50 / p99 (s)", l -> spread(vals(l, r -> r.path("applyToFirstCreate").path("p50").asDouble()), 1)
                + " / " + spread(vals(l, r -> r.path("applyToFirstCreate").path("p99").asDouble()), 1), "");
        textRow(sb, byMode, "apply → first successful Create, p50 / p99 (s)", l -> spread(vals(l, r -> r.path("applyToFirstSuccessfulCreate").path("p50").asDouble()), 1)
                + " / " + spread(vals(l, r -> r.path("applyToFirstSuccessfulCreate").path("p99").asDouble()), 1), "");
        textRow(sb, byMode, "apply → Ready, p50 / p99 (s)", l -> spread(vals(l, r -> r.path("applyToReady").path("p50").asDouble()), 1)
                + " / " + spread(vals(l, r -> r.path("applyToReady").path("p99").asDouble()), 1), "");
        row(sb, byMode, "answered SES calls/s while converging", r -> r.path("successfulCallRate").asDouble(), 2, "≤ " + rate + " (the limit)");
        row(sb, byMode, "peak RSS, VmHWM (MiB)", r -> r.path("rssPeakMiB").asDouble(), 0, "≤ 256 MiB with 1,000 objects");
        row(sb, byMode, "RSS when idle after all Ready, VmRSS (MiB)", r -> r.path("rssIdleMiB").asDouble(), 0, "");
        row(sb, byMode, "heap used, highest 1 s sample (MiB)", r -> r.path("heapPeakSampledMiB").asDouble(), 0, "");
        row(sb, byMode, "heap used when idle after all Ready (MiB)", r -> r.path("heapIdleMiB").asDouble(), 0, "");
        row(sb, byMode, "heap committed when idle after all Ready (MiB)", r -> r.path("heapCommittedIdleMiB").asDouble(Double.NaN), 0, "");
        row(sb, byMode, "· non-heap used (metaspace, code cache) (MiB)", r -> r.path("nonHeapIdleMiB").asDouble(Double.NaN), 0, "");
        row(sb, byMode, "live JVM threads", r -> r.path("threadsIdle").asDouble(Double.NaN), 0, "");
        row(sb, byMode, "max heap (MiB)", r -> r.path("heapMaxMiB").asDouble(), 0, "");
        row(sb, byMode, "process start → /readyz 200 (s)", r -> r.path("startToReadySeconds").asDouble(), 2, "≤ 3 s");
        row(sb, byMode, "kubectl apply of the file (s)", r -> r.path("applySeconds").asDouble(), 1, "");
        textRow(sb, byMode, "load average (1 min) before → after", l -> spread(vals(l, r -> load(r.path("loadBefore").asText())), 2)
                + " → " + spread(vals(l, r -> load(r.path("loadAfter").asText())), 2), "");
        sb.append('\n');

        // ---- steady state ----
        runs.stream().filter(r -> r.has("steady")).findFirst().ifPresent(r -> {
            JsonNode s = r.path("steady");
            long t = s.path("resyncSeconds").asLong();
            sb.append("### Resync steady state: SES calls per endpoint per hour at the default 10 min resync\n\n");
            sb.append("Measured once, after ").append(r.path("mode").asText()).append(" run ").append(r.path("run").asInt())
                    .append(" converged: the operator was restarted with `SES_MRE_RESYNC_PERIOD=").append(t)
                    .append("s` (T = max(20 s, 4N/R), so that the resync load 2N/T stays at half the SES limit). After its "
                            + "restart pass (every object observed again: a Get each, or the List pages holding them all), the SES calls of a window "
                            + "of exactly T were counted. A READY endpoint costs the same calls per resync whatever the "
                            + "period, so calls per endpoint per hour at 10 min = calls in the window / N × (T / window) × 6.\n\n");
            sb.append("| figure | value |\n|---|---|\n");
            sb.append("| restart pass: time from process start, calls | ").append(f(s.path("restartPassSeconds").asDouble(), 1))
                    .append(" s, ").append(ops(s.path("restartPassCalls"))).append(" |\n");
            sb.append("| window | ").append(f(s.path("windowSeconds").asDouble(), 1)).append(" s at resync ").append(t).append(" s |\n");
            sb.append("| SES calls in the window | ").append(s.path("windowCallsTotal").asLong()).append(": ")
                    .append(ops(s.path("windowCalls"))).append(" |\n");
            sb.append("| calls per endpoint per resync | ").append(f(s.path("callsPerEndpointPerResync").asDouble(), 2)).append(" |\n");
            sb.append("| **SES calls per endpoint per hour at the 10 min resync** | **")
                    .append(f(s.path("callsPerEndpointPerHourAt10m").asDouble(), 1)).append("** (successful: ")
                    .append(f(s.path("successfulCallsPerEndpointPerHourAt10m").asDouble(), 1)).append("); for ").append(n)
                    .append(" endpoints: ").append(f(s.path("callsPerEndpointPerHourAt10m").asDouble() * n / 3600.0, 2))
                    .append(" calls/s |\n");
            sb.append("| 429 answers in the window | ").append(s.path("windowThrottled").asLong()).append(" |\n");
            sb.append("| RSS (VmRSS / VmHWM) and heap at the end of the window (MiB) | ").append(f(s.path("rssMiB").asDouble(), 0))
                    .append(" / ").append(f(s.path("rssPeakMiB").asDouble(), 0)).append(", heap ")
                    .append(f(s.path("heapMiB").asDouble(), 0)).append(" |\n");
            sb.append("| process start → /readyz 200 with ").append(n).append(" objects present (s) | ")
                    .append(f(s.path("startToReadySeconds").asDouble(), 2)).append(" |\n\n");
        });

        // ---- every run ----
        sb.append("### Every run\n\n| mode | run | all Ready (s) | ratio | calls/endpoint | 429 (%) | apply→first Create p50/p99 (s) "
                + "| peak RSS (MiB) | start→ready (s) | load before | problems |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            sb.append("| ").append(r.path("mode").asText()).append(" | ").append(r.path("run").asInt()).append(" | ")
                    .append(f(r.path("convergenceSeconds").asDouble(), 1)).append(r.path("converged").asBoolean(false) ? "" : " (not converged)")
                    .append(" | ").append(f(r.path("ratio").asDouble(), 2)).append(" | ")
                    .append(f(r.path("callsPerEndpointTotal").asDouble(), 2)).append(" | ")
                    .append(r.path("throttled").asLong()).append(" (").append(f(r.path("throttledPercent").asDouble(), 1)).append(") | ")
                    .append(f(r.path("applyToFirstCreate").path("p50").asDouble(), 1)).append(" / ")
                    .append(f(r.path("applyToFirstCreate").path("p99").asDouble(), 1)).append(" | ")
                    .append(f(r.path("rssPeakMiB").asDouble(), 0)).append(" | ")
                    .append(f(r.path("startToReadySeconds").asDouble(), 2)).append(" | ")
                    .append(r.path("loadBefore").asText()).append(" | ")
                    .append(r.path("problems").isEmpty() ? "none" : r.path("problems").toString().replace("|", "/")).append(" |\n");
        }
        sb.append('\n');

        // ---- targets ----
        List<JsonNode> def = byMode.getOrDefault("adaptive", runs);
        double ratio = Stats.median(vals(def, r -> r.path("ratio").asDouble()));
        double thr = Stats.median(vals(def, r -> r.path("throttledPercent").asDouble()));
        double rss = Stats.max(vals(def, r -> r.path("rssPeakMiB").asDouble()));
        double ready = Stats.median(vals(def, r -> r.path("startToReadySeconds").asDouble()));
        sb.append("### Targets (operator defaults = adaptive mode; medians, peak RSS = highest run)\n\n| target | measured | met |\n|---|---|---|\n");
        sb.append("| time until all Ready ≤ 1.2 × lower bound | ").append(f(ratio, 2)).append(" × | ").append(yes(ratio <= 1.2)).append(" |\n");
        sb.append("| 429 answers ≤ 2 % of calls | ").append(f(thr, 1)).append(" % | ").append(yes(thr <= 2.0)).append(" |\n");
        sb.append("| RSS ≤ 256 MiB with 1,000 objects | ").append(f(rss, 0)).append(" MiB peak with ").append(n).append(" objects | ")
                .append(n >= 1000 ? yes(rss <= 256) : (rss <= 256 ? "yes at " + n + " objects (1,000: see that section)" : "no, already at " + n + " objects"))
                .append(" |\n");
        sb.append("| process start → ready ≤ 3 s | ").append(f(ready, 2)).append(" s | ").append(yes(ready <= 3.0)).append(" |\n");
        return sb.toString();
    }

    private static String yes(boolean b) {
        return b ? "yes" : "**no**";
    }

    private static double load(String avg) {
        try {
            return Double.parseDouble(avg.split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String ops(JsonNode byOp) {
        List<String> parts = new ArrayList<>();
        for (String op : new TreeSet<>(iter(byOp))) {
            long total = 0;
            for (JsonNode v : byOp.path(op)) {
                total += v.asLong();
            }
            long ok = byOp.path(op).path("200").asLong(0);
            parts.add(op + " " + total + (ok == total ? "" : " (" + ok + " ok)"));
        }
        return String.join(", ", parts);
    }

    private static List<String> iter(JsonNode n) {
        List<String> l = new ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l;
    }

    static List<Double> vals(List<JsonNode> runs, Function<JsonNode, Double> f) {
        List<Double> l = new ArrayList<>();
        for (JsonNode r : runs) {
            Double v = f.apply(r);
            if (v != null && !v.isNaN()) {
                l.add(v);
            }
        }
        return l;
    }

    private static void row(StringBuilder sb, Map<String, List<JsonNode>> byMode, String name, Function<JsonNode, Double> f,
                            int decimals, String target) {
        sb.append("| ").append(name).append(" |");
        byMode.values().forEach(l -> sb.append(' ').append(spread(vals(l, f), decimals)).append(" |"));
        sb.append(' ').append(target).append(" |\n");
    }

    private static void textRow(StringBuilder sb, Map<String, List<JsonNode>> byMode, String name,
                                Function<List<JsonNode>, String> f, String target) {
        sb.append("| ").append(name).append(" |");
        byMode.values().forEach(l -> sb.append(' ').append(f.apply(l)).append(" |"));
        sb.append(' ').append(target).append(" |\n");
    }
}
