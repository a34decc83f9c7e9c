package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario "fairness" (issue 20, finding 5): two namespaces share one AWS account and region, so one paced call
 * budget. Namespace A applies N_A objects (2,000), namespace B applies N_B (10) right after A's apply has finished.
 * First come, first served, B would wait for A's whole queue (about N_A/R); the operator's reconcile threads take the
 * namespaces in turn, so B gets every other turn while it has work. Pass: B's last object Ready, counted from B's
 * apply, within 10 % of A's convergence time, counted from A's apply.
 *
 * <pre>
 * bench.objectsA N_A (2000)   bench.objectsB N_B (10)   bench.rate R (10)   bench.createDelay P (3s)
 * </pre>
 */
@Tag("bench")
class FairnessBenchmarkRun {

    static final String NS_A = "bench-fair-a";
    static final String NS_B = "bench-fair-b";

    @Test
    void a_namespace_with_a_few_objects_is_not_queued_behind_another_with_thousands() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "full");
        int nA = Params.integer("bench.objectsA", 2000);
        int nB = Params.integer("bench.objectsB", 10);
        int rate = Params.integer("bench.rate", 10);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(3));
        double p = createDelay.toMillis() / 1000.0;
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("fairness");
        double boundA = (double) (nA + nB) / rate + p;

        Progress.log(
                "==== benchmark %s: fairness, %d objects in %s then %d in %s, one account, SES %d calls/s ====",
                variant, nA, NS_A, nB, NS_B, rate);
        Map<String, Object> r = BenchSetup.header("fairness", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("objectsA", nA);
        r.put("objectsB", nB);
        r.put("rate", rate);
        r.put("createDelaySeconds", p);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NS_A, NS_B);
            List<String> flags = BenchSetup.emulatorFlags(createDelay, nA + nB + 100, rate, List.of());
            r.put("emulatorFlags", String.join(" ", flags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), flags);
            List<Mre> a = new ArrayList<>();
            for (int i = 0; i < nA; i++) {
                a.add(Mre.of(NS_A, Mre.numberedName("a", i)));
            }
            List<Mre> b = new ArrayList<>();
            for (int i = 0; i < nB; i++) {
                b.add(Mre.of(NS_B, Mre.numberedName("b", i)));
            }
            List<Path> filesA = BenchSetup.manifests(work.resolve("manifests"), "a", a, 500);
            List<Path> filesB = BenchSetup.manifests(work.resolve("manifests"), "b", b, 500);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
            // the operator's ceiling at SES's rate, whatever the default is
            env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(rate));
            r.put("operatorEnv", BenchmarkRun.env(env));
            try (MreWatch watch = new MreWatch(h.kubectl());
                    OperatorProcess op =
                            h.startOperator("operator-fairness", BenchSetup.operatorJar(results), id, emu, env)) {
                op.awaitReady(Duration.ofSeconds(120));
                watch.awaitConnected(Duration.ofSeconds(60));
                long t0A = System.currentTimeMillis();
                r.put("applySecondsA", BenchSetup.apply(h, filesA));
                long t0B = System.currentTimeMillis();
                r.put("applySecondsB", BenchSetup.apply(h, filesB));
                Duration timeout = Duration.ofSeconds((long) Math.max(600, 4 * boundA));
                long readyB = watch.awaitAllReady(k -> k.startsWith(NS_B + "/"), nB, timeout, "namespace B");
                int readyAWhenB = watch.count(k -> k.startsWith(NS_A + "/"), true);
                long readyA = watch.awaitAllReady(k -> k.startsWith(NS_A + "/"), nA, timeout, "namespace A");
                if (readyA < 0 || readyB < 0) {
                    problems.add("not every object Ready: A " + watch.count(k -> k.startsWith(NS_A + "/"), true) + "/"
                            + nA + ", B " + watch.count(k -> k.startsWith(NS_B + "/"), true) + "/" + nB);
                }
                double secondsA = ((readyA < 0 ? System.currentTimeMillis() : readyA) - t0A) / 1000.0;
                double secondsB = ((readyB < 0 ? System.currentTimeMillis() : readyB) - t0B) / 1000.0;
                double share = secondsB / secondsA;
                r.put("convergenceSecondsA", secondsA);
                r.put("convergenceSecondsB", secondsB);
                r.put("readyAWhenBDone", readyAWhenB);
                r.put("shareOfA", share);
                r.put("boundA", boundA);
                Progress.log(
                        "  A: %d objects Ready %.1f s after its apply (bound (N_A+N_B)/R + P = %.1f s, ratio %.3f);"
                                + " B: %d objects Ready %.1f s after its apply = %.1f %% of A's time (target <= 10 %%),"
                                + " when %d of A's were Ready",
                        nA, secondsA, boundA, secondsA / boundA, nB, secondsB, 100 * share, readyAWhenB);
                if (share > 0.10) {
                    problems.add(String.format(
                            "B took %.1f s, %.1f %% of A's %.1f s (target <= 10 %%)", secondsB, 100 * share, secondsA));
                }
                long endpoints = emu.endpoints().size();
                if (endpoints != nA + nB) {
                    problems.add(endpoints + " endpoints for " + (nA + nB) + " objects");
                }
                Map<String, Object> row = Row.of(
                        "fairness",
                        nA + nB,
                        nA + " objects in namespace A, then " + nB + " in B; SES " + rate + " calls/s",
                        commit);
                row.put("bound_s", Row.round(boundA, 1));
                row.put("converge_a_s", Row.round(secondsA, 1));
                row.put("ratio", Row.round(secondsA / boundA, 3));
                row.put("converge_b_s", Row.round(secondsB, 1));
                row.put("b_share_of_a", Row.round(share, 4));
                row.put("target", "B <= 10 % of A");
                row.put("met", share <= 0.10);
                rows.add(row);
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("rows", rows);
            BenchSetup.write(results, "fairness", r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }
}
