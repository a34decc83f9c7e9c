package dev.mre.e2e.perf;

import static dev.mre.e2e.perf.BenchSetup.CLUSTER_ID;
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
import dev.mre.e2e.perf.support.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scenario "accounts" (issue 11): one operator, two namespaces mapped by RoleSelectors to two IAM roles in two AWS
 * accounts; SES in account A admits {@code bench.slowRate} calls/s (2), in account B {@code bench.rate} (10). N_A
 * and N_B objects, interleaved in one file (A, B, A, B, ... then the rest of the larger), applied at once. The
 * operator's pacing and adaptive rate are per account and region, so B must converge within 1.15 × its own bound
 * N_B/R_B + P whatever A does; A converges at its own pace (its bound N_A/R_A + P), with 429s while the operator
 * learns A's rate. The defaults keep A throttled for all of B's convergence (N_A/R_A = 250 s against N_B/R_B =
 * 100 s), and make B the converge scenario's 1,000 objects at 10 calls/s, so the two compare directly.
 *
 * <pre>
 * bench.objectsA N_A (500)   bench.objectsB N_B (1000)   bench.rate R_B (10)   bench.slowRate R_A (2)
 * bench.createDelay P (3s)
 * </pre>
 */
@Tag("bench")
class AccountsBenchmarkRun {

    static final String ACCOUNT_A = "210987654321";
    static final String ACCOUNT_B = "310987654321";
    static final String ROLE_A = "arn:aws:iam::" + ACCOUNT_A + ":role/bench-team-a";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/bench-team-b";
    static final String NS_A = "bench-team-a";
    static final String NS_B = "bench-team-b";
    static final String OPERATOR_USER = "arn:aws:iam::" + Emulator.ACCOUNT_ID + ":user/emulator";

