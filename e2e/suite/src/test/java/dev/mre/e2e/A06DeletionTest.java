package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * kubectl delete: the finalizer holds the object while SES deletes the endpoint (DELETING), then releases it;
 * with deletionPolicy: Retain the object goes and the endpoint stays.
 */
@Order(6)
@DisplayName("A06 deletion (Delete and Retain)")
class A06DeletionTest extends E2eTest {

    /** One poll: does the object exist, and what does SES say about its endpoint. */
    record Observation(long atMs, boolean objectExists, String endpointStatus, boolean heldByFinalizer) {

        boolean sameState(Observation o) {
            return objectExists == o.objectExists
                    && endpointStatus.equals(o.endpointStatus)
                    && heldByFinalizer == o.heldByFinalizer;
        }
    }

    @Test
    @Order(1)
    void delete_holds_the_object_while_the_endpoint_is_DELETING_then_releases_it() throws Exception {
        String ns = "mail";
        String name = "global-mail";
        String endpoint = "global-mail";
        assertThat(emulator().endpointsNamed(endpoint)).hasSize(1);
        // a longer DELETING phase, so that it is seen for sure
        emulator().settings(Map.of("deleteDelay", "5s"));
        try {
            long t0 = System.nanoTime();
            kubectl().ok("delete", "mre", name, "-n", ns, "--wait=false");
            // every poll is recorded: the object first, then SES, so that "object gone" followed by "endpoint still
            // there" would show a premature release
            List<Observation> seen = new ArrayList<>();
            Conditions.await(
                    "the object released after its endpoint is gone",
                    Duration.ofSeconds(90),
                    Duration.ofMillis(150),
                    () -> {
                        Optional<JsonNode> obj = mre(ns, name);
                        String status = emulator().endpointsNamed(endpoint).stream()
                                .map(Emulator.Endpoint::status)
                                .findFirst()
                                .orElse("(none)");
                        Observation o = new Observation(
                                (System.nanoTime() - t0) / 1_000_000,
                                obj.isPresent(),
                                status,
                                obj.map(m -> Json.text(m, "metadata.deletionTimestamp") != null
                                                && m.path("metadata")
                                                        .path("finalizers")
                                                        .toString()
                                                        .contains(FINALIZER))
                                        .orElse(false));
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).sameState(o)) {
                            Progress.log(
                                    "  t=%5d ms object %s, SES endpoint %s",
                                    o.atMs(),
                                    o.objectExists()
                                            ? "present" + (o.heldByFinalizer() ? " (deletionTimestamp, finalizer)" : "")
                                            : "gone",
                                    o.endpointStatus());
                        }
                        seen.add(o);
                        return !o.objectExists();
                    },
                    () -> seen.isEmpty() ? "-" : seen.get(seen.size() - 1).toString());
            Progress.timing(
                    "kubectl delete -> object released (SES deleteDelay 5s)", Duration.ofNanos(System.nanoTime() - t0));
            assertThat(seen)
                    .as("while the object exists it has its deletionTimestamp and the finalizer")
                    .allMatch(o -> !o.objectExists() || o.heldByFinalizer());
            assertThat(seen)
                    .as("the object stays while SES says DELETING")
                    .anyMatch(o -> o.objectExists() && o.endpointStatus().equals("DELETING"));
            assertThat(seen)
                    .as("the object is never released while the endpoint still exists")
                    .noneMatch(o -> !o.objectExists() && !o.endpointStatus().equals("(none)"));
        } finally {
            emulator().settings(Map.of("deleteDelay", "2s"));
        }
        assertThat(emulator().endpointsNamed(endpoint))
                .as("endpoint gone from SES")
                .isEmpty();
        assertThat(calls(emulator().calls(), "DeleteMultiRegionEndpoint", endpoint, "200"))
                .as("successful deletes")
                .isPositive();
    }

    @Test
    @Order(2)
    void retain_deletes_the_object_and_keeps_the_endpoint() {
        String ns = "mail";
        String name = "marketing";
        JsonNode m = mre(ns, name).orElseThrow();
        assertThat(Json.text(m, "spec.deletionPolicy")).isEqualTo("Retain");
        String endpoint = Json.text(m, "spec.endpointName");
        String region = Json.text(m, "spec.region");
        assertThat(emulator().endpoint(region, endpoint)).isPresent();

        kubectl().ok("delete", "mre", name, "-n", ns, "--timeout=90s");
        awaitGone(ns, name, Duration.ofSeconds(10));

        Emulator.Endpoint kept = emulator()
                .endpoint(region, endpoint)
                .orElseThrow(() -> new AssertionError("retained endpoint " + region + "/" + endpoint + " is gone"));
        assertThat(kept.status()).isEqualTo("READY");
        // kept with its ownership tag, so that the same object re-created later picks it up again
        assertThat(kept.tags()).containsEntry(Ownership.TAG, owner(ns, name));
        assertThat(deleteCalls(emulator().calls(), endpoint))
                .as("Delete calls for the retained endpoint")
                .isZero();
    }
}
