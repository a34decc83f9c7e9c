package dev.mre.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.gitops.support.ArgoCd;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.MreStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Changes committed to Git: a tag change reaches SES through ArgoCD's sync; a change of an immutable field fails the
 * sync with the CRD's own message and changes nothing in SES; reverting it brings the Application back.
 */
@Order(3)
@DisplayName("G03 changes committed to Git: tags reach SES, an immutable field fails the sync and SES is untouched")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G03GitChangesTest extends GitOpsTest {

    @Test
    @Order(1)
    @DisplayName("a tag change committed to Git is synced and reaches SES")
    void tagChangeReachesSes() throws Exception {
        requireOperator();
        String file = "examples/global-mail.yaml";
        String before = git().read(file);
        assertThat(before).contains("value: \"1234\"");
        git().write(
                        file,
                        before.replace("value: \"1234\"", "value: \"5678\"")
                                .replace(
                                        "  deletionPolicy: Delete",
                                        "    - key: env\n      value: gitops\n  deletionPolicy: Delete"));
        String revision = git().commitAndPush("global-mail: cost-center 5678, tag env=gitops");

        awaitApp(
                EXAMPLES_APP,
                "synced to " + revision.substring(0, 12),
                SYNC_TIMEOUT,
                a -> ArgoCd.operationRevision(a).equals(revision)
                        && ArgoCd.operationPhase(a).equals("Succeeded"));
        awaitMre(
                EXAMPLES_NAMESPACE,
                "global-mail",
                "Ready at the new generation",
                SYNC_TIMEOUT,
                m -> MreStatus.isReadyAtGeneration(m)
                        && m.path("metadata").path("generation").asLong() > 1);
        Map<String, String> declared = new LinkedHashMap<>();
        declared.put("team", "mail");
        declared.put("cost-center", "5678");
        declared.put("env", "gitops");
        Map<String, String> expected = expectedTags(EXAMPLES_NAMESPACE, "global-mail", declared);
        await(
                "SES has global-mail's new tags " + expected,
                SYNC_TIMEOUT,
                () -> sesEndpoint("us-east-1", "global-mail")
                        .map(Emulator.Endpoint::tags)
                        .map(expected::equals)
                        .orElse(false),
                () -> String.valueOf(sesEndpoint("us-east-1", "global-mail")));
        awaitSyncedAndHealthy(EXAMPLES_APP, revision, SYNC_TIMEOUT);
    }

    @Test
    @Order(2)
    @DisplayName(
            "an immutable field changed in Git fails the sync with the CRD's message; SES is untouched; a revert heals")
    void immutableFieldFailsTheSync() throws Exception {
        requireOperator();
        String file = "examples/minimal.yaml";
        String before = git().read(file);
        assertThat(before).contains("- region: eu-central-1");
        Emulator.Endpoint endpoint = sesEndpoint("us-east-1", "transactional").orElseThrow();
        List<Emulator.Call> callsBefore = mutatingCalls("transactional");
        long generation = mre(EXAMPLES_NAMESPACE, "transactional")
                .orElseThrow()
                .path("metadata")
                .path("generation")
                .asLong();
        String crdMessage = immutableDetailsMessage();

        git().write(file, before.replace("- region: eu-central-1", "- region: eu-west-2"));
        String revision = git().commitAndPush("transactional: secondary region eu-west-2 (an immutable field)");
        try {
            assertSyncFailsAndSesIsUntouched(revision, endpoint, callsBefore, generation, crdMessage);
        } finally {
            // whatever happened, the later areas need Git and the cluster to agree again
            String revert = git().revertHeadAndPush();
            awaitSyncedAndHealthy(EXAMPLES_APP, revert, SYNC_TIMEOUT);
        }
        assertThat(mutatingCalls("transactional"))
                .as("still no call changed SES")
                .isEqualTo(callsBefore);
    }

    private static void assertSyncFailsAndSesIsUntouched(
            String revision,
            Emulator.Endpoint endpoint,
            List<Emulator.Call> callsBefore,
            long generation,
            String crdMessage) {
        // the automated sync and its retries (the Application allows two) all fail
        JsonNode app = awaitApp(
                EXAMPLES_APP,
                "the sync of " + revision.substring(0, 12) + " failed",
                SYNC_TIMEOUT.multipliedBy(2),
                a -> ArgoCd.operationRevision(a).equals(revision)
                        && List.of("Failed", "Error").contains(ArgoCd.operationPhase(a)));
        JsonNode result = ArgoCd.syncResult(app, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, "transactional")
                .orElseThrow(() -> new AssertionError("no sync result for transactional: " + ArgoCd.describe(app)));
        assertThat(result.path("status").asText()).as("result %s", result).isEqualTo("SyncFailed");
        assertThat(result.path("message").asText())
                .as("the API server's refusal, with the CRD's message")
                .contains(crdMessage);
        assertThat(ArgoCd.operationMessage(app)).contains(crdMessage);

        JsonNode after = awaitApp(
                EXAMPLES_APP,
                "OutOfSync (Git and the cluster differ), still Healthy",
                SYNC_TIMEOUT,
                a -> ArgoCd.syncStatus(a).equals("OutOfSync")
                        && ArgoCd.healthStatus(a).equals("Healthy"));
        assertThat(ArgoCd.resource(after, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, "transactional")
                        .orElseThrow()
                        .path("status")
                        .asText())
                .isEqualTo("OutOfSync");
        JsonNode live = mre(EXAMPLES_NAMESPACE, "transactional").orElseThrow();
        assertThat(live.path("metadata").path("generation").asLong())
                .as("the object was not changed")
                .isEqualTo(generation);
        assertThat(live.path("spec")
                        .path("details")
                        .path("routesDetails")
                        .get(0)
                        .path("region")
                        .asText())
                .isEqualTo("eu-central-1");
        assertThat(sesEndpoint("us-east-1", "transactional"))
                .as("SES unchanged")
                .contains(endpoint);
        assertThat(mutatingCalls("transactional")).as("no call changed SES").isEqualTo(callsBefore);
        assertThat(emulator().endpointsNamed("transactional")).hasSize(1);
    }

    /** The message of the CRD's rule that keeps spec.details immutable, read from the CRD the chart installed. */
    static String immutableDetailsMessage() {
        Path crd = harness().repo().resolve("crds/multiregionendpoints.ses.mre.dev-v1.yml");
        List<String> messages = Json.yamlDocuments(crd).get(0).findValues("message").stream()
                .map(JsonNode::asText)
                .filter(m -> m.startsWith("spec.details is immutable"))
                .toList();
        assertThat(messages).as("the CRD's immutability rule for spec.details").hasSize(1);
        return messages.get(0);
    }
}
