package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
import static dev.mre.e2e.perf.BenchSetup.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Emulator.Counters;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.ResourceSampler;
import dev.mre.e2e.perf.support.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario "shards": N objects (half labelled {@code shard=a}, half {@code shard=b}, interleaved) applied at once,
 * SES limited to R calls/s for the account and region, provisioning P. Variant {@code bench.shards=1}: one operator
 * with the ceiling R; {@code 2}: two operator processes, {@code SES_MRE_WATCH_LABEL_SELECTOR=shard=a} and
 * {@code shard=b}, each with half the ceiling and an access key of its own, so that the emulator's call log tells
 * which process called for which endpoint. One variant per Maven invocation (a fresh control plane each); the report
 * sets them side by side.
 *
 * <p>Checked: every object Ready with exactly one endpoint created once; with two shards, no endpoint touched by both
 * processes (call log by access key), each process's calls only for objects of its shard, and each process observed
 * exactly its half (its {@code ses_mre_endpoints} gauge counts the objects it reconciled).
 *
 * <pre>
 * bench.objects N (10000)   bench.rate R (10)   bench.createDelay P (3s)   bench.shards 1 | 2
 * bench.callLogSeconds how often the emulator's call log is fetched and merged (20)
 * </pre>
 */
@Tag("bench")
class ShardBenchmarkRun {

    static final Map<String, String[]> KEYS = Map.of(
            "a", new String[] {"AKIDSHARDA", "shard-a-secret"},
            "b", new String[] {"AKIDSHARDB", "shard-b-secret"});

