package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.perf.support.GeneratedDoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Memory of the operator as the chart runs it (item 5 of issue 9): {@code helm install} with the chart's default
 * resources (256Mi request, 512Mi limit) and JVM flags, N objects (default 1,000) applied at once against SES
 * limited to 10 calls/s, until all are Ready, then a quiet minute. Samples every 2 s the container's working set as
 * the kubelet reports it ({@code /stats/summary}, what eviction and {@code kubectl top} use) and, on the local node,
 * the container's memory cgroup (peak usage, how often the limit was hit, CPU throttling). Writes the figures into
 * docs/benchmarks.md between markers of its own. Named so that surefire's default includes never pick it up;
 * {@code make cluster-bench} runs it.
 */
@Tag("bench")
@DisplayName("cluster memory: N objects through the chart's pod under its default limit")
class ClusterMemoryRun extends ClusterTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void memory_of_the_pod_with_n_objects() throws Exception {
        int n = Params.integer("cluster.bench.objects", 1000);
        Path doc = Path.of(Params.str(
                "cluster.bench.doc", harness().work().resolve("benchmarks.md").toString()));
        String ns = harness().namespace("cluster-bench");
        emulator().settings(Map.of("quota", n + 100, "rateLimit", 10, "burst", 10, "createDelay", "3s"));

        kubectl().quiet("create", "namespace", ClusterEnv.SYSTEM_NAMESPACE);
        kubectl()
                .ok(
                        "label",
                        "namespace",
                        ClusterEnv.SYSTEM_NAMESPACE,
                        "--overwrite",
                        "pod-security.kubernetes.io/enforce=restricted");
        kubectl()
                .quiet(
                        "create",
                        "secret",
                        "generic",
                        ClusterEnv.CREDENTIALS_SECRET,
                        "-n",
                        ClusterEnv.SYSTEM_NAMESPACE,
                        "--from-literal=secret-access-key=" + ClusterEnv.POD_SECRET_KEY);
        // the chart's defaults for resources and JVM flags: the values file sets neither
        helmRelease("install", 1, env().imageTag()).orThrow();
        JsonNode pod = awaitReadyPods(1, READY_TIMEOUT).get(0);
        awaitLeader(READY_TIMEOUT);
        JsonNode resources = pod.path("spec").path("containers").path(0).path("resources");
        String javaOptions = pod.path("spec").path("containers").path(0).path("env").findValuesAsText("value").stream()
                .filter(v -> v.contains("MaxRAMPercentage"))
                .findFirst()
                .orElse("?");

        Sampler sampler = new Sampler(name(pod));
        ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor();
        every.scheduleAtFixedRate(sampler::sample, 0, 2, TimeUnit.SECONDS);
        Instant applied;
        Duration allReady;
        try {
            List<Mre> objects = Mre.numbered(ns, "mem", n);
            applied = Instant.now();
            apply(objects, "cluster-bench.yaml");
            AtomicLong ready = new AtomicLong();
            Conditions.await(
                    n + " objects Ready",
                    Duration.ofSeconds(60 + n),
                    Duration.ofSeconds(2),
                    () -> {
                        ready.set(readyCount(ns));
                        return ready.get() == n;
                    },
                    () -> ready.get() + " of " + n + " Ready");
            allReady = Duration.between(applied, Instant.now());
            Progress.timing(n + " objects Ready through the pod", allReady);
            Pacing.pause(Duration.ofSeconds(60), "memory after the last object is Ready: one quiet minute");
        } finally {
            every.shutdownNow();
        }
        JsonNode after = kubectl()
                .getJson("pod", name(pod), "-n", ClusterEnv.SYSTEM_NAMESPACE)
                .orElseThrow();
        JsonNode lastState =
                after.path("status").path("containerStatuses").path(0).path("lastState");
        int restarts = restarts(after);
        String heapMax = String.format(
                "%.0f",
                OperatorProcess.metricSum(C03InstallTest.metrics(), "jvm_memory_max_bytes", "area=\"heap\"") / MIB);

