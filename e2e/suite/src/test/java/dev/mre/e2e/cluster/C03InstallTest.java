package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.OperatorProcess;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install} as the README says, into a namespace that enforces the restricted Pod Security profile: the
 * pod is admitted and becomes Ready by its readiness probe without a restart; it is java as PID 1 as uid/gid 10001
 * on a read-only root filesystem with the chart's JVM flags; {@code /metrics} is scraped through the Service (the
 * API server's service proxy); the examples reach Ready, created by the pod (its access key) under its in-cluster
 * ServiceAccount. Before that, a value the restricted profile would refuse fails at {@code helm install}.
 */
@Order(3)
@DisplayName("C03 helm install into a restricted namespace: admitted, Ready by its probe, metrics, examples Ready")
class C03InstallTest extends ClusterTest {

    static Instant installedAt;

    @Test
    @Order(1)
    void a_value_the_restricted_profile_would_refuse_fails_at_helm_install() {
        // a privileged port: with every capability dropped and a non-root user the JVM could never bind it
        Cmd.Result r = helmRelease("install", 1, env().imageTag(), "operator.opsPort=80");
        assertThat(r.ok()).as("helm install with operator.opsPort=80").isFalse();
        assertThat(r.output()).contains("/operator/opsPort").contains("minimum");
        assertThat(helm().run("status", ClusterEnv.RELEASE, "-n", ClusterEnv.SYSTEM_NAMESPACE)
                        .ok())
                .as("nothing installed")
                .isFalse();
    }

    @Test
    @Order(2)
    void helm_install_into_a_restricted_namespace_gives_a_Ready_pod_that_never_restarted() {
        String ns = ClusterEnv.SYSTEM_NAMESPACE;
        if (kubectl().getJson("namespace", ns).isEmpty()) {
            kubectl().ok("create", "namespace", ns);
        }
        kubectl()
                .ok(
                        "label",
                        "namespace",
                        ns,
                        "--overwrite",
                        "pod-security.kubernetes.io/enforce=restricted",
                        "pod-security.kubernetes.io/enforce-version=latest");
        kubectl().quiet("delete", "secret", ClusterEnv.CREDENTIALS_SECRET, "-n", ns, "--ignore-not-found");
        kubectl()
                .ok(
                        "create",
                        "secret",
                        "generic",
                        ClusterEnv.CREDENTIALS_SECRET,
                        "-n",
                        ns,
                        "--from-literal=secret-access-key=" + ClusterEnv.POD_SECRET_KEY);
        installedAt = Instant.now();
        helmRelease("install", 1, env().imageTag()).orThrow();

        List<JsonNode> pods = awaitReadyPods(1, READY_TIMEOUT);
        JsonNode pod = pods.get(0);
        assertThat(restarts(pod)).as("restarts of %s", name(pod)).isZero();
        JsonNode container = pod.path("spec").path("containers").path(0);
        assertThat(container.path("image").asText()).endsWith(env().imageRepository() + ":" + env().imageTag());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/readyz");
        // Ready by the readiness probe: the kubelet reports the container ready
        assertThat(pod.path("status")
                        .path("containerStatuses")
                        .path(0)
                        .path("ready")
                        .asBoolean())
                .isTrue();
        assertThat(awaitLeader(READY_TIMEOUT).path("metadata").path("name").asText())
                .isEqualTo(name(pod));
    }

