package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * spec.sending on the real control plane: an object whose domain exists only in the primary region is
 * SendingReady=False/ReplicaMissing; asking for a replica (the suite's operator allows it) makes the operator create it
 * and SendingReady turns True; pausing sending in the secondary region (emulator admin API) turns it
 * False/SendingPaused once the refresh annotation asks. Ready stays True: SendingReady is not part of it.
 */
@Order(13)
@DisplayName("A13 sending readiness and replica identities")
class A13SendingTest extends E2eTest {

    static final String NS = "mail";
    static final String NAME = "e2e-sending";
    static final String DOMAIN = "send.e2e.example.com";

    @Test
    @Order(1)
    void replicaMissing_then_replica_created_True_then_paused_in_the_secondary() {
        try (SesV2Client us = emulator().awsUser()) {
            us.createEmailIdentity(r -> r.emailIdentity(DOMAIN));
        }
        emulator().verifyIdentity("us-east-1", DOMAIN);
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("a13-sending.yaml", """
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
                  sending:
                    identities: [%s]
                """.formatted(NAME, NS, DOMAIN))
                                .toString());
        try {
            awaitReady(NS, NAME, Duration.ofSeconds(60));
            JsonNode missing = awaitSending("ReplicaMissing");
            assertThat(Json.text(missing, "status")).isEqualTo("False");
            assertThat(Json.text(missing, "message")).contains("eu-west-1: domain " + DOMAIN + " does not exist");

            kubectl()
                    .ok(
                            "patch",
                            "mre",
                            NAME,
                            "-n",
                            NS,
                            "--type",
                            "merge",
                            "-p",
                            "{\"spec\":{\"sending\":{\"createReplicas\":true}}}");
            JsonNode ready = awaitSending("Ready");
            assertThat(Json.text(ready, "status")).isEqualTo("True");
            JsonNode replica = identity("eu-west-1", DOMAIN).orElseThrow();
            assertThat(replica.path("signingAttributesOrigin").asText()).isEqualTo("AWS_SES_US_EAST_1");
            assertThat(replica.path("tags")
                            .path("ses.mre.dev/created-by-cluster")
                            .asText())
                    .isNotEmpty();
            assertThat(kubectl().ok("get", "mre", NAME, "-n", NS).stdout())
                    .as("kubectl get shows the Sending column")
                    .contains("SENDING")
                    .containsPattern("(?m)^" + NAME + "\\s+True\\s");

            emulator().sendingEnabled("eu-west-1", false);
            kubectl().ok("annotate", "mre", NAME, "-n", NS, "--overwrite", "ses.mre.dev/requested-at=" + Instant.now());
            JsonNode paused = awaitSending("SendingPaused");
            assertThat(Json.text(paused, "status")).isEqualTo("False");
            assertThat(Json.text(paused, "message")).startsWith("eu-west-1: sending is paused");
            assertThat(condition(mre(NS, NAME).orElseThrow(), "Ready").map(c -> Json.text(c, "status")))
                    .contains("True");
        } finally {
            emulator().sendingEnabled("eu-west-1", true);
            kubectl().ok("delete", "mre", NAME, "-n", NS, "--wait=false");
            awaitGone(NS, NAME, Duration.ofSeconds(60));
        }
        assertThat(identity("eu-west-1", DOMAIN))
                .as("the replica is never deleted")
                .isPresent();
        assertOperatorAlive();
    }

    static JsonNode awaitSending(String reason) {
        await(
                "SendingReady reason " + reason,
                Duration.ofSeconds(60),
                () -> mre(NS, NAME)
                        .flatMap(m -> condition(m, "SendingReady"))
                        .map(c -> reason.equals(Json.text(c, "reason")))
                        .orElse(false),
                () -> mre(NS, NAME).map(m -> m.path("status").toString()).orElse("(no object)"));
        return mre(NS, NAME).flatMap(m -> condition(m, "SendingReady")).orElseThrow();
    }

    static Optional<JsonNode> identity(String region, String name) {
        for (JsonNode i : emulator().state().path("identities")) {
            if (region.equals(i.path("region").asText())
                    && name.equalsIgnoreCase(i.path("identityName").asText())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
