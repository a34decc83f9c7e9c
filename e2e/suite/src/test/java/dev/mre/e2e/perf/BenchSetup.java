package dev.mre.e2e.perf;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Emulator.Counters;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Machine;
import dev.mre.e2e.perf.support.Row;
import dev.mre.e2e.perf.support.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the benchmark programs share: names, the jars and commit measured, result files, SES call arithmetic. */
final class BenchSetup {

    static final String NAMESPACE = "bench";
    static final String CLUSTER_ID = "bench";
    static final String RELEASE = "ses-mre-operator-bench";
    static final String SYSTEM_NAMESPACE = "ses-mre-bench";
    /** STS operations the emulator counts too; they are not SES calls (no SES rate limit applies to them). */
    static final Set<String> STS_OPERATIONS = Row.STS_OPERATIONS;
    /** Outcomes that are no answer of SES's: throttling, 5xx and dropped connections. */
    static final Set<String> NOT_ANSWERED =
            Set.of("TooManyRequestsException", "InternalServiceErrorException", "ConnectionDropped", "ResponseDropped");

    private BenchSetup() {}

    /** The jar snapshot folder perf.mk fills for a results folder ({@code <variant>/jars}). */
    static Path jarsDir(Path results) {
        return results.getParent().resolve("jars");
    }

    static Path operatorJar(Path results) {
        return Machine.jar("bench.operatorJar", jarsDir(results).resolve("operator.jar"), Repo.operatorJar());
    }

    static Path emulatorJar(Path results) {
        return Machine.jar("bench.emulatorJar", jarsDir(results).resolve("emulator.jar"), Repo.emulatorJar());
    }

    /** The fields every result file starts with. */
    static Map<String, Object> header(String scenario, String variant, Path results) {
        Path repo = Repo.root();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("variant", variant);
        r.put("startedAt", Instant.now().toString());
        r.put("loadBefore", Machine.loadAverage());
        r.put("machine", Machine.describe(repo));
        r.put("operatorCommit", Machine.operatorCommit(jarsDir(results), repo));
        r.put("javaToolOptions", OperatorProcess.JAVA_TOOL_OPTIONS);
        Path jar = operatorJar(results);
        Path emu = emulatorJar(results);
        r.put("operatorJar", jar + " (" + Machine.jarIdentity(jar) + ")");
        r.put("emulatorJar", emu + " (" + Machine.jarIdentity(emu) + ")");
        return r;
    }

    /** Writes a result file ({@code <results>/<name>.json}). */
    static Path write(Path results, String name, Map<String, Object> r) throws IOException {
        Files.createDirectories(results);
        r.put("finishedAt", Instant.now().toString());
        r.put("loadAfter", Machine.loadAverage());
        Path out = results.resolve(name + ".json");
        Json.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), r);
        Progress.log("  result written to %s", out);
        return out;
    }

    /** SES calls (every attempt, STS excluded). */
    static long sesCalls(Counters c) {
        return c.total() - STS_OPERATIONS.stream().mapToLong(c::count).sum();
    }

    /** SES calls answered 429. */
    static long throttled(Counters c) {
        return c.outcome("TooManyRequestsException");
    }

    /** SES calls per operation (STS included, marked as such by name), per endpoint. */
    static Map<String, Double> perEndpoint(Counters c, int n) {
        Map<String, Double> m = new TreeMap<>();
        c.byOperation()
                .forEach((op, outcomes) -> m.put(
                        op,
                        outcomes.values().stream().mapToLong(Long::longValue).sum() / (double) n));
        return m;
    }

    /** Calls of a (merged) call log: operation -> outcome -> count, as the emulator's counters show them. */
    static Counters count(List<Emulator.Call> calls) {
        Map<String, Map<String, Long>> by = new TreeMap<>();
        for (Emulator.Call c : calls) {
            by.computeIfAbsent(c.operation(), k -> new TreeMap<>()).merge(c.outcome(), 1L, Long::sum);
        }
        return new Counters(calls.size(), by);
    }

    /**
     * Writes the objects as files of at most {@code chunk} documents ({@code <prefix>-<i>.yaml}) for
     * {@link #apply}: one kubectl per file, so a long apply shows progress and one slow request does not hold all.
     */
    static List<Path> manifests(Path dir, String prefix, List<Mre> objects, int chunk) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < objects.size(); i += chunk) {
            Path f = dir.resolve(String.format("%s-%03d.yaml", prefix, i / chunk));
            Files.writeString(f, Mre.documents(objects.subList(i, Math.min(objects.size(), i + chunk))));
            files.add(f);
        }
        return files;
    }

    /** {@code kubectl apply -f} of each file in turn (client-side apply, as a user would); seconds it took. */
    static double apply(Harness h, List<Path> files) {
        long t0 = System.nanoTime();
        for (Path f : files) {
            Cmd.Result r = h.kubectl().run(Duration.ofMinutes(15), "apply", "-f", f.toString());
            r.orThrow();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** p50, p99, max and count of a list of seconds. */
    static Map<String, Object> pcts(List<Double> v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.size());
        m.put("p50", Stats.percentile(v, 50));
        m.put("p99", Stats.percentile(v, 99));
        m.put("max", Stats.max(v));
        return m;
    }

    /** The emulator's flag for one account's limits: {@code --account <id>={"rateLimit":r,"burst":b}}. */
    static List<String> accountFlag(String account, int rate, int burst) {
        return List.of("--account", account + "={\"rateLimit\":" + rate + ",\"burst\":" + burst + "}");
    }

    /**
     * The stage every scenario starts from: the CRDs, the chart's RBAC for the operator (its ServiceAccount token is
     * what the operator runs as) and the scenario's namespaces; the control plane's origin goes into the result.
     */
    static Harness.OperatorIdentity stage(Harness h, Map<String, Object> r, String... namespaces) {
        r.put("controlPlane", h.controlPlane().origin().toString());
        h.applyCrds();
        Harness.OperatorIdentity id = h.installOperatorRbac(RELEASE, SYSTEM_NAMESPACE, "12h");
        for (String ns : namespaces) {
            h.namespace(ns);
        }
        return id;
    }

    /**
     * The emulator's flags every scenario shares (provisioning P, deletion 2 s, 16 threads, a fixed seed, an
     * endpoint quota), then a rate limit of the primary account when {@code rate} is positive, then {@code more}.
     */
    static List<String> emulatorFlags(Duration createDelay, int quota, int rate, List<String> more) {
        return emulatorFlags(createDelay, Duration.ofSeconds(2), quota, rate, more);
    }

    static List<String> emulatorFlags(
            Duration createDelay, Duration deleteDelay, int quota, int rate, List<String> more) {
        List<String> flags = new ArrayList<>(List.of(
                "--create-delay", Params.flag(createDelay),
                "--delete-delay", Params.flag(deleteDelay),
                "--threads", "16",
                "--seed", "1",
                "--quota", Integer.toString(quota)));
        if (rate > 0) {
            flags.addAll(List.of("--rate-limit", Integer.toString(rate), "--burst", Integer.toString(rate)));
        }
        flags.addAll(more);
        return flags;
    }
}