    @Test
    void shards_converge() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "large");
        int n = Params.integer("bench.objects", 10_000);
        int rate = Params.integer("bench.rate", 10);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(3));
        int shards = Params.integer("bench.shards", 2);
        if (shards != 1 && shards != 2) {
            throw new IllegalArgumentException("-Dbench.shards must be 1 or 2, got " + shards);
        }
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("shards-" + shards);
        Path jar = BenchSetup.operatorJar(results);
        double bound = (double) n / rate + createDelay.toMillis() / 1000.0;
        Duration timeout = Params.duration("bench.timeout", Duration.ofSeconds((long) Math.max(600, 3 * bound)));
        String mode =
                shards == 1 ? "one operator, ceiling " + rate : "two shards, ceiling " + fmt(rate / 2.0) + " each";

        Progress.log(
                "==== benchmark %s: shards, %d objects, SES limited to %d calls/s, provisioning %s: %s ====",
                variant, n, rate, createDelay, mode);
        Map<String, Object> r = BenchSetup.header("shards", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("mode", mode);
        r.put("shards", shards);
        r.put("objects", n);
        r.put("rate", rate);
        r.put("createDelaySeconds", createDelay.toMillis() / 1000.0);
        r.put("boundSeconds", bound);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();

        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NAMESPACE);
            List<Mre> objects = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String shard = i % 2 == 0 ? "a" : "b";
                objects.add(Mre.of(NAMESPACE, name(shard, i / 2))
                        .label("shard", shard)
                        .tag("team", "bench"));
            }
            List<Path> files = BenchSetup.manifests(work.resolve("manifests"), "objects", objects, 1000);
            List<String> flags = BenchSetup.emulatorFlags(
                    createDelay,
                    n + 100,
                    rate,
                    List.of(
                            "--credentials",
                            Emulator.ACCESS_KEY + ":" + Emulator.SECRET_KEY + ":" + Emulator.ACCOUNT_ID + ":emulator"));
            KEYS.forEach((shard, key) -> flags.addAll(
                    List.of("--credentials", key[0] + ":" + key[1] + ":" + Emulator.ACCOUNT_ID + ":shard-" + shard)));
            r.put("emulatorFlags", String.join(" ", flags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), flags);
            Map<String, OperatorProcess> ops = new LinkedHashMap<>();
            Map<String, ResourceSampler> samplers = new LinkedHashMap<>();
            Map<String, List<String>> envs = new LinkedHashMap<>();
            try (Emulator.CallRecorder calls =
                            emu.recordCalls(Duration.ofSeconds(Params.integer("bench.callLogSeconds", 20)));
                    MreWatch watch = new MreWatch(h.kubectl())) {
                if (shards == 1) {
                    Map<String, String> env = new LinkedHashMap<>();
                    env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
                    env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(rate));
                    envs.put("one", BenchmarkRun.env(env));
                    ops.put("one", h.startOperator("operator-one", jar, id, emu, env));
                } else {
                    for (String shard : List.of("a", "b")) {
                        Map<String, String> env = new LinkedHashMap<>();
                        env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
                        env.put("SES_MRE_MAX_CALL_RATE", fmt(rate / 2.0));
                        env.put("SES_MRE_WATCH_LABEL_SELECTOR", "shard=" + shard);
                        envs.put(shard, BenchmarkRun.env(env));
                        env.put("AWS_ACCESS_KEY_ID", KEYS.get(shard)[0]);
                        env.put("AWS_SECRET_ACCESS_KEY", KEYS.get(shard)[1]);
                        ops.put(shard, h.startOperator("operator-shard-" + shard, jar, id, emu, env));
                    }
                }
                r.put("operatorEnv", envs);
                for (var e : ops.entrySet()) {
                    e.getValue().awaitReady(Duration.ofSeconds(120));
                    samplers.put(e.getKey(), new ResourceSampler(e.getValue()));
                }
                watch.awaitConnected(Duration.ofSeconds(60));

                long t0 = System.currentTimeMillis();
                r.put("applySeconds", BenchSetup.apply(h, files));
                long allReady = watch.awaitAllReady(n, timeout, "convergence");
                Counters conv = emu.counters();
                r.put("converged", allReady >= 0);
                if (allReady < 0) {
                    problems.add("not every object Ready within " + timeout + ": " + watch.readyCount() + "/" + n
                            + " Ready, not Ready by reason " + watch.notReadyReasons());
                }
                double seconds = ((allReady < 0 ? System.currentTimeMillis() : allReady) - t0) / 1000.0;
                long ses = BenchSetup.sesCalls(conv);
                long throttled = BenchSetup.throttled(conv);
                r.put("convergenceSeconds", seconds);
                r.put("ratio", seconds / bound);
                r.put("calls", conv.byOperation());
                r.put("sesCalls", ses);
                r.put("sesCallsPerEndpoint", ses / (double) n);
                r.put("throttled", throttled);
                r.put("share429", ses == 0 ? 0 : throttled / (double) ses);

                // who called for what: the call log by access key
                List<Emulator.Call> log = calls.log();
                r.put("callLogComplete", calls.complete());
                Map<String, Map<String, Map<String, Long>>> byKey = new TreeMap<>();
                Map<String, Set<String>> keysByName = new HashMap<>();
                for (Emulator.Call c : log) {
                    byKey.computeIfAbsent(c.accessKeyId(), k -> new TreeMap<>())
                            .computeIfAbsent(c.operation(), k -> new TreeMap<>())
                            .merge(c.outcome(), 1L, Long::sum);
                    if (c.endpointName() != null) {
                        keysByName
                                .computeIfAbsent(c.endpointName(), k -> new HashSet<>())
                                .add(c.accessKeyId());
                    }
                }
                r.put("callsByAccessKey", byKey);
                int both = 0;
                int wrongShard = 0;
                for (var e : keysByName.entrySet()) {
                    if (e.getValue().size() > 1) {
                        both++;
                    }
                    if (shards == 2) {
                        String shard = e.getKey().startsWith("shard-a-") ? "a" : "b";
                        if (!e.getValue().equals(Set.of(KEYS.get(shard)[0]))) {
                            wrongShard++;
                        }
                    }
                }
                r.put("endpointsTouchedByMoreThanOneKey", both);
                r.put("endpointsTouchedByTheWrongShard", wrongShard);
                Map<String, Double> observedBy = new LinkedHashMap<>();
                for (var e : ops.entrySet()) {
                    observedBy.put(
                            e.getKey(), OperatorProcess.metricSum(e.getValue().metrics(), "ses_mre_endpoints"));
                }
                r.put("objectsObservedByEachOperator", observedBy);
                double expectedEach = (double) n / shards;
                if (both > 0 || wrongShard > 0 || observedBy.values().stream().anyMatch(v -> v != expectedEach)) {
                    problems.add("shards overlap: " + both + " endpoints touched by more than one access key, "
                            + wrongShard + " by the wrong shard; objects observed per operator " + observedBy
                            + " (expected " + expectedEach + " each)");
                }
                if (!calls.complete()) {
                    problems.add("the call log has gaps: raise the fetch rate (-Dbench.callLogSeconds)");
                }
                long creates = conv.count("CreateMultiRegionEndpoint", "200");
                if (creates != n || emu.endpoints().size() != n) {
                    problems.add(creates + " successful Creates and "
                            + emu.endpoints().size() + " endpoints for " + n + " objects");
                }
                Map<String, Object> memory = new LinkedHashMap<>();
                double peak = 0;
                for (var e : samplers.entrySet()) {
                    ResourceSampler.Reading rd = e.getValue().read();
                    memory.put(e.getKey(), Map.of("rssPeakMiB", rd.hwmMiB(), "rssMiB", rd.rssMiB()));
                    peak = Math.max(peak, rd.hwmMiB());
                }
                r.put("memory", memory);
                Progress.log(
                        "  %s: converged in %.1f s (bound N/R + P = %.1f s, ratio %.2f); %d SES calls (%.3f per endpoint: %s),"
                                + " %d answered 429; by access key %s; overlap: %d; observed per operator %s",
                        mode,
                        seconds,
                        bound,
                        seconds / bound,
                        ses,
                        ses / (double) n,
                        conv.byOperation(),
                        throttled,
                        byKey,
                        both,
                        observedBy);

                Map<String, Object> row = Row.of("shards", n, mode, commit);
                row.put("bound_s", Row.round(bound, 1));
                row.put("converge_s", Row.round(seconds, 1));
                row.put("ratio", Row.round(seconds / bound, 3));
                row.put("calls_per_endpoint", Row.round(ses / (double) n, 3));
                row.put("share_429", Row.round(ses == 0 ? 0 : throttled / (double) ses, 4));
                row.put("peak_rss_mib", Row.round(peak, 0));
                row.put("list_calls", conv.count("ListMultiRegionEndpoints"));
                row.put("objects_reconciled_by_both", both);
                rows.add(row);
            } finally {
                samplers.values().forEach(ResourceSampler::close);
                ops.values().forEach(OperatorProcess::close);
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("rows", rows);
            BenchSetup.write(results, "shards-" + shards, r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    static String name(String shard, int i) {
        return String.format("shard-%s-%04d", shard, i);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
