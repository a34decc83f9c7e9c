package dev.mre.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.gitops.support.ArgoCd;
import dev.mre.e2e.gitops.support.GitOpsExtension;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Removing an object from Git with pruning on: ArgoCD deletes it, the operator's finalizer holds it while SES deletes
 * the endpoint, and the Application ends Synced and Healthy with no endpoint left; with {@code deletionPolicy: Retain}
 * the object goes and the endpoint stays.
 */
@Order(5)
@DisplayName("G05 pruning: the finalizer holds until SES deleted the endpoint; Retain keeps it")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G05PruneTest extends GitOpsTest {

    /** Long enough to see the object held by its finalizer while SES says DELETING. */
    static final Duration DELETE_DELAY = GitOpsExtension.RESYNC.multipliedBy(2);

    @Test
    @Order(1)
    @DisplayName(
            "pruned: held by the finalizer while SES says DELETING, then gone, no endpoint left, Synced and Healthy")
    void pruneWaitsForSes() throws Exception {
        requireOperator();
        String region = "us-east-1";
        assertThat(sesStatus(region, "transactional")).isEqualTo("READY");
        emulator().settings(Map.of("deleteDelay", DELETE_DELAY.toSeconds() + "s"));
        git().delete("examples/minimal.yaml");
        String revision = git().commitAndPush("remove transactional (examples/minimal.yaml)");

        AtomicReference<String> last = new AtomicReference<>("-");
        long t0 = System.nanoTime();
        // at one moment: the object deleted but held by the operator's finalizer, SES deleting the endpoint, and
        // ArgoCD showing the object Progressing (gitops-engine answers "Pending deletion" for any object with a
        // deletionTimestamp, before a health script runs)
        await(
                "ArgoCD deleted transactional; its finalizer holds it (Progressing) while SES says DELETING",
                SYNC_TIMEOUT,
                () -> {
                    Optional<JsonNode> m = mre(EXAMPLES_NAMESPACE, "transactional");
                    Optional<JsonNode> health = argocd().application(EXAMPLES_APP)
                            .flatMap(
                                    a -> ArgoCd.resource(a, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, "transactional"))
                            .map(r -> r.path("health"));
                    last.set(describeMre(m) + "; SES " + sesStatus(region, "transactional") + "; ArgoCD health "
                            + health.orElse(null));
                    return m.isPresent()
                            && m.get().path("metadata").has("deletionTimestamp")
                            && m.get()
                                    .path("metadata")
                                    .path("finalizers")
                                    .toString()
                                    .contains(FINALIZER)
                            && "DELETING".equals(sesStatus(region, "transactional"))
                            && health.map(h -> "Progressing"
                                                    .equals(h.path("status").asText())
                                            && "Pending deletion"
                                                    .equals(h.path("message").asText()))
                                    .orElse(false);
                },
                last::get);
        awaitApp(
                EXAMPLES_APP,
                "the sync of " + revision.substring(0, 12) + " recorded transactional as Pruned",
                SYNC_TIMEOUT,
                a -> ArgoCd.operationRevision(a).equals(revision)
                        && ArgoCd.syncResult(a, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, "transactional")
                                .map(r -> "Pruned".equals(r.path("status").asText()))
                                .orElse(false));

        await(
                "transactional gone once SES deleted the endpoint",
                DELETE_DELAY.plus(SYNC_TIMEOUT),
                () -> mre(EXAMPLES_NAMESPACE, "transactional").isEmpty(),
                () -> describeMre(mre(EXAMPLES_NAMESPACE, "transactional")) + "; SES "
                        + sesStatus(region, "transactional"));
        Progress.timing("prune: object gone after the commit", Duration.ofNanos(System.nanoTime() - t0));
        assertThat(emulator().endpointsNamed("transactional"))
                .as("no endpoint left in SES")
                .isEmpty();
        JsonNode done = awaitSyncedAndHealthy(EXAMPLES_APP, revision, SYNC_TIMEOUT);
        assertThat(ArgoCd.resource(done, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, "transactional"))
                .isEmpty();
        emulator().settings(Map.of("deleteDelay", "2s"));
    }

    @Test
    @Order(2)
    @DisplayName("pruned with deletionPolicy: Retain: the object goes, the endpoint stays, no Delete call")
    void pruneWithRetainKeepsTheEndpoint() throws Exception {
        requireOperator();
        Emulator.Endpoint retained =
                sesEndpoint("eu-west-1", "marketing-global").orElseThrow();
        assertThat(retained.status()).isEqualTo("READY");
        git().delete("examples/retained.yaml");
        String revision = git().commitAndPush("remove marketing (examples/retained.yaml, deletionPolicy: Retain)");

        awaitGone(EXAMPLES_NAMESPACE, "marketing", SYNC_TIMEOUT.multipliedBy(2));
        awaitSyncedAndHealthy(EXAMPLES_APP, revision, SYNC_TIMEOUT);
        assertThat(sesEndpoint("eu-west-1", "marketing-global"))
                .as("the retained endpoint is still in SES")
                .hasValueSatisfying(e -> {
                    assertThat(e.status()).isEqualTo("READY");
                    assertThat(e.endpointId()).isEqualTo(retained.endpointId());
                });
        assertThat(mutatingCalls("marketing-global"))
                .as("the operator never asked SES to delete it")
                .noneMatch(c -> c.operation().startsWith("Delete"));
    }
}
