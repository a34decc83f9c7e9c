package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A tag edited in an example and applied with kubectl reaches SES (TagResource/UntagResource), the object is
 * Ready again, and kubectl diff --server-side of the edited file shows no drift (what GitOps tools compare).
 * Applied server-side (kubectl apply --server-side, as Flux and Argo CD's server-side apply do): a server-side diff
 * of an object last applied client-side always shows kubectl's own last-applied annotation being rewritten.
 */
@Order(5)
@DisplayName("A05 tags follow kubectl apply, no drift")
class A05TagsTest extends E2eTest {

    static final String NS = "mail";
    static final String NAME = "global-mail";
    static final Path EXAMPLE = Path.of("examples", "global-mail.yaml");

    static Map<String, String> declaredTags(JsonNode doc) {
        Map<String, String> tags = new LinkedHashMap<>();
        doc.path("spec")
                .path("tags")
                .forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        return tags;
    }

    static String endpointName(JsonNode doc) {
        return doc.path("spec")
                .path("endpointName")
                .asText(doc.path("metadata").path("name").asText());
    }

    /** The example with tags edited as a user would: team changed, cost-center removed, env added. */
    static Path editedExample(JsonNode original) throws Exception {
        ObjectNode doc = original.deepCopy();
        ArrayNode tags = Json.JSON.createArrayNode();
        tags.addObject().put("key", "team").put("value", "platform");
        tags.addObject().put("key", "env").put("value", "prod");
        ((ObjectNode) doc.path("spec")).set("tags", tags);
        return writeManifest(
                "global-mail-retagged.yaml",
                "# examples/global-mail.yaml with its tags edited by the e2e suite\n"
                        + Json.YAML.writeValueAsString(doc));
    }

    @Test
    @Order(1)
    void a_tag_change_reaches_SES_and_leaves_no_drift() throws Exception {
        JsonNode original = Json.yamlDocuments(repo().resolve(EXAMPLE)).get(0);
        assertThat(Json.text(original, "metadata.name")).isEqualTo(NAME);
        String endpoint = endpointName(original);
        long createsBefore = successfulCreates(emulator().calls(), endpoint);
        Path edited = editedExample(original);
        Progress.log("  edited example:\n%s", Files.readString(edited));

        long t0 = System.nanoTime();
        kubectl().ok("apply", "--server-side", "-f", edited.toString());
        Map<String, String> want = expectedTags(NS, NAME, Map.of("team", "platform", "env", "prod"));
        await(
                "the emulator's tags of " + endpoint + " follow the edit",
                Duration.ofSeconds(60),
                () -> emulator().endpointsNamed(endpoint).stream()
                        .anyMatch(e -> e.tags().equals(want)),
                () -> emulator().endpointsNamed(endpoint).toString());
        JsonNode ready = awaitReady(NS, NAME, Duration.ofSeconds(60));
        Progress.timing("tag edit applied -> SES tags updated and Ready", Duration.ofNanos(System.nanoTime() - t0));
        assertThat(ready.path("metadata").path("generation").asLong()).isGreaterThan(1);

        List<Emulator.Call> log = emulator().calls();
        assertThat(log).anyMatch(c -> "TagResource".equals(c.operation()) && "200".equals(c.outcome()));
        assertThat(log).anyMatch(c -> "UntagResource".equals(c.operation()) && "200".equals(c.outcome()));
        assertThat(successfulCreates(log, endpoint))
                .as("no new endpoint for a tag change")
                .isEqualTo(createsBefore);

        assertThat(ready.path("spec"))
                .as("live spec = the edited file's spec")
                .isEqualTo(Json.yamlDocuments(edited).get(0).path("spec"));
        Cmd.Result diff = kubectl().run("diff", "--server-side", "-f", edited.toString());
        assertThat(diff.exitCode())
                .as("kubectl diff --server-side exit code (0 = no drift)\n%s", diff.output())
                .isZero();
    }

    @Test
    @Order(2)
    void applying_the_example_again_restores_its_tags_and_no_drift() throws Exception {
        JsonNode original = Json.yamlDocuments(repo().resolve(EXAMPLE)).get(0);
        String endpoint = endpointName(original);
        kubectl().ok("apply", "--server-side", "-f", EXAMPLE.toString());
        Map<String, String> want = expectedTags(NS, NAME, declaredTags(original));
        await(
                "the emulator's tags of " + endpoint + " are the example's again",
                Duration.ofSeconds(60),
                () -> emulator().endpointsNamed(endpoint).stream()
                        .anyMatch(e -> e.tags().equals(want)),
                () -> emulator().endpointsNamed(endpoint).toString());
        JsonNode ready = awaitReady(NS, NAME, Duration.ofSeconds(60));
        assertThat(ready.path("spec")).as("live spec = the example's spec").isEqualTo(original.path("spec"));
        Cmd.Result diff = kubectl().run("diff", "--server-side", "-f", EXAMPLE.toString());
        assertThat(diff.exitCode())
                .as("kubectl diff --server-side exit code (0 = no drift)\n%s", diff.output())
                .isZero();
    }
}
