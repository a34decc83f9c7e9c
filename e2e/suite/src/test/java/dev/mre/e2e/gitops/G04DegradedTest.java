package dev.mre.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.gitops.support.ArgoCd;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.MreStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Objects the operator reports as Stalled show as Degraded in ArgoCD, with the Stalled condition's message: a name
 * owned by another object, and an endpoint SES reports FAILED. Removing them from Git heals the Application.
 */
@Order(4)
@DisplayName("G04 Stalled objects show Degraded with the condition's message (name owned by another object, FAILED)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G04DegradedTest extends GitOpsTest {

    static final String CONFLICT = "gitops-conflict";
    static final String FAILED = "gitops-failed";
    static final String CONFLICT_FILE = "examples/" + CONFLICT + ".yaml";
    static final String FAILED_FILE = "examples/" + FAILED + ".yaml";

    @Test
    @Order(1)
    @DisplayName(
            "a name owned by another object and an endpoint SES reports FAILED: Degraded with each Stalled message")
    void stalledObjectsAreDegraded() throws Exception {
        requireOperator();
        // the emulator's switch for "SES ends this endpoint FAILED", by name
        emulator().settings(Map.of("failProvisioningNames", "^" + FAILED + "$"));
        Emulator.Endpoint globalMail = sesEndpoint("us-east-1", "global-mail").orElseThrow();
        // names an endpoint that examples/global-mail.yaml already owns (same name, same region)
        git().write(
                        CONFLICT_FILE,
                        Mre.of(EXAMPLES_NAMESPACE, CONFLICT)
                                .endpointName("global-mail")
                                .region("us-east-1")
                                .yaml());
        git().write(FAILED_FILE, Mre.of(EXAMPLES_NAMESPACE, FAILED).yaml());
        String revision = git().commitAndPush("two objects the operator reports Stalled");

        Map<String, String> reasons = Map.of(CONFLICT, "EndpointNameConflict", FAILED, "ProvisioningFailed");
        Map<String, String> stalledMessages = new HashMap<>();
        AtomicReference<String> last = new AtomicReference<>("-");
        await(
                "Application Degraded, each object Degraded with its Stalled condition's message",
                SYNC_TIMEOUT.multipliedBy(2),
                () -> {
                    JsonNode app = argocd().application(EXAMPLES_APP).orElse(null);
                    if (app == null) {
                        return false;
                    }
                    StringBuilder state = new StringBuilder(ArgoCd.describe(app));
                    boolean all = ArgoCd.syncedRevision(app).equals(revision)
                            && ArgoCd.healthStatus(app).equals("Degraded");
                    for (var e : reasons.entrySet()) {
                        Optional<JsonNode> m = mre(EXAMPLES_NAMESPACE, e.getKey());
                        state.append("\n  mre ").append(e.getKey()).append(": ").append(describeMre(m));
                        Optional<JsonNode> stalled = m.flatMap(x -> MreStatus.condition(x, "Stalled"))
                                .filter(c -> "True".equals(c.path("status").asText())
                                        && e.getValue().equals(c.path("reason").asText()));
                        Optional<JsonNode> health = ArgoCd.resource(
                                        app, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, e.getKey())
                                .map(r -> r.path("health"));
                        if (stalled.isEmpty()
                                || health.isEmpty()
                                || !"Degraded"
                                        .equals(health.get().path("status").asText())
                                || !stalled.get()
                                        .path("message")
                                        .asText()
                                        .equals(health.get().path("message").asText())) {
                            all = false;
                        } else {
                            stalledMessages.put(
                                    e.getKey(), stalled.get().path("message").asText());
                        }
                    }
                    last.set(state.toString());
                    return all;
                },
                last::get);
        assertThat(stalledMessages.get(CONFLICT)).contains("global-mail");
        assertThat(stalledMessages.get(FAILED)).contains("FAILED");
        assertThat(sesStatus("us-east-1", FAILED)).isIn("FAILED", "DELETING", "CREATING");
        assertThat(sesEndpoint("us-east-1", "global-mail"))
                .as("the owner's endpoint is untouched")
                .contains(globalMail);
        JsonNode app = argocd().requireApplication(EXAMPLES_APP);
        assertThat(ArgoCd.syncStatus(app))
                .as("Git and the cluster agree: the problem is in SES, not in the sync")
                .isEqualTo("Synced");
    }

    @Test
    @Order(2)
    @DisplayName("removing them from Git prunes them; the owner's endpoint stays; the Application is Healthy again")
    void removingThemHeals() throws Exception {
        requireOperator();
        Emulator.Endpoint globalMail = sesEndpoint("us-east-1", "global-mail").orElseThrow();
        git().delete(CONFLICT_FILE).delete(FAILED_FILE);
        String revision = git().commitAndPush("remove the Stalled objects");
        for (String name : List.of(CONFLICT, FAILED)) {
            awaitGone(EXAMPLES_NAMESPACE, name, SYNC_TIMEOUT.multipliedBy(2));
        }
        await(
                "SES has no " + FAILED + " endpoint",
                Duration.ofMinutes(1),
                () -> emulator().endpointsNamed(FAILED).isEmpty(),
                () -> String.valueOf(emulator().endpointsNamed(FAILED)));
        awaitSyncedAndHealthy(EXAMPLES_APP, revision, SYNC_TIMEOUT);
        assertThat(sesEndpoint("us-east-1", "global-mail"))
                .as("deleting the conflicting object left the owner's endpoint")
                .contains(globalMail);
        emulator().settings(Map.of("failProvisioningNames", ""));
    }
}
