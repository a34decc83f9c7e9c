package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.MreStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code helm uninstall} removes the operator but keeps the CRD (Helm never deletes what a chart's crds/ installed)
 * and every MultiRegionEndpoint with its endpoint in SES; installing again takes them back without a new Create.
 * Then the full removal the chart README documents (objects deleted while the operator runs, Retain objects switched
 * to Delete first; then helm uninstall; then the CRD) leaves no endpoint in SES and nothing in the cluster.
 */
@Order(7)
@DisplayName("C07 helm uninstall keeps the CRD and the objects; the documented full removal leaves no endpoint")
class C07UninstallTest extends ClusterTest {

    private static Instant uninstalledAt;

    @Test
    @Order(1)
    void helm_uninstall_keeps_the_CRD_the_objects_and_their_endpoints() {
        for (String ns : List.of(ClusterEnv.NAMESPACE, ClusterEnv.EXAMPLES_NAMESPACE)) {
            MreStatus.awaitAllReady(kubectl(), ns, READY_TIMEOUT);
        }
        List<JsonNode> before = allObjects();
        List<Emulator.Endpoint> endpoints = emulator().endpoints();
        assertThat(before).isNotEmpty();
        uninstalledAt = Instant.now();
        helm().run("uninstall", ClusterEnv.RELEASE, "-n", ClusterEnv.SYSTEM_NAMESPACE, "--wait", "--timeout", "3m")
                .orThrow();
        Conditions.await(
                "no operator pod left",
                Duration.ofMinutes(2),
                () -> operatorPods().isEmpty(),
                ClusterTest::describePods);

        assertThat(kubectl().getJson("crd", Harness.CRD_NAME)).as("the CRD").isPresent();
        List<JsonNode> after = allObjects();
        assertThat(after)
                .extracting(o -> o.path("metadata").path("namespace").asText() + "/"
                        + o.path("metadata").path("name").asText())
                .containsExactlyInAnyOrderElementsOf(before.stream()
                        .map(o -> o.path("metadata").path("namespace").asText() + "/"
                                + o.path("metadata").path("name").asText())
                        .toList());
        assertThat(after)
                .allSatisfy(
                        o -> assertThat(o.path("metadata").path("finalizers").toString())
                                .contains("ses.mre.dev/finalizer"));
        assertThat(emulator().endpoints())
                .extracting(Emulator.Endpoint::endpointName)
                .containsExactlyInAnyOrderElementsOf(
                        endpoints.stream().map(Emulator.Endpoint::endpointName).toList());
    }

    @Test
    @Order(2)
    void installing_again_takes_the_objects_back_without_a_new_Create() {
        helmRelease("install", 1, env().upgradeTag().orElse(env().imageTag())).orThrow();
        awaitReadyPods(1, READY_TIMEOUT);
        awaitLeader(READY_TIMEOUT);
        for (String ns : List.of(ClusterEnv.NAMESPACE, ClusterEnv.EXAMPLES_NAMESPACE)) {
            MreStatus.awaitAllReady(kubectl(), ns, READY_TIMEOUT);
        }
        assertThat(callsSince(uninstalledAt).stream().filter(c -> c.is("CreateMultiRegionEndpoint", null)))
                .as("Create calls after the reinstall")
                .isEmpty();
    }

    @Test
    @Order(3)
    void the_documented_full_removal_leaves_no_endpoint_and_nothing_in_the_cluster() {
        // 1. objects that keep their endpoint (deletionPolicy: Retain) are switched to Delete
        for (JsonNode o : allObjects()) {
            if ("Retain".equals(o.path("spec").path("deletionPolicy").asText())) {
                kubectl()
                        .ok(
                                "patch",
                                "mre",
                                o.path("metadata").path("name").asText(),
                                "-n",
                                o.path("metadata").path("namespace").asText(),
                                "--type=merge",
                                "-p",
                                "{\"spec\":{\"deletionPolicy\":\"Delete\"}}");
            }
        }
        // 2. every object deleted while the operator runs: it deletes the endpoints, then releases the finalizers
        kubectl().ok("delete", "mre", "--all", "--all-namespaces", "--wait=true", "--timeout=5m");
        Conditions.await(
                "no MultiRegionEndpoint left",
                Duration.ofMinutes(3),
                () -> allObjects().isEmpty(),
                () -> allObjects().size() + " left");
        // 3. the release, then 4. the CRD
        helm().run("uninstall", ClusterEnv.RELEASE, "-n", ClusterEnv.SYSTEM_NAMESPACE, "--wait", "--timeout", "3m")
                .orThrow();
        kubectl().ok("delete", "crd", Harness.CRD_NAME, "--wait=true", "--timeout=2m");

        List<Emulator.Endpoint> left = new ArrayList<>(emulator().endpoints());
        assertThat(left).as("endpoints left in SES after the full removal").isEmpty();
        assertThat(kubectl().getJson("crd", Harness.CRD_NAME)).isEmpty();
        Conditions.await(
                "no operator pod left",
                Duration.ofMinutes(2),
                () -> operatorPods().isEmpty(),
                ClusterTest::describePods);
        assertThat(kubectl().quiet("get", "clusterrole", ClusterEnv.RELEASE).ok())
                .as("the chart's ClusterRole")
                .isFalse();
    }

    private static List<JsonNode> allObjects() {
        List<JsonNode> items = new ArrayList<>();
        kubectl().getJson(Harness.CRD_NAME, "-A").ifPresent(l -> l.path("items").forEach(items::add));
        return items;
    }
}
