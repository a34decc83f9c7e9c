package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
import static dev.mre.e2e.perf.BenchSetup.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.RestartBenchmarkRun.Histogram;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario "churn": per-object state (inventory entries, clients, pacers, remembered tags, metric series) goes when
 * an object goes, also when its finalizer is removed by hand (issue 20, finding 5).
 *
 * <p>One operator process against the emulator (no SES rate limit, a short provisioning delay, a high call ceiling).
 * {@code bench.rounds} rounds of {@code bench.objects / bench.rounds} objects: create them, wait until all are Ready,
 * delete every {@code bench.handEvery}-th object first and remove its finalizer by hand right after the delete (SES
 * keeps the endpoint DELETING for {@code bench.deleteDelay}, during which the operator holds the finalizer, so the
 * hand always wins: the operator never gets to release these objects and only its periodic sweep can forget them;
 * SES still finishes the delete it was asked for, so no orphan endpoint is left to be remembered legitimately), then
 * delete the rest ({@code kubectl delete --all --wait=false}),
 * wait until no object is left and {@code /metrics} names none of them (the sweep runs every poll maximum), idle
 * {@code bench.settleSeconds}, then measure the live heap again.
 *
 * <p>Live heap = the total of {@code jcmd <pid> GC.class_histogram}: the JVM runs a full GC before it counts, and what
 * it counts is exactly the reachable objects, by class (what grew, when something does, is in the saved histograms).
 * {@code GC.heap_info} after {@code GC.run} gives "used" of the generations instead (with the serial collector the
 * same after a full GC, but without the breakdown); {@code jvm_memory_used_bytes} is sampled whenever the scrape
 * comes, not after a GC.
 *
 * <p>Baseline: the live heap after the first {@code bench.warmupRounds} round(s). The idle operator's heap before any
 * object (also reported) is not the baseline: the first round loads and fills what every later round reuses (classes'
 * static data, the AWS SDK's endpoint rules and marshallers, Jackson's serializers, JOSDK's and the informer's
 * indexes sized for the round), which is a one-time cost, not a leak; a leak grows from round to round.
 *
 * <p>After the last round the operator idles {@code bench.finalIdle} (21 min): JOSDK keeps the UID of every deleted
 * object for 20 minutes (its deletion tombstones), so only past that window does the heap show what is left for
 * good; the last measurement is taken then.
 *
 * <p>Pass: the heap at the end within {@code bench.heapTolerance} (5 %) of the baseline, and no series of
 * {@code /metrics} has a label value naming a deleted object or its endpoint.
 *
 * <pre>
 * bench.objects (10000)   bench.rounds (5)   bench.handEvery (10)   bench.ceiling (1000)   bench.createDelay (1s)
 * bench.settleSeconds (10)   bench.idleSeconds before the idle figure (20)   bench.heapTolerance (0.05)
 * bench.warmupRounds (1)   bench.deleteDelay (60s)   bench.finalIdle (21m)
 * </pre>
 */
@Tag("bench")
class ChurnMemoryBenchmarkRun {

