package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Every example under examples/ applied with kubectl becomes Ready, with exactly one matching SES endpoint. */
@Order(3)
@DisplayName("A03 examples/ applied until Ready")
class A03ExamplesTest extends E2eTest {

    /** What an example declares, and what the emulator must therefore hold. */
    record Expected(
            String namespace,
            String name,
            String endpointName,
            String region,
            String secondary,
            Map<String, String> tags) {}

    static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> s = Files.list(repo().resolve("examples"))) {
            return s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    static List<Expected> examples() throws IOException {
        List<Expected> all = new ArrayList<>();
        for (Path f : exampleFiles()) {
            for (JsonNode doc : Json.yamlDocuments(f)) {
                if (!"MultiRegionEndpoint".equals(Json.text(doc, "kind"))) {
                    continue;
                }
                String ns = Json.text(doc, "metadata.namespace");
                String name = Json.text(doc, "metadata.name");
                JsonNode spec = doc.path("spec");
                String endpointName = spec.hasNonNull("endpointName")
                        ? spec.path("endpointName").asText()
                        : name;
                String region = spec.hasNonNull("region") ? spec.path("region").asText() : Mre.DEFAULT_REGION;
                String secondary = spec.path("details")
                        .path("routesDetails")
                        .path(0)
                        .path("region")
                        .asText(null);
                Map<String, String> tags = new LinkedHashMap<>();
                spec.path("tags")
                        .forEach(t ->
                                tags.put(t.path("key").asText(), t.path("value").asText()));
                all.add(new Expected(ns, name, endpointName, region, secondary, expectedTags(ns, name, tags)));
            }
        }
        return all;
    }

    @Test
    @Order(1)
    void kubectl_apply_every_example_namespace_first() {
        assertThat(repo().resolve("examples/00-namespace.yaml")).exists();
        kubectl().ok("apply", "-f", "examples/00-namespace.yaml");
        Cmd.Result r = kubectl().ok("apply", "-f", "examples/");
        assertThat(r.stdout()).contains("multiregionendpoint.ses.mre.dev/");
    }

    @Test
    @Order(2)
    void kubectl_wait_for_condition_Ready() throws IOException {
        List<String> namespaces =
                examples().stream().map(Expected::namespace).distinct().toList();
        assertThat(namespaces).contains("mail");
        long t0 = System.nanoTime();
        for (String ns : namespaces) {
            kubectl().ok("wait", "--for=condition=Ready", "mre", "--all", "-n", ns, "--timeout=120s");
        }
        Progress.timing(
                "examples applied -> all Ready (kubectl wait)", java.time.Duration.ofNanos(System.nanoTime() - t0));
        kubectl().ok("get", "mre", "-n", "mail");
    }

    @Test
    @Order(3)
    void the_emulator_holds_exactly_one_endpoint_per_object_as_declared() throws IOException {
        List<Expected> expected = examples();
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        List<Emulator.Endpoint> endpoints = emulator().endpoints();
        Progress.log("  emulator state: %s", endpoints);
        assertThat(endpoints)
                .as("one endpoint per example object, nothing else")
                .hasSize(expected.size());
        for (Expected e : expected) {
            List<Emulator.Endpoint> named = emulator().endpointsNamed(e.endpointName());
            assertThat(named).as("endpoints named %s", e.endpointName()).hasSize(1);
            Emulator.Endpoint ep = named.get(0);
            assertThat(ep.region()).as("primary region of %s", e.endpointName()).isEqualTo(e.region());
            assertThat(ep.regions()).as("regions of %s", e.endpointName()).containsExactly(e.region(), e.secondary());
            assertThat(ep.status()).isEqualTo("READY");
            assertThat(ep.accountId()).isEqualTo(Emulator.ACCOUNT_ID);
            assertThat(ep.tags()).as("tags of %s", e.endpointName()).isEqualTo(e.tags());
            assertThat(ep.tags()).containsEntry(Ownership.TAG, owner(e.namespace(), e.name()));

            // and the object reports it
            JsonNode m = mre(e.namespace(), e.name()).orElseThrow();
            assertThat(isReadyAtGeneration(m)).as(describeStatus(m)).isTrue();
            assertThat(Json.text(m, "status.endpointId")).isEqualTo(ep.endpointId());
            assertThat(Json.text(m, "status.endpointStatus")).isEqualTo("READY");
            assertThat(Json.text(m, "status.primaryRegion")).isEqualTo(e.region());
            assertThat(Json.text(m, "status.arn")).isEqualTo(ep.arn());
            assertThat(m.path("status").path("regions").toString())
                    .as("status.regions")
                    .contains("\"" + e.region() + "\"", "\"" + e.secondary() + "\"");
            assertThat(m.path("metadata").path("finalizers").toString()).contains(FINALIZER);
            for (String type : List.of("Reconciling", "Stalled")) {
                assertThat(condition(m, type)
                                .map(c -> c.path("status").asText())
                                .orElse("absent"))
                        .as("%s of %s", type, e.name())
                        .isEqualTo("False");
            }
        }
        List<Emulator.Call> log = emulator().calls();
        for (Expected e : expected) {
            assertThat(successfulCreates(log, e.endpointName()))
                    .as("creates of %s", e.endpointName())
                    .isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void no_drift_the_live_spec_is_the_file_spec_and_kubectl_diff_is_empty() throws IOException {
        // the operator writes status and its finalizer only: the live spec is exactly what Git holds
        for (Path f : exampleFiles()) {
            for (JsonNode doc : Json.yamlDocuments(f)) {
                if (!"MultiRegionEndpoint".equals(Json.text(doc, "kind"))) {
                    continue;
                }
                JsonNode live = mre(Json.text(doc, "metadata.namespace"), Json.text(doc, "metadata.name"))
                        .orElseThrow();
                assertThat(live.path("spec"))
                        .as("live spec of %s", f.getFileName())
                        .isEqualTo(doc.path("spec"));
            }
        }
        // applied client-side, so compared client-side (a server-side diff of a client-side-applied object always
        // shows kubectl's own last-applied annotation being rewritten; A5 covers server-side apply + diff)
        Cmd.Result diff = kubectl().run("diff", "-f", "examples/");
        assertThat(diff.exitCode())
                .as("kubectl diff -f examples/ exit code (0 = no drift)\n%s", diff.output())
                .isZero();
    }
}
