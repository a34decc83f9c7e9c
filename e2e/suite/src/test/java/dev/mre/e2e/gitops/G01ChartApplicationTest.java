package dev.mre.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.gitops.support.ArgoCd;
import dev.mre.e2e.gitops.support.GitOpsExtension;
import dev.mre.e2e.gitops.support.GitOpsTest;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's chart installed by ArgoCD from Git (its Helm source renders helm/ses-mre-operator with the chart's
 * CRD), together with a MultiRegionEndpoint in sync wave 1, on a cluster that has never seen the CRD: one sync
 * must create the CRD before the object. Then the operator runs under the ServiceAccount that sync created.
 */
@Order(1)
@DisplayName("G01 chart from Git through ArgoCD's Helm source: CRD before objects, in one sync")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G01ChartApplicationTest extends GitOpsTest {

    static final String APP = "ses-mre-operator";
    static final String SYSTEM_NAMESPACE = "ses-mre-system";
    static final String OBJECTS_PATH = "gitops-e2e/chart-objects";
    static final String OBJECTS_NAMESPACE = "gitops-chart";
    static final String OBJECT = "chart-wave";

    @Test
    @Order(1)
    @DisplayName("one automated sync creates the CRDs, the chart's RBAC and the wave-1 object: Succeeded at once")
    void oneSyncCreatesCrdThenObjects() throws Exception {
        List<String> crds = GitOpsExtension.chartCrds();
        assertThat(crds).as("the chart's crds/").contains(Harness.CRD_NAME);
        for (String crd : crds) {
            assertThat(kubectl().getJson("crd", crd))
                    .as("a fresh control plane: %s does not exist before the sync", crd)
                    .isEmpty();
        }
        git().write(OBJECTS_PATH + "/objects.yaml", """
                # Objects of the operator's own Application: a MultiRegionEndpoint needs the chart's CRD, so it goes in
                # a later sync wave than the chart (whose objects are all in wave 0).
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                ---
                apiVersion: ses.mre.dev/v1alpha1
                kind: MultiRegionEndpoint
                metadata:
                  name: %s
                  namespace: %s
                  annotations:
                    argocd.argoproj.io/sync-wave: "1"
                spec:
                  details:
                    routesDetails:
                      - region: eu-west-1
                """.formatted(OBJECTS_NAMESPACE, OBJECT, OBJECTS_NAMESPACE));
        String revision = git().commitAndPush("an object for the operator's Application, in sync wave 1");

        argocd().apply("""
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: %s
                spec:
                  project: default
                  sources:
                    - repoURL: %s
                      targetRevision: %s
                      path: helm/ses-mre-operator
                      helm:
                        releaseName: ses-mre-operator
                        valuesObject:
                          deployment: {enabled: false}
                          operator: {clusterId: %s}
                    - repoURL: %s
                      targetRevision: %s
                      path: %s
                  destination:
                    server: https://kubernetes.default.svc
                    namespace: %s
                  syncPolicy:
                    automated: {prune: true}
                    syncOptions: [CreateNamespace=true]
                """.formatted(
                        APP,
                        git().url(),
                        git().branch(),
                        GitOpsExtension.CLUSTER_ID,
                        git().url(),
                        git().branch(),
                        OBJECTS_PATH,
                        SYSTEM_NAMESPACE));

        long t0 = System.nanoTime();
        JsonNode app = awaitApp(
                APP,
                "the first automated sync finished",
                SYNC_TIMEOUT.multipliedBy(2),
                a -> List.of("Succeeded", "Failed", "Error").contains(ArgoCd.operationPhase(a)));
        Progress.timing("chart Application: first sync finished", Duration.ofNanos(System.nanoTime() - t0));
        assertThat(ArgoCd.operationPhase(app))
                .as("the first sync: %s", ArgoCd.describe(app))
                .isEqualTo("Succeeded");
        assertThat(app.path("status").path("history"))
                .as("exactly one sync so far")
                .hasSize(1);
        assertThat(app.path("status").path("operationState").path("retryCount").asInt(0))
                .as("the sync succeeded at its first attempt (no retry after a failed apply)")
                .isZero();
        assertThat(app.path("status")
                        .path("operationState")
                        .path("syncResult")
                        .path("revisions")
                        .toString())
                .contains(revision);

        for (String crd : crds) {
            JsonNode crdResult = ArgoCd.syncResult(app, "CustomResourceDefinition", null, crd)
                    .orElseThrow(() -> new AssertionError(
                            "the chart's CRD " + crd + " is not in the sync's results: " + ArgoCd.describe(app)));
            assertThat(crdResult.path("status").asText())
                    .as("CRD: %s", crdResult)
                    .isEqualTo("Synced");
            assertThat(ArgoCd.resource(app, "CustomResourceDefinition", "", crd))
                    .as("%s is one of the Application's resources", crd)
                    .isPresent();
        }
        JsonNode objectResult = ArgoCd.syncResult(app, "MultiRegionEndpoint", OBJECTS_NAMESPACE, OBJECT)
                .orElseThrow(() -> new AssertionError("the wave-1 object is not in the sync's results"));
        assertThat(objectResult.path("status").asText())
                .as("object: %s", objectResult)
                .isEqualTo("Synced");
        assertThat(ArgoCd.syncResult(app, "ServiceAccount", SYSTEM_NAMESPACE, serviceAccountOf(app)))
                .isPresent();

        // both exist now, and the CRD was created first (the object could not have been created without it)
        JsonNode crd = kubectl().getJson("crd", Harness.CRD_NAME).orElseThrow();
        JsonNode object = mre(OBJECTS_NAMESPACE, OBJECT).orElseThrow();
        Instant crdCreated =
                Instant.parse(crd.path("metadata").path("creationTimestamp").asText());
        Instant objectCreated =
                Instant.parse(object.path("metadata").path("creationTimestamp").asText());
        assertThat(crdCreated).as("CRD created no later than the object").isBeforeOrEqualTo(objectCreated);
    }

    @Test
    @Order(2)
    @DisplayName("the operator runs under the chart's ServiceAccount; the object gets Ready, the Application Healthy")
    void operatorFromTheChartMakesItHealthy() throws Exception {
        JsonNode app = argocd().requireApplication(APP);
        String sa = serviceAccountOf(app);
        suite().startOperator(APP, SYSTEM_NAMESPACE, sa);

        awaitMre(
                OBJECTS_NAMESPACE,
                OBJECT,
                "Ready at its generation",
                Duration.ofMinutes(2),
                MreStatus::isReadyAtGeneration);
        JsonNode healthy = awaitSyncedAndHealthy(APP, null, SYNC_TIMEOUT);
        assertThat(ArgoCd.resource(healthy, "MultiRegionEndpoint", OBJECTS_NAMESPACE, OBJECT)
                        .orElseThrow()
                        .path("health")
                        .path("status")
                        .asText())
                .isEqualTo("Healthy");
        assertThat(sesStatus("us-east-1", OBJECT)).isEqualTo("READY");
        assertThat(healthy.path("status").path("history"))
                .as("still the one sync")
                .hasSize(1);
    }

    /** The one ServiceAccount the sync created (the operator's identity). */
    static String serviceAccountOf(JsonNode app) {
        List<String> names = new ArrayList<>();
        for (JsonNode r :
                app.path("status").path("operationState").path("syncResult").path("resources")) {
            if ("ServiceAccount".equals(r.path("kind").asText())
                    && SYSTEM_NAMESPACE.equals(r.path("namespace").asText())) {
                names.add(r.path("name").asText());
            }
        }
        assertThat(names).as("ServiceAccounts the chart created").hasSize(1);
        return names.get(0);
    }
}