        StringBuilder body = new StringBuilder();
        body.append("## The chart's pod with ")
                .append(n)
                .append(" objects (one-node cluster, ")
                .append(LocalDate.now())
                .append(", operator commit `")
                .append(commit())
                .append("`)\n\n");
        body.append(
                        "Setup: `make cluster-bench` (`ClusterMemoryRun`): `helm install` of the chart into the one-node cluster ")
                .append("of e2e/testenv with its default resources (requests ")
                .append(resources.path("requests").toString().replace("\"", ""))
                .append(", limits ")
                .append(resources.path("limits").toString().replace("\"", ""))
                .append(") and JVM flags (`JAVA_TOOL_OPTIONS=")
                .append(javaOptions)
                .append("`, max heap ")
                .append(heapMax)
                .append(" MiB from `/metrics`), image `")
                .append(env().imageRepository())
                .append(':')
                .append(env().imageTag())
                .append("` (built by `make image IMAGE_BASE=debian`), one replica; SES emulator ")
                .append("limited to 10 calls/s (burst 10), provisioning 3 s; ")
                .append(n)
                .append(" objects applied at once ")
                .append(
                        "(`kubectl apply -f`, one file), Ready polled every 2 s; then one quiet minute. Memory sampled every ")
                .append("2 s: the container's working set from the kubelet's `/stats/summary` (what eviction and ")
                .append("`kubectl top` use: usage minus inactive file pages)")
                .append(env().local() ? " and the container's memory cgroup (v1) on the node." : ".")
                .append("\n\n");
        body.append("| figure | value |\n|---|---|\n");
        body.append("| all ")
                .append(n)
                .append(" Ready after | ")
                .append(allReady.toSeconds())
                .append(" s |\n");
        body.append("| peak working set (kubelet, 2 s samples) | ")
                .append(sampler.peakWorkingSet / MIB)
                .append(" MiB of the ")
                .append("512 MiB limit (")
                .append(sampler.samples)
                .append(" samples) |\n");
        body.append("| working set after the quiet minute | ")
                .append(sampler.lastWorkingSet / MIB)
                .append(" MiB |\n");
        if (sampler.peakRss > 0) { // containerd 1.6's CRI stats carry no RSS
            body.append("| peak RSS (kubelet) | ").append(sampler.peakRss / MIB).append(" MiB |\n");
        }
        if (env().local()) {
            body.append("| peak cgroup usage (`memory.max_usage_in_bytes`, includes page cache) | ")
                    .append(sampler.cgroupMaxUsage / MIB)
                    .append(" MiB |\n");
            body.append("| times the cgroup hit its limit (`memory.failcnt`) | ")
                    .append(sampler.failcnt)
                    .append(" |\n");
            body.append("| CPU throttled periods (`cpu.stat nr_throttled`; the chart sets no CPU limit) | ")
                    .append(sampler.throttled)
                    .append(" |\n");
        }
        body.append("| OOM kills / restarts of the container | ")
                .append(restarts)
                .append(
                        restarts == 0
                                ? ""
                                : " (last: "
                                        + lastState
                                                .path("terminated")
                                                .path("reason")
                                                .asText() + ")")
                .append(" |\n\n");
        body.append(
                        "The process-mode sections (`bench N=...`) measure the JVM alone (the jar's VmHWM, with the same heap ")
                .append(
                        "size and GC, on the operator build their heading names); this is the container as the kubelet ")
                .append("accounts for it, with the operator of this build.\n");
        GeneratedDoc.writeSection(doc, "cluster memory N=" + n, body.toString(), "# Benchmarks\n");
        Progress.log("  written: %s (section \"cluster memory N=%d\")%n%s", doc, n, body);
        assertThat(restarts)
                .as("the container was never restarted (OOM-killed)")
                .isZero();
    }

    private static String commit() {
        Cmd.Result r = Cmd.of("git", "rev-parse", "--short", "HEAD")
                .dir(harness().repo())
                .run();
        return r.ok() ? r.stdout().trim() : "unknown";
    }

    private static long readyCount(String ns) {
        return kubectl()
                .getJson("mre", "-n", ns)
                .map(l -> {
                    long c = 0;
                    for (JsonNode m : l.path("items")) {
                        if (dev.mre.e2e.harness.MreStatus.isReadyAtGeneration(m)) {
                            c++;
                        }
                    }
                    return c;
                })
                .orElse(0L);
    }

    /** The container's memory as the kubelet and (local node) its cgroup report it; highest values kept. */
    private static final class Sampler {
        final String pod;
        volatile long peakWorkingSet;
        volatile long lastWorkingSet;
        volatile long peakRss;
        volatile long cgroupMaxUsage;
        volatile long failcnt;
        volatile long throttled;
        volatile int samples;

        Sampler(String pod) {
            this.pod = pod;
        }

        void sample() {
            try {
                String node = kubectl()
                        .ok("get", "pod", pod, "-n", ClusterEnv.SYSTEM_NAMESPACE, "-o", "jsonpath={.spec.nodeName}")
                        .stdout()
                        .trim();
                Cmd.Result r = kubectl().quiet("get", "--raw", "/api/v1/nodes/" + node + "/proxy/stats/summary");
                if (r.ok()) {
                    for (JsonNode p : Json.parse(r.stdout()).path("pods")) {
                        if (!pod.equals(p.path("podRef").path("name").asText())) {
                            continue;
                        }
                        for (JsonNode c : p.path("containers")) {
                            long ws = c.path("memory").path("workingSetBytes").asLong();
                            lastWorkingSet = ws;
                            peakWorkingSet = Math.max(peakWorkingSet, ws);
                            peakRss = Math.max(
                                    peakRss, c.path("memory").path("rssBytes").asLong());
                            samples++;
                        }
                    }
                }
                if (env().local()) {
                    String id = kubectl()
                            .ok(
                                    "get",
                                    "pod",
                                    pod,
                                    "-n",
                                    ClusterEnv.SYSTEM_NAMESPACE,
                                    "-o",
                                    "jsonpath={.status.containerStatuses[0].containerID}")
                            .stdout()
                            .trim()
                            .replaceFirst("^containerd://", "");
                    Optional<Path> mem = C06CrashTest.memoryCgroupOf(id);
                    if (mem.isPresent()) {
                        cgroupMaxUsage =
                                Math.max(cgroupMaxUsage, number(mem.get().resolve("memory.max_usage_in_bytes")));
                        failcnt = Math.max(failcnt, number(mem.get().resolve("memory.failcnt")));
                        Path cpu =
                                Path.of(mem.get().toString().replace("/sys/fs/cgroup/memory/", "/sys/fs/cgroup/cpu/"));
                        for (String line : Files.readAllLines(cpu.resolve("cpu.stat"))) {
                            if (line.startsWith("nr_throttled ")) {
                                throttled = Math.max(
                                        throttled,
                                        Long.parseLong(line.substring(13).trim()));
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                Progress.log("  memory sample failed (continuing): %s", e);
            }
        }

        private static long number(Path f) throws IOException {
            return Long.parseLong(Files.readString(f).trim());
        }
    }
}