    @Test
    @Order(3)
    void the_container_is_java_as_PID_1_as_uid_10001_on_a_read_only_root_filesystem_with_the_charts_JVM_flags() {
        String pod = name(operatorPods().get(0));
        Cmd.Result cmdline = exec(pod, "cat", "/proc/1/cmdline");
        assumeTrue(
                cmdline.ok() || !cmdline.output().contains("executable file not found"),
                "the image has no cat (a distroless base): the process checks need one");
        List<String> argv = List.of(cmdline.orThrow().stdout().split("\0"));
        assertThat(argv.get(0)).as("PID 1").endsWith("java");
        assertThat(argv).contains("dev.mre.operator.Main");
        assertThat(exec(pod, "id", "-u").orThrow().stdout().trim()).isEqualTo("10001");
        assertThat(exec(pod, "id", "-g").orThrow().stdout().trim()).isEqualTo("10001");
        Cmd.Result write = exec(pod, "touch", "/app/written-at-runtime");
        assertThat(write.ok()).as("writing to the root filesystem").isFalse();
        assertThat(write.output()).contains("Read-only file system");
        assertThat(exec(pod, "touch", "/tmp/scratch").ok())
                .as("/tmp (the chart's emptyDir) is writable")
                .isTrue();

        // the chart's JAVA_TOOL_OPTIONS (-XX:MaxRAMPercentage=75) under its 512Mi limit: a heap of 3/4 of it; below
        // 1792 MiB the JVM picks the Serial GC (its pools are "Eden Space" and "Tenured Gen")
        String metrics = metrics();
        double heap = OperatorProcess.metricSum(metrics, "jvm_memory_max_bytes", "area=\"heap\"");
        assertThat(heap / (512.0 * 1024 * 1024)).as("max heap / memory limit").isBetween(0.70, 0.76);
        assertThat(metrics).contains("id=\"Tenured Gen\"");
    }

    @Test
    @Order(4)
    void metrics_are_scraped_through_the_Service() {
        String metrics = metrics();
        // the operator's own state and the JVM's; the SES series appear with the first scope an object uses (below)
        assertThat(metrics).contains("ses_mre_leader").contains("ses_mre_ready").contains("jvm_memory_used_bytes");
        String ready = kubectl().ok("get", "--raw", serviceProxy("/readyz")).stdout();
        assertThat(ready).isNotBlank();
    }

    @Test
    @Order(5)
    void the_examples_reach_Ready_created_by_the_pod_under_its_ServiceAccount() {
        Instant t0 = Instant.now();
        kubectl().ok("apply", "-f", "examples/");
        for (String name : List.of("global-mail", "transactional", "marketing")) {
            MreStatus.awaitReady(kubectl(), ClusterEnv.EXAMPLES_NAMESPACE, name, READY_TIMEOUT);
        }
        JsonNode pod = operatorPods().get(0);
        assertThat(metrics())
                .as("the call-rate ceiling of the examples' account and region, through the Service")
                .contains("ses_mre_ses_call_rate_limit");
        Map<String, List<Emulator.Call>> byKey = byAccessKey(callsSince(t0));
        assertThat(byKey.keySet())
                .as("access keys that called SES since the examples were applied")
                .containsExactly(ClusterEnv.podAccessKey(podIp(pod)));
        Set<String> created = callsSince(installedAt).stream()
                .filter(c -> c.is("CreateMultiRegionEndpoint", "200"))
                .map(Emulator.Call::endpointName)
                .collect(Collectors.toSet());
        assertThat(created).contains("global-mail", "transactional", "marketing-global");
        for (String endpoint : List.of("global-mail", "transactional", "marketing-global")) {
            assertThat(emulator().endpointsNamed(endpoint))
                    .as("endpoints named %s", endpoint)
                    .hasSize(1);
        }
        // no kubeconfig in the pod: the in-cluster ServiceAccount is what it authenticates with
        assertThat(pod.path("spec").path("containers").path(0).path("env").toString())
                .doesNotContain("KUBECONFIG");
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo(ClusterEnv.RELEASE);
    }

    static String serviceProxy(String path) {
        return "/api/v1/namespaces/" + ClusterEnv.SYSTEM_NAMESPACE + "/services/" + ClusterEnv.RELEASE + ":ops/proxy"
                + path;
    }

    /** {@code kubectl get --raw <the Service's /metrics through the API server's service proxy>}. */
    static String metrics() {
        return kubectl().ok("get", "--raw", serviceProxy("/metrics")).stdout();
    }

    static Cmd.Result exec(String pod, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("exec", pod, "-n", ClusterEnv.SYSTEM_NAMESPACE, "--"));
        args.addAll(List.of(command));
        return kubectl().run(args.toArray(String[]::new));
    }
}