    @Test
    void objects_created_and_deleted_in_rounds_leave_nothing_behind() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "churn");
        int objects = Params.integer("bench.objects", 10_000);
        int rounds = Params.integer("bench.rounds", 5);
        int perRound = objects / rounds;
        int handEvery = Params.integer("bench.handEvery", 10);
        int ceiling = Params.integer("bench.ceiling", 1000);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(1));
        int settleSeconds = Params.integer("bench.settleSeconds", 10);
        int idleSeconds = Params.integer("bench.idleSeconds", 20);
        double tolerance = Double.parseDouble(Params.str("bench.heapTolerance", "0.05"));
        int warmupRounds = Params.integer("bench.warmupRounds", 1);
        Duration deleteDelay = Params.duration("bench.deleteDelay", Duration.ofSeconds(60));
        Duration finalIdle = Params.duration("bench.finalIdle", Duration.ofMinutes(21));
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("churn");
        Path jar = BenchSetup.operatorJar(results);

        Progress.log(
                "==== benchmark %s: churn, %d rounds of %d objects, every %d-th finalizer removed by hand ====",
                variant, rounds, perRound, handEvery);
        Map<String, Object> r = BenchSetup.header("churn", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("objects", perRound * rounds);
        r.put("rounds", rounds);
        r.put("objectsPerRound", perRound);
        r.put("handEvery", handEvery);
        r.put("ceiling", ceiling);
        r.put("heapTolerance", tolerance);
        r.put("warmupRounds", warmupRounds);
        r.put("finalIdleSeconds", finalIdle.toSeconds());
        r.put("heapMeasure", "jcmd <pid> GC.class_histogram (full GC first), total bytes");
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> perRoundResults = new ArrayList<>();
        r.put("roundsMeasured", perRoundResults);

        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NAMESPACE);
            List<String> emulatorFlags =
                    BenchSetup.emulatorFlags(createDelay, deleteDelay, perRound + 100, 0, List.of());
            r.put("emulatorFlags", String.join(" ", emulatorFlags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), emulatorFlags);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
            env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(ceiling));
            r.put("operatorEnv", BenchmarkRun.env(env));
            try (OperatorProcess op = h.startOperator("operator-churn", jar, id, emu, env);
                    MreWatch watch = new MreWatch(h.kubectl())) {
                op.awaitReady(Duration.ofSeconds(180));
                watch.awaitConnected(Duration.ofSeconds(60));
                Pacing.pause(Duration.ofSeconds(idleSeconds), "idle operator with 0 objects, before the baseline");
                Histogram idle = Histogram.of(op.pid(), work.resolve("histogram-idle.txt"));
                double idleMiB = idle.totalBytes() / 1048576.0;
                r.put("idleLiveHeapMiB", idleMiB);
                r.put("idleHistogramTop", idle.top());
                Progress.log("  idle: live heap %.2f MiB with 0 objects, before any", idleMiB);
                double baseMiB = idleMiB;
                double lastMiB = idleMiB;
                for (int round = 1; round <= rounds; round++) {
                    Map<String, Object> m = round(
                            h, op, emu, watch, work, round, perRound, handEvery, settleSeconds, baseMiB, problems);
                    perRoundResults.add(m);
                    lastMiB = (double) m.get("liveHeapMiB");
                    if (round == warmupRounds) {
                        baseMiB = lastMiB;
                        r.put("baselineLiveHeapMiB", baseMiB);
                        Progress.log("  baseline: live heap %.2f MiB after %d warm-up round(s)", baseMiB, round);
                    }
                }
                double afterRoundsMiB = lastMiB;
                r.put("afterRoundsLiveHeapMiB", afterRoundsMiB);
                if (!finalIdle.isZero()) {
                    Pacing.pause(finalIdle, "idle past JOSDK's 20-minute deletion tombstones, before the last count");
                    Histogram end = Histogram.of(op.pid(), work.resolve("histogram-end.txt"));
                    lastMiB = end.totalBytes() / 1048576.0;
                    r.put("endHistogramTop", end.top());
                    Progress.log(
                            "  end: live heap %.2f MiB after %s idle (%.2f MiB right after the last round)",
                            lastMiB, finalIdle, afterRoundsMiB);
                }
                double drift = (lastMiB - baseMiB) / baseMiB;
                r.put("finalLiveHeapMiB", lastMiB);
                r.put("finalDrift", drift);
                if (Math.abs(drift) > tolerance) {
                    problems.add(String.format(
                            "live heap at the end of %d rounds %.2f MiB, %.1f %% off the baseline %.2f MiB (tolerance %.0f %%)",
                            rounds, lastMiB, drift * 100, baseMiB, tolerance * 100));
                }
                Map<String, Object> row = Row.of("churn", perRound * rounds, "batch", commit);
                row.put("peak_rss_mib", Row.round(op.procStatus().getOrDefault("VmHWM", 0L) / 1024.0, 0));
                row.put("rounds", rounds);
                row.put("objects_per_round", perRound);
                row.put("finalizer_removed_by_hand_every", handEvery);
                row.put("idle_live_heap_mib", Row.round(idleMiB, 2));
                row.put("warmup_rounds", warmupRounds);
                row.put("baseline_live_heap_mib", Row.round(baseMiB, 2));
                row.put(
                        "live_heap_mib_per_round",
                        perRoundResults.stream()
                                .map(x -> Row.round((double) x.get("liveHeapMiB"), 2))
                                .toList());
                row.put("after_rounds_live_heap_mib", Row.round(afterRoundsMiB, 2));
                row.put("final_idle_s", finalIdle.toSeconds());
                row.put("final_live_heap_mib", Row.round(lastMiB, 2));
                row.put("final_heap_drift_pct", Row.round(drift * 100, 2));
                row.put(
                        "series_left",
                        perRoundResults.stream()
                                .mapToInt(x -> (int) x.get("seriesLeft"))
                                .sum());
                rows.add(row);
                Progress.log(
                        "  churn: baseline %.2f MiB, after %d rounds %.2f MiB (%+.2f %%)",
                        baseMiB, rounds, lastMiB, drift * 100);
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("rows", rows);
            BenchSetup.write(results, "churn", r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    static Map<String, Object> round(
            Harness h,
            OperatorProcess op,
            Emulator emu,
            MreWatch watch,
            Path work,
            int round,
            int n,
            int handEvery,
            int settleSeconds,
            double baseMiB,
            List<String> problems)
            throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        String prefix = "churn-r" + round;
        List<Mre> objs = Mre.numbered(NAMESPACE, prefix, n);
        long t0 = System.currentTimeMillis();
        m.put("applySeconds", BenchSetup.apply(h, BenchSetup.manifests(work.resolve("manifests"), prefix, objs, 1000)));
        long ready = watch.awaitAllReady(n, Duration.ofMinutes(30), "round " + round);
        if (ready < 0) {
            throw new AssertionError("round " + round + ": not every object Ready: " + watch.readyCount() + "/" + n
                    + "\n" + op.tail(40));
        }
        m.put("readySeconds", (ready - t0) / 1000.0);
        // the names that must not be left in /metrics: the objects' and their endpoints' (as SES holds them)
        Set<String> names = new LinkedHashSet<>();
        objs.forEach(o -> names.add(o.name()));
        emu.endpoints().forEach(e -> names.add(e.endpointName()));
        m.put("endpointsInSes", emu.endpoints().size());

        long d0 = System.currentTimeMillis();
        List<String> hand = new ArrayList<>();
        for (int i = 0; i < n; i += handEvery) {
            hand.add(Mre.numberedName(prefix, i));
        }
        // the hand-released objects first: deleted in one call, then each finalizer removed while SES still shows
        // its endpoint DELETING (bench.deleteDelay), so the operator never releases them itself
        List<String> deleteHand = new ArrayList<>(List.of("delete", Harness.CRD_NAME, "-n", NAMESPACE, "--wait=false"));
        deleteHand.addAll(hand);
        h.kubectl()
                .run(Duration.ofMinutes(5), deleteHand.toArray(String[]::new))
                .orThrow();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (String name : hand) {
                fs.add(pool.submit(() -> h.kubectl()
                        .quiet(
                                "patch",
                                Harness.CRD_NAME,
                                name,
                                "-n",
                                NAMESPACE,
                                "--type=merge",
                                "-p",
                                "{\"metadata\":{\"finalizers\":null}}")
                        .ok()));
            }
            int patched = 0;
            for (Future<Boolean> f : fs) {
                patched += f.get() ? 1 : 0;
            }
            m.put("finalizersRemovedByHand", patched);
            if (patched < hand.size()) {
                problems.add("round " + round + ": the finalizer of only " + patched + " of " + hand.size()
                        + " objects was removed by hand (the operator released the rest first)");
            }
        } finally {
            pool.shutdownNow();
        }
        h.kubectl()
                .run(Duration.ofMinutes(10), "delete", Harness.CRD_NAME, "--all", "-n", NAMESPACE, "--wait=false")
                .orThrow();
        long gone = watch.awaitEmpty(Duration.ofMinutes(30), "round " + round + " deleted");
        if (gone < 0) {
            throw new AssertionError("round " + round + ": objects left: " + watch.size() + "\n" + op.tail(40));
        }
        m.put("deleteSeconds", (gone - d0) / 1000.0);
        boolean sesEmpty = Conditions.within(
                "round " + round + ": no endpoint left in SES",
                Duration.ofMinutes(5),
                Duration.ofSeconds(1),
                () -> emu.endpoints().isEmpty(),
                () -> emu.endpoints().size() + " endpoints in SES");
        if (!sesEmpty) {
            problems.add("round " + round + ": " + emu.endpoints().size() + " endpoints left in SES");
        }
        // the sweep forgets the objects released without the operator (every poll maximum)
        long s0 = System.currentTimeMillis();
        List<String> left = new ArrayList<>();
        Conditions.within(
                "round " + round + ": /metrics names no deleted object",
                Duration.ofMinutes(5),
                Duration.ofSeconds(2),
                () -> {
                    left.clear();
                    left.addAll(seriesNaming(op.metrics(), names));
                    return left.isEmpty();
                },
                () -> left.size() + " series left, e.g. "
                        + left.stream().limit(3).toList());
        m.put("metricsCleanSeconds", (System.currentTimeMillis() - s0) / 1000.0);
        m.put("seriesLeft", left.size());
        m.put("seriesLeftSample", left.stream().limit(10).toList());
        if (!left.isEmpty()) {
            problems.add("round " + round + ": " + left.size() + " series of /metrics name deleted objects, e.g. "
                    + left.stream().limit(3).toList());
        }
        Pacing.pause(Duration.ofSeconds(settleSeconds), "settle after round " + round);
        Histogram histo = Histogram.of(op.pid(), work.resolve("histogram-round-" + round + ".txt"));
        double mib = histo.totalBytes() / 1048576.0;
        m.put("liveHeapMiB", mib);
        m.put("driftFromBaseline", (mib - baseMiB) / baseMiB);
        m.put("histogramTop", histo.top());
        m.put("rssMiB", op.procStatus().getOrDefault("VmRSS", 0L) / 1024.0);
        Progress.log(
                "  round %d: %d objects Ready in %.0f s, deleted in %.0f s (%d finalizers removed by hand), /metrics"
                        + " clean after %.0f s more (%d series left); live heap %.2f MiB (%+.2f %% against %.2f MiB)",
                round,
                n,
                (double) m.get("readySeconds"),
                (double) m.get("deleteSeconds"),
                (int) m.get("finalizersRemovedByHand"),
                (double) m.get("metricsCleanSeconds"),
                left.size(),
                mib,
                (mib - baseMiB) / baseMiB * 100,
                baseMiB);
        return m;
    }

    /** The series (not comments) of a /metrics text with a label value that is one of {@code names}. */
    static List<String> seriesNaming(String metrics, Set<String> names) {
        java.util.regex.Pattern value = java.util.regex.Pattern.compile("=\"([^\"]*)\"");
        List<String> out = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#") || line.indexOf('{') < 0) {
                continue;
            }
            java.util.regex.Matcher mt = value.matcher(line.substring(line.indexOf('{')));
            while (mt.find()) {
                String v = mt.group(1);
                if (names.contains(v) || names.stream().anyMatch(v::endsWith)) {
                    out.add(line);
                    break;
                }
            }
        }
        return out;
    }
}
