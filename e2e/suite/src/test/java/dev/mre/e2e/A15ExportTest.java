package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.GarbageCollector;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Pacing;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * spec.export on the real control plane (the suite's operator has SES_MRE_ALLOW_EXPORT=true and the chart's RBAC with
 * operator.export.enabled=true): the ConfigMap appears with what SES reported, owned by the object; Kubernetes'
 * garbage collector (kube-controller-manager with only its garbagecollector controller, started here: the suite's
 * control plane is etcd + kube-apiserver) deletes it with the object; a ConfigMap of that name the operator did not
 * create is left exactly as it was, the object Stalled/ExportConflict with Ready still True.
 */
@Order(15)
@DisplayName("A15 export of the endpoint into a ConfigMap")
class A15ExportTest extends E2eTest {

    static final String NS = "mail";

    @Test
    @Order(1)
    void exported_configMap_has_SES_values_is_garbage_collected_and_a_foreign_one_is_left_alone() throws Exception {
        GarbageCollector gc = harness()
                .register(GarbageCollector.start(
                        harness().controlPlane(), harness().logs().resolve("kube-controller-manager-gc.log")));
        kubectl().ok("-n", NS, "delete", "configmap", "a15-endpoint", "a15-foreign", "--ignore-not-found");
        kubectl()
                .ok(
                        "-n",
                        NS,
                        "create",
                        "configmap",
                        "a15-foreign",
                        "--from-literal=SES_ENDPOINT_ID=hand-written",
                        "--from-literal=OTHER=kept");
        kubectl().ok("apply", "-f", manifest("e2e-export", "a15-endpoint").toString());
        kubectl()
                .ok("apply", "-f", manifest("e2e-export-foreign", "a15-foreign").toString());
        try {
            JsonNode mre = awaitReady(NS, "e2e-export", Duration.ofSeconds(60));
            JsonNode status = mre.path("status");
            await(
                    "ConfigMap a15-endpoint written by the operator",
                    Duration.ofSeconds(60),
                    () -> configMap("a15-endpoint").isPresent(),
                    () -> mre(NS, "e2e-export")
                            .map(m -> m.path("status").toString())
                            .orElse("(no object)"));
            JsonNode cm = configMap("a15-endpoint").orElseThrow();
            assertThat(data(cm))
                    .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                            "SES_ENDPOINT_ARN", status.path("arn").asText(),
                            "SES_ENDPOINT_ID", status.path("endpointId").asText(),
                            "SES_ENDPOINT_NAME", "e2e-export",
                            "SES_PRIMARY_REGION", "us-east-1",
                            "SES_SECONDARY_REGION", "eu-west-1")));
            assertThat(status.path("endpointId").asText()).isNotBlank();
            // the values are SES's: the emulator's endpoint of that name has this id
            assertThat(emulator().state().toString())
                    .contains(status.path("endpointId").asText());
            JsonNode owner = cm.path("metadata").path("ownerReferences").get(0);
            assertThat(cm.path("metadata").path("ownerReferences").size()).isEqualTo(1);
            assertThat(owner.path("uid").asText())
                    .isEqualTo(mre.path("metadata").path("uid").asText());
            assertThat(owner.path("controller").asBoolean()).isTrue();
            assertThat(owner.path("kind").asText()).isEqualTo("MultiRegionEndpoint");
            assertThat(cm.path("metadata")
                            .path("labels")
                            .path("ses.mre.dev/exported-by")
                            .asText())
                    .isEqualTo("ses-mre-operator");

            awaitReady(NS, "e2e-export-foreign", Duration.ofSeconds(60));
            await(
                    "Stalled/ExportConflict on e2e-export-foreign",
                    Duration.ofSeconds(60),
                    () -> stalledReason("e2e-export-foreign").equals("ExportConflict"),
                    () -> mre(NS, "e2e-export-foreign")
                            .map(m -> m.path("status").toString())
                            .orElse("(no object)"));
            JsonNode stalled = condition(mre(NS, "e2e-export-foreign").orElseThrow(), "Stalled")
                    .orElseThrow();
            assertThat(Json.text(stalled, "status")).isEqualTo("True");
            assertThat(Json.text(stalled, "message"))
                    .contains("ConfigMap a15-foreign")
                    .contains("never overwrites a ConfigMap it did not create");
            assertThat(condition(mre(NS, "e2e-export-foreign").orElseThrow(), "Ready")
                            .map(c -> Json.text(c, "status")))
                    .as("the endpoint itself is READY and managed")
                    .contains("True");
            JsonNode foreign = configMap("a15-foreign").orElseThrow();
            assertThat(data(foreign))
                    .containsExactlyEntriesOf(
                            new TreeMap<>(Map.of("OTHER", "kept", "SES_ENDPOINT_ID", "hand-written")));
            assertThat(foreign.path("metadata").has("ownerReferences")).isFalse();

            // deleting the object: the operator deletes the endpoint, then the garbage collector the ConfigMap
            kubectl().ok("delete", "mre", "e2e-export", "-n", NS, "--wait=false");
            awaitGone(NS, "e2e-export", Duration.ofSeconds(60));
            await(
                    "ConfigMap a15-endpoint deleted by the garbage collector",
                    Duration.ofSeconds(90),
                    () -> configMap("a15-endpoint").isEmpty(),
                    () -> "gc alive: " + gc.isAlive() + "\n" + gc.logTail());
            kubectl().ok("delete", "mre", "e2e-export-foreign", "-n", NS, "--wait=false");
            awaitGone(NS, "e2e-export-foreign", Duration.ofSeconds(60));
            // the collector had its chance with the other one: the foreign ConfigMap, owned by nobody, stays
            Pacing.pause(Duration.ofSeconds(3), "a window for the garbage collector to (wrongly) take the foreign one");
            assertThat(configMap("a15-foreign").map(A15ExportTest::data))
                    .contains(new TreeMap<>(Map.of("OTHER", "kept", "SES_ENDPOINT_ID", "hand-written")));
        } finally {
            kubectl().run("delete", "mre", "e2e-export", "e2e-export-foreign", "-n", NS, "--ignore-not-found");
            kubectl().run("-n", NS, "delete", "configmap", "a15-foreign", "--ignore-not-found");
        }
        assertOperatorAlive();
    }

    static java.nio.file.Path manifest(String name, String configMap) {
        return writeManifest("a15-" + name + ".yaml", """
                apiVersion: ses.mre.dev/v1alpha1
                kind: MultiRegionEndpoint
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  region: us-east-1
                  details:
                    routesDetails:
                      - region: eu-west-1
                  export:
                    configMapName: %s
                """.formatted(name, NS, configMap));
    }

    static String stalledReason(String name) {
        return mre(NS, name)
                .flatMap(m -> condition(m, "Stalled"))
                .filter(c -> "True".equals(Json.text(c, "status")))
                .map(c -> Json.text(c, "reason"))
                .orElse("");
    }

    static Optional<JsonNode> configMap(String name) {
        Cmd.Result r = kubectl().run("-n", NS, "get", "configmap", name, "-o", "json", "--ignore-not-found");
        String out = r.stdout().trim();
        return out.isEmpty() ? Optional.empty() : Optional.of(Json.parse(out));
    }

    static TreeMap<String, String> data(JsonNode cm) {
        TreeMap<String, String> d = new TreeMap<>();
        cm.path("data")
                .fields()
                .forEachRemaining(e -> d.put(e.getKey(), e.getValue().asText()));
        return d;
    }
}
