package dev.mre.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.gitops.support.ArgoCd;
import dev.mre.e2e.gitops.support.GitOpsExtension;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An Application syncing the project's examples/ from Git, as docs/gitops.md shows it: Synced at once, Progressing
 * while SES says CREATING (with the operator's message), Healthy once every endpoint is READY, and still Synced after
 * several resync periods in which the operator's status and finalizer are on every object (no perpetual OutOfSync,
 * no sync loop).
 */
@Order(2)
@DisplayName("G02 examples/ from Git: Synced, Progressing while CREATING, Healthy once Ready, no drift")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G02ExamplesApplicationTest extends GitOpsTest {

    /** metadata.name -> (region, endpoint name) of every example. */
    static final Map<String, String[]> EXAMPLES = Map.of(
            "global-mail", new String[] {"us-east-1", "global-mail"},
            "transactional", new String[] {"us-east-1", "transactional"},
            "marketing", new String[] {"eu-west-1", "marketing-global"});
    /** Long enough for the operator to report CREATING and ArgoCD to show it over a resync period. */
    static final Duration CREATE_DELAY = GitOpsExtension.RESYNC.multipliedBy(4);

    @Test
    @Order(1)
    @DisplayName("Synced, and Progressing with the operator's message while SES says CREATING")
    void syncedAndProgressingWhileCreating() {
        requireOperator();
        emulator().settings(Map.of("createDelay", CREATE_DELAY.toSeconds() + "s"));
        String revision = git().head();
        argocd().apply(examplesApplication());

        long t0 = System.nanoTime();
        AtomicReference<String> last = new AtomicReference<>("-");
        // at one moment: SES says CREATING for every example, the operator reports it, and ArgoCD shows the synced
        // revision, every object Progressing with the message of its Reconciling condition, the Application Progressing
        await(
                "Synced at " + revision.substring(0, 12)
                        + ", Progressing with the operator's message while SES says CREATING",
                CREATE_DELAY.plus(GitOpsExtension.RESYNC),
                () -> {
                    JsonNode app = argocd().application(EXAMPLES_APP).orElse(null);
                    if (app == null) {
                        return false;
                    }
                    last.set(ArgoCd.describe(app));
                    if (!ArgoCd.syncStatus(app).equals("Synced")
                            || !ArgoCd.syncedRevision(app).equals(revision)
                            || !ArgoCd.healthStatus(app).equals("Progressing")) {
                        return false;
                    }
                    for (var e : EXAMPLES.entrySet()) {
                        JsonNode m = mre(EXAMPLES_NAMESPACE, e.getKey()).orElse(null);
                        if (m == null
                                || !"CREATING"
                                        .equals(m.path("status")
                                                .path("endpointStatus")
                                                .asText())
                                || !"CREATING".equals(sesStatus(e.getValue()[0], e.getValue()[1]))) {
                            return false;
                        }
                        String reconciling =
                                trueConditionMessage(m, "Reconciling").orElse(null);
                        JsonNode health = ArgoCd.resource(app, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, e.getKey())
                                .map(r -> r.path("health"))
                                .orElse(null);
                        if (reconciling == null
                                || health == null
                                || !"Progressing".equals(health.path("status").asText())
                                || !reconciling.equals(health.path("message").asText())) {
                            return false;
                        }
                    }
                    return true;
                },
                last::get);
        Progress.timing(
                "examples Application: Synced and Progressing with the operator's message",
                Duration.ofNanos(System.nanoTime() - t0));
    }

    @Test
    @Order(2)
    @DisplayName("Healthy once SES says READY for every example")
    void healthyOnceReady() {
        long t0 = System.nanoTime();
        JsonNode app = awaitSyncedAndHealthy(EXAMPLES_APP, null, CREATE_DELAY.plus(SYNC_TIMEOUT));
        Progress.timing("examples Application: Healthy", Duration.ofNanos(System.nanoTime() - t0));
        for (var e : EXAMPLES.entrySet()) {
            JsonNode m = mre(EXAMPLES_NAMESPACE, e.getKey()).orElseThrow();
            assertThat(MreStatus.isReadyAtGeneration(m))
                    .as("%s: %s", e.getKey(), describeMre(Optional.of(m)))
                    .isTrue();
            assertThat(sesStatus(e.getValue()[0], e.getValue()[1]))
                    .as(e.getKey())
                    .isEqualTo("READY");
            assertThat(ArgoCd.resource(app, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, e.getKey())
                            .orElseThrow()
                            .path("health")
                            .path("status")
                            .asText())
                    .as(e.getKey())
                    .isEqualTo("Healthy");
            String ready = trueConditionMessage(m, "Ready").orElseThrow();
            awaitApp(
                    EXAMPLES_APP,
                    e.getKey() + " Healthy with the Ready condition's message \"" + ready + "\"",
                    SYNC_TIMEOUT,
                    a -> ArgoCd.resource(a, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, e.getKey())
                            .map(r -> ready.equals(
                                    r.path("health").path("message").asText()))
                            .orElse(false));
        }
        emulator().settings(Map.of("createDelay", "2s"));
    }

    @Test
    @Order(3)
    @DisplayName(
            "stays Synced and Healthy over three resync periods with the operator's status and finalizers, no re-sync")
    void staysSyncedOverResyncs() {
        for (String name : EXAMPLES.keySet()) {
            JsonNode m = mre(EXAMPLES_NAMESPACE, name).orElseThrow();
            assertThat(m.path("metadata").path("finalizers").toString())
                    .as("%s carries the operator's finalizer", name)
                    .contains(FINALIZER);
            assertThat(m.path("status").path("conditions"))
                    .as("%s has the operator's status", name)
                    .isNotEmpty();
        }
        JsonNode before = argocd().requireApplication(EXAMPLES_APP);
        int syncs = before.path("status").path("history").size();
        String finishedAt =
                before.path("status").path("operationState").path("finishedAt").asText();
        Set<String> reconciliations = new HashSet<>();
        reconciliations.add(ArgoCd.reconciledAt(before));
        AtomicReference<String> last = new AtomicReference<>(ArgoCd.describe(before));
        long t0 = System.nanoTime();
        try {
            // reconciledAt changes with every comparison of Git and the cluster: each resync period, at least
            Awaitility.await("three more comparisons of Git and the cluster")
                    .atMost(GitOpsExtension.RESYNC.multipliedBy(8))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the Application left Synced/Healthy or synced again", () -> {
                        JsonNode app = argocd().requireApplication(EXAMPLES_APP);
                        last.set(ArgoCd.describe(app));
                        reconciliations.add(ArgoCd.reconciledAt(app));
                        return !ArgoCd.syncStatus(app).equals("Synced")
                                || !ArgoCd.healthStatus(app).equals("Healthy")
                                || app.path("status").path("history").size() != syncs
                                || !app.path("status")
                                        .path("operationState")
                                        .path("finishedAt")
                                        .asText()
                                        .equals(finishedAt);
                    })
                    .until(() -> reconciliations.size() >= 4);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(
                    e.getMessage() + "; comparisons seen " + reconciliations + "; last state: " + last.get(), e);
        }
        Progress.timing(
                "examples Application: Synced and Healthy over 3 comparisons",
                Duration.ofNanos(System.nanoTime() - t0));
        JsonNode after = argocd().requireApplication(EXAMPLES_APP);
        for (String name : EXAMPLES.keySet()) {
            assertThat(ArgoCd.resource(after, "MultiRegionEndpoint", EXAMPLES_NAMESPACE, name)
                            .orElseThrow()
                            .path("status")
                            .asText())
                    .as("%s in sync", name)
                    .isEqualTo("Synced");
        }
    }

    static String examplesApplication() {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: %s
                spec:
                  project: default
                  source:
                    repoURL: %s
                    targetRevision: %s
                    path: examples
                  destination:
                    server: https://kubernetes.default.svc
                    namespace: %s
                  syncPolicy:
                    automated: {prune: true, selfHeal: true}
                    # the suite's control plane runs no garbage collector, which is what removes the
                    # foregroundDeletion finalizer of ArgoCD's default (foreground) prune in a real cluster
                    syncOptions: [PrunePropagationPolicy=background]
                    # a failed sync is retried twice, quickly; then a new commit is synced at once
                    retry: {limit: 2, backoff: {duration: 5s, factor: 2, maxDuration: 20s}}
                """.formatted(EXAMPLES_APP, git().url(), git().branch(), EXAMPLES_NAMESPACE);
    }

    static List<String> exampleNames() {
        return List.copyOf(EXAMPLES.keySet());
    }
}
