package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Helm;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the cluster suite's areas ({@code C<nn>...Test}, run in order on one shared {@link ClusterEnv}): the
 * operator runs as the chart's pods, driven with helm and kubectl only; these helpers say what the pods, the Lease
 * and SES's call log show.
 */
@ExtendWith(ClusterExtension.class)
public abstract class ClusterTest {

    protected static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    protected static final String SELECTOR = "app.kubernetes.io/instance=" + ClusterEnv.RELEASE;

    protected static ClusterEnv env() {
        return ClusterExtension.env();
    }

    protected static Harness harness() {
        return env().harness();
    }

    protected static Kubectl kubectl() {
        return harness().kubectl();
    }

    protected static Helm helm() {
        return harness().helm();
    }

    protected static Emulator emulator() {
        return env().emulator();
    }

    /**
     * {@code helm <install|upgrade> ses-mre-operator helm/ses-mre-operator -n ses-mre-cluster -f <the suite's values>
     * [--set ...] --wait}: the operator as pods, as a user installs it.
     */
    protected static Cmd.Result helmRelease(String verb, int replicas, String tag, String... sets) {
        List<String> args = new ArrayList<>(List.of(
                verb,
                ClusterEnv.RELEASE,
                Harness.CHART,
                "-n",
                ClusterEnv.SYSTEM_NAMESPACE,
                "-f",
                env().valuesFile(verb + "-" + replicas + "-" + tag, replicas, tag)
                        .toString()));
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        args.addAll(List.of("--wait", "--timeout", "5m"));
        return helm().run(args.toArray(String[]::new));
    }

    /** The release's pods that are not being deleted. */
    protected static List<JsonNode> operatorPods() {
        List<JsonNode> pods = new ArrayList<>();
        kubectl()
                .getJson("pods", "-n", ClusterEnv.SYSTEM_NAMESPACE, "-l", SELECTOR)
                .ifPresent(l -> l.path("items").forEach(p -> {
                    if (!p.path("metadata").has("deletionTimestamp")) {
                        pods.add(p);
                    }
                }));
        return pods;
    }

    protected static String name(JsonNode pod) {
        return pod.path("metadata").path("name").asText();
    }

    protected static String podIp(JsonNode pod) {
        return pod.path("status").path("podIP").asText();
    }

    protected static boolean podReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    protected static int restarts(JsonNode pod) {
        int n = 0;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            n += c.path("restartCount").asInt();
        }
        return n;
    }

    protected static String describePods() {
        return operatorPods().stream()
                .map(p -> name(p) + " " + p.path("status").path("phase").asText() + " ready="
                        + podReady(p) + " restarts=" + restarts(p) + " ip=" + podIp(p) + " image="
                        + p.path("spec")
                                .path("containers")
                                .path(0)
                                .path("image")
                                .asText())
                .collect(Collectors.joining("; "));
    }

    /** Waits until exactly {@code n} pods of the release run and are Ready (none being deleted); returns them. */
    protected static List<JsonNode> awaitReadyPods(int n, Duration timeout) {
        Conditions.await(
                n + " operator pod(s) Ready",
                timeout,
                Duration.ofSeconds(1),
                () -> {
                    List<JsonNode> pods = operatorPods();
                    return pods.size() == n && pods.stream().allMatch(ClusterTest::podReady);
                },
                ClusterTest::describePods);
        return operatorPods();
    }

    /** The Lease's holder (a pod name), if any. */
    protected static Optional<String> leaseHolder() {
        return kubectl()
                .getJson("lease", Harness.LEASE_NAME, "-n", ClusterEnv.SYSTEM_NAMESPACE)
                .map(l -> l.path("spec").path("holderIdentity").asText(null))
                .filter(s -> !s.isBlank());
    }

    /** Waits until the Lease is held by one of the release's running pods; returns that pod. */
    protected static JsonNode awaitLeader(Duration timeout) {
        Conditions.await(
                "the Lease " + Harness.LEASE_NAME + " held by a running operator pod",
                timeout,
                Duration.ofMillis(500),
                () -> leaseHolder()
                        .flatMap(h -> operatorPods().stream()
                                .filter(p -> name(p).equals(h))
                                .findFirst())
                        .isPresent(),
                () -> "holder " + leaseHolder().orElse("(none)") + "; pods " + describePods());
        String holder = leaseHolder().orElseThrow();
        return operatorPods().stream()
                .filter(p -> name(p).equals(holder))
                .findFirst()
                .orElseThrow();
    }

    /** The emulator's calls since {@code t} (oldest first). */
    protected static List<Emulator.Call> callsSince(Instant t) {
        return emulator().calls().stream().filter(c -> !c.instant().isBefore(t)).toList();
    }

    /** Calls grouped by the access key that signed them. */
    protected static Map<String, List<Emulator.Call>> byAccessKey(List<Emulator.Call> calls) {
        Map<String, List<Emulator.Call>> by = new LinkedHashMap<>();
        calls.forEach(
                c -> by.computeIfAbsent(c.accessKeyId(), k -> new ArrayList<>()).add(c));
        return by;
    }

    /** Applies the objects (one multi-document file); returns when kubectl has. */
    protected static void apply(List<Mre> objects, String fileName) {
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest(fileName, Mre.documents(objects)).toString());
    }

    protected static Path writeManifest(String fileName, String yaml) {
        try {
            Path dir = harness().work().resolve("manifests");
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(fileName), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static void awaitAllReady(List<Mre> objects) {
        for (Mre m : objects) {
            MreStatus.awaitReady(kubectl(), m.namespace(), m.name(), READY_TIMEOUT);
        }
    }

    /** Waits until one of the objects' endpoints is CREATING in SES: work is in flight. */
    protected static void awaitCreating(List<Mre> objects) {
        List<String> names = objects.stream().map(Mre::effectiveEndpointName).toList();
        Conditions.await(
                "an endpoint of " + names.get(0) + "... CREATING in SES",
                Duration.ofMinutes(2),
                Duration.ofMillis(100),
                () -> emulator().endpoints().stream()
                        .anyMatch(e -> names.contains(e.endpointName()) && "CREATING".equals(e.status())),
                () -> emulator().endpoints().toString());
    }

    /** Each object's endpoint exists exactly once in SES and was created by exactly one successful Create call. */
    protected static void assertOneEndpointAndOneCreateEach(List<Mre> objects) {
        List<Emulator.Call> log = emulator().calls();
        for (Mre m : objects) {
            String n = m.effectiveEndpointName();
            assertThat(emulator().endpointsNamed(n))
                    .as("endpoints named %s in SES", n)
                    .hasSize(1);
            assertThat(log.stream().filter(c -> c.is("CreateMultiRegionEndpoint", "200") && n.equals(c.endpointName())))
                    .as("successful CreateMultiRegionEndpoint calls for %s", n)
                    .hasSize(1);
        }
        Progress.log("  ✓ %d objects: one endpoint and one successful Create each", objects.size());
    }
}
