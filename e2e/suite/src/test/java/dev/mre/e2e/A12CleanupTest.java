package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The end: every object of the suite deleted through the operator; SES keeps only the endpoint of the object with
 * deletionPolicy: Retain, which the operator never deleted, and which the same object, applied again, takes back
 * without creating another. Self-contained: it applies the retained example and an object of its own first (a no-op
 * for the retained one when A03 applied it already), so it runs alone too ({@code -Dtest=A12CleanupTest}).
 */
@Order(12)
@DisplayName("A12 everything deleted, the retained endpoint kept")
class A12CleanupTest extends E2eTest {

    static final String RETAINED_NAMESPACE = "mail";
    static final String RETAINED_OBJECT = "marketing";
    static final String RETAINED_ENDPOINT = "marketing-global";
    static final String RETAINED_REGION = "eu-west-1";

    static String objectsLeft() {
        StringBuilder sb = new StringBuilder();
        for (String ns : E2eExtension.NAMESPACES) {
            sb.append(kubectl()
                    .quiet("get", Harness.CRD_NAME, "-n", ns, "-o", "name")
                    .stdout());
        }
        return sb.toString().strip();
    }

    /** An object of this class with deletionPolicy Delete (the default): its endpoint must go. */
    static final Mre DELETED = Mre.of(RETAINED_NAMESPACE, "a12-deleted").tag("team", "a12");

    @BeforeAll
    static void theRetainedExampleAndAnObjectToDeleteAreReady() {
        kubectl().ok("apply", "-f", "examples/00-namespace.yaml");
        kubectl().ok("apply", "-f", "examples/retained.yaml");
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("a12-deleted.yaml", DELETED.yaml()).toString());
        awaitReady(RETAINED_NAMESPACE, RETAINED_OBJECT, Duration.ofSeconds(90));
        awaitReady(DELETED.namespace(), DELETED.name(), Duration.ofSeconds(90));
        assertThat(emulator().endpoint(DELETED.effectiveRegion(), DELETED.effectiveEndpointName()))
                .isPresent();
    }

    @Test
    @Order(1)
    void deleting_every_object_leaves_only_the_retained_endpoint() {
        long t0 = System.nanoTime();
        for (String ns : E2eExtension.NAMESPACES) {
            kubectl().ok("delete", "mre", "--all", "-n", ns, "--wait=false");
        }
        await(
                "no MultiRegionEndpoint left in the suite's namespaces",
                Duration.ofSeconds(180),
                () -> objectsLeft().isEmpty(),
                A12CleanupTest::objectsLeft);
        Progress.timing("kubectl delete mre --all -> all released", Duration.ofNanos(System.nanoTime() - t0));

        List<Emulator.Endpoint> left = emulator().endpoints();
        Progress.log("  endpoints left in the emulator: %s", left);
        // only what deletionPolicy: Retain kept (examples/retained.yaml), still tagged with its owner
        assertThat(left).extracting(Emulator.Endpoint::endpointName).containsExactly(RETAINED_ENDPOINT);
        assertThat(left.get(0).tags()).containsEntry(Ownership.TAG, owner(RETAINED_NAMESPACE, RETAINED_OBJECT));
        assertThat(left.get(0).status()).isEqualTo("READY");
        assertThat(deleteCalls(emulator().calls(), DELETED.effectiveEndpointName()))
                .as("Delete calls for %s, deleted through the operator", DELETED.name())
                .isEqualTo(1);
        assertOperatorAlive();
    }

    @Test
    @Order(2)
    void the_operator_never_deleted_the_retained_endpoint() {
        List<Emulator.Call> log = emulator().calls();
        assertThat(log).as("the emulator's log holds the whole run").hasSizeLessThan(Emulator.LOG_LIMIT);
        assertThat(successfulCreates(log, RETAINED_ENDPOINT))
                .as("creates of the retained endpoint")
                .isEqualTo(1);
        assertThat(deleteCalls(log, RETAINED_ENDPOINT))
                .as("Delete calls for the retained endpoint over the whole run")
                .isZero();
    }

    @Test
    @Order(3)
    void the_same_object_applied_again_takes_the_retained_endpoint_back() {
        Emulator.Endpoint kept =
                emulator().endpoint(RETAINED_REGION, RETAINED_ENDPOINT).orElseThrow();
        kubectl().ok("apply", "-f", "examples/retained.yaml");
        JsonNode ready = awaitReady(RETAINED_NAMESPACE, RETAINED_OBJECT, Duration.ofSeconds(60));
        assertThat(Json.text(ready, "status.endpointId"))
                .as("the endpoint id in the status")
                .isEqualTo(kept.endpointId());
        List<Emulator.Call> log = emulator().calls();
        assertThat(successfulCreates(log, RETAINED_ENDPOINT))
                .as("creates of the retained endpoint")
                .isEqualTo(1);
        assertThat(emulator().endpointsNamed(RETAINED_ENDPOINT)).hasSize(1);

        kubectl().ok("delete", "mre", RETAINED_OBJECT, "-n", RETAINED_NAMESPACE, "--timeout=90s");
        assertThat(emulator().endpoint(RETAINED_REGION, RETAINED_ENDPOINT))
                .as("kept again")
                .isPresent();
        assertThat(deleteCalls(emulator().calls(), RETAINED_ENDPOINT)).isZero();
    }
}