    @Test
    void a_throttled_account_does_not_slow_another() throws Exception {
        Path repo = Repo.root();
        String variant = Params.str("bench.variant", "full");
        int nA = Params.integer("bench.objectsA", 500);
        int nB = Params.integer("bench.objectsB", 1000);
        int rateB = Params.integer("bench.rate", 10);
        int rateA = Params.integer("bench.slowRate", 2);
        Duration createDelay = Params.duration("bench.createDelay", Duration.ofSeconds(3));
        double p = createDelay.toMillis() / 1000.0;
        Path results = Path.of(Params.str(
                "bench.results",
                repo.resolve("e2e/suite/target/bench/" + variant + "/results").toString()));
        Path work = results.resolveSibling("work").resolve("accounts");
        Path jar = BenchSetup.operatorJar(results);
        double boundA = (double) nA / rateA + p;
        double boundB = (double) nB / rateB + p;

        Progress.log(
                "==== benchmark %s: accounts, %d objects in account A (SES %d calls/s) and %d in account B (SES %d"
                        + " calls/s), provisioning %s ====",
                variant, nA, rateA, nB, rateB, createDelay);
        Map<String, Object> r = BenchSetup.header("accounts", variant, results);
        String commit = (String) r.get("operatorCommit");
        r.put("objectsA", nA);
        r.put("objectsB", nB);
        r.put("rateA", rateA);
        r.put("rateB", rateB);
        r.put("createDelaySeconds", p);
        r.put("boundA", boundA);
        r.put("boundB", boundB);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();

        try (Harness h = Harness.start("bench-" + variant, work)) {
            Harness.OperatorIdentity id = BenchSetup.stage(h, r, NS_A, NS_B);
            String trust = "{\"trustedPrincipals\":[\"" + OPERATOR_USER + "\"],\"allowTagSession\":true}";
            List<String> flags = BenchSetup.emulatorFlags(
                    createDelay,
                    Math.max(nA, nB) + 100,
                    0,
                    List.of("--role", ROLE_A + "=" + trust, "--role", ROLE_B + "=" + trust));
            flags.addAll(BenchSetup.accountFlag(ACCOUNT_A, rateA, rateA));
            flags.addAll(BenchSetup.accountFlag(ACCOUNT_B, rateB, rateB));
            r.put("emulatorFlags", String.join(" ", flags));
            Emulator emu = h.startEmulator("emulator", BenchSetup.emulatorJar(results), flags);
            Path selectors = Files.writeString(
                    work.resolve("roleselectors.yaml"),
                    roleSelector("bench-team-a", ROLE_A, NS_A) + "---\n" + roleSelector("bench-team-b", ROLE_B, NS_B));
            h.kubectl().ok("apply", "-f", selectors.toString());
            List<Mre> objects = new ArrayList<>();
            for (int i = 0; i < Math.max(nA, nB); i++) {
                if (i < nA) {
                    objects.add(Mre.of(NS_A, Mre.numberedName("a", i)).tag("team", "a"));
                }
                if (i < nB) {
                    objects.add(Mre.of(NS_B, Mre.numberedName("b", i)).tag("team", "b"));
                }
            }
            List<Path> files = BenchSetup.manifests(work.resolve("manifests"), "objects", objects, objects.size());
            try {
                try (Emulator.CallRecorder calls = emu.recordCalls(Duration.ofSeconds(3));
                        MreWatch watch = new MreWatch(h.kubectl())) {
                    Map<String, String> env = new LinkedHashMap<>();
                    env.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
                    // the ceiling at account B's SES rate; account A's lower rate is what the adaptive pacing learns
                    env.put("SES_MRE_MAX_CALL_RATE", Integer.toString(rateB));
                    r.put("operatorEnv", BenchmarkRun.env(env));
                    OperatorProcess op = h.startOperator("operator-accounts", jar, id, emu, env);
                    try (op;
                            ResourceSampler sampler = new ResourceSampler(op)) {
                        op.awaitReady(Duration.ofSeconds(120));
                        watch.awaitConnected(Duration.ofSeconds(60));
                        long t0 = System.currentTimeMillis();
                        r.put("applySeconds", BenchSetup.apply(h, files));
                        long readyB = watch.awaitAllReady(
                                k -> k.startsWith(NS_B + "/"),
                                nB,
                                Duration.ofSeconds((long) Math.max(300, 6 * boundB)),
                                "account B");
                        long readyA = watch.awaitAllReady(
                                k -> k.startsWith(NS_A + "/"),
                                nA,
                                Duration.ofSeconds((long) Math.max(600, 3 * boundA)),
                                "account A");
                        List<Emulator.Call> log = calls.log();
                        r.put("callLogComplete", calls.complete());
                        ResourceSampler.Reading rd = sampler.read();
                        r.put("rssPeakMiB", rd.hwmMiB());
                        for (String[] acc :
                                List.of(new String[] {"A", ACCOUNT_A, NS_A}, new String[] {"B", ACCOUNT_B, NS_B})) {
                            long ready = acc[0].equals("A") ? readyA : readyB;
                            double bound = acc[0].equals("A") ? boundA : boundB;
                            int rate = acc[0].equals("A") ? rateA : rateB;
                            int n = acc[0].equals("A") ? nA : nB;
                            if (ready < 0) {
                                problems.add("account " + acc[0] + ": not every object Ready: "
                                        + watch.count(k -> k.startsWith(acc[2] + "/"), true) + "/" + n);
                            }
                            double seconds = ((ready < 0 ? System.currentTimeMillis() : ready) - t0) / 1000.0;
                            Counters c = BenchSetup.count(log.stream()
                                    .filter(x -> acc[1].equals(x.accountId())
                                            && x.instant().toEpochMilli() <= (ready < 0 ? Long.MAX_VALUE : ready))
                                    .toList());
                            long ses = BenchSetup.sesCalls(c);
                            long throttled = BenchSetup.throttled(c);
                            Map<String, Instant> firstCreate = Emulator.firstCall(
                                    log.stream()
                                            .filter(x -> acc[1].equals(x.accountId()))
                                            .toList(),
                                    "CreateMultiRegionEndpoint",
                                    null);
                            List<Double> toCreate = new ArrayList<>();
                            for (MreWatch.Obj o : watch.snapshot()) {
                                if (o.key.startsWith(acc[2] + "/")) {
                                    Instant fc = firstCreate.get(o.key.substring(o.key.indexOf('/') + 1));
                                    if (fc != null) {
                                        toCreate.add((fc.toEpochMilli() - o.addedAt) / 1000.0);
                                    }
                                }
                            }
                            Map<String, Object> a = new LinkedHashMap<>();
                            a.put("account", acc[1]);
                            a.put("sesRate", rate);
                            a.put("bound", bound);
                            a.put("convergenceSeconds", seconds);
                            a.put("ratio", seconds / bound);
                            a.put("calls", c.byOperation());
                            a.put("sesCalls", ses);
                            a.put("throttled", throttled);
                            a.put("applyToFirstCreate", BenchSetup.pcts(toCreate));
                            long endpoints = emu.endpoints().stream()
                                    .filter(e -> acc[1].equals(e.accountId()))
                                    .count();
                            a.put("endpoints", endpoints);
                            if (c.count("CreateMultiRegionEndpoint", "200") != n || endpoints != n) {
                                problems.add("account " + acc[0] + ": " + c.count("CreateMultiRegionEndpoint", "200")
                                        + " successful Creates and " + endpoints + " endpoints for " + n + " objects");
                            }
                            r.put("account" + acc[0], a);
                            Progress.log(
                                    "  account %s (%s, SES %d calls/s): all Ready after %.1f s, bound N/R + P = %.1f s,"
                                            + " ratio %.2f; %d SES calls (%s), %d answered 429; apply -> first Create p50 %.1f s",
                                    acc[0],
                                    acc[1],
                                    rate,
                                    seconds,
                                    bound,
                                    seconds / bound,
                                    ses,
                                    c.byOperation(),
                                    throttled,
                                    Stats.percentile(toCreate, 50));
                            Map<String, Object> row = Row.of(
                                    "accounts",
                                    n,
                                    (acc[0].equals("A") ? "throttled account A, SES " : "account B, SES ") + rate
                                            + " calls/s",
                                    commit);
                            row.put("bound_s", Row.round(bound, 1));
                            row.put("converge_s", Row.round(seconds, 1));
                            row.put("ratio", Row.round(seconds / bound, 3));
                            row.put("calls_per_endpoint", Row.round(ses / (double) n, 3));
                            row.put("share_429", Row.round(ses == 0 ? 0 : throttled / (double) ses, 4));
                            row.put("peak_rss_mib", Row.round(rd.hwmMiB(), 0));
                            rows.add(row);
                        }
                        r.put(
                                "operatorRateLimits",
                                op.metrics()
                                        .lines()
                                        .filter(l -> l.startsWith("ses_mre_ses_call_rate_limit"))
                                        .toList());
                    }
                }
            } finally {
                // cluster-scoped: a control plane that outlives the run must not keep them
                h.kubectl().run("delete", "roleselectors", "bench-team-a", "bench-team-b", "--ignore-not-found");
            }
        } catch (RuntimeException | Error e) {
            problems.add("run failed: " + e);
            throw e;
        } finally {
            r.put("problems", problems);
            r.put("rows", rows);
            BenchSetup.write(results, "accounts", r);
        }
        assertThat(problems).as("benchmark run problems").isEmpty();
    }

    static String roleSelector(String name, String roleArn, String namespace) {
        return "apiVersion: ses.mre.dev/v1alpha1\nkind: RoleSelector\nmetadata:\n  name: " + name + "\nspec:\n"
                + "  roleArn: " + roleArn + "\n  sessionDuration: 1h\n  namespaceSelector:\n    names: [" + namespace
                + "]\n";
    }
}
