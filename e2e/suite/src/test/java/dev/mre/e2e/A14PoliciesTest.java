package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.Details;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * Issue 21 part 1 on the real control plane: an observe-only object for an endpoint made outside Kubernetes.
 * Not covered yet: the read-only identity, Manage/ObserveOnly switches, the refresh annotation and health checks; they are
 * still to write.
 */
@Order(14)
@DisplayName("A14 management policies: observe-only")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class A14PoliciesTest extends E2eTest {

    static final String NS = "e2e-policies";
    static final String OUTSIDE = "e2e-policies-made-outside";

    static SesV2Client awsUser;

    @BeforeAll
    static void namespaceAndAnAwsUser() {
        harness().namespace(NS);
        awsUser = SesV2Client.builder()
                .endpointOverride(emulator().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Emulator.ACCESS_KEY, Emulator.SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    @AfterAll
    static void cleanUp() {
        kubectl().quiet("delete", "mre", "--all", "-n", NS, "--wait=true", "--timeout=90s");
        if (awsUser != null) {
            awsUser.close();
        }
    }

    static String reason(String name) {
        return mre(NS, name)
                .flatMap(m -> condition(m, "Ready"))
                .map(c -> c.path("status").asText() + "/" + c.path("reason").asText())
                .orElse("");
    }

    static long writes(String endpointName, String operation) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()) && operation.equals(c.operation()))
                .count();
    }

    @Test
    @Order(1)
    void an_observe_only_object_waits_for_an_endpoint_made_outside_and_never_writes_to_it() {
        String yaml = "apiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n  name: observer\n"
                + "  namespace: " + NS + "\nspec:\n  endpointName: " + OUTSIDE + "\n  region: us-east-1\n"
                + "  managementPolicy: ObserveOnly\n"
                + "  details:\n    routesDetails:\n      - region: eu-west-1\n";
        kubectl()
                .ok("apply", "-f", writeManifest("policies-observer.yaml", yaml).toString());
        await(
                "an observe-only object for a missing endpoint is Ready=False/NotFound",
                Duration.ofSeconds(60),
                () -> "False/NotFound".equals(reason("observer")),
                () -> reason("observer"));
        assertThat(mre(NS, "observer")
                        .flatMap(m -> condition(m, "Reconciling"))
                        .map(c -> c.path("status").asText())
                        .orElse(""))
                .isEqualTo("True");

        CreateMultiRegionEndpointResponse made = awsUser.createMultiRegionEndpoint(r -> r.endpointName(OUTSIDE)
                .details(Details.builder()
                        .routesDetails(
                                RouteDetails.builder().region("eu-west-1").build())
                        .build())
                .tags(Tag.builder().key("made-by").value("terraform").build()));
        JsonNode ready = awaitReady(NS, "observer", Duration.ofSeconds(120));
        assertThat(ready.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());
        // the only Create is the AWS user's; the operator wrote nothing
        assertThat(writes(OUTSIDE, "CreateMultiRegionEndpoint")).isEqualTo(1);
        for (String op : List.of("DeleteMultiRegionEndpoint", "TagResource", "UntagResource")) {
            assertThat(writes(OUTSIDE, op)).as(op).isZero();
        }

        kubectl().ok("delete", "mre", "observer", "-n", NS, "--wait=false");
        awaitGone(NS, "observer", Duration.ofSeconds(60));
        Emulator.Endpoint ep = emulator().endpointsNamed(OUTSIDE).get(0);
        assertThat(ep.tags()).containsEntry("made-by", "terraform");
        assertThat(writes(OUTSIDE, "DeleteMultiRegionEndpoint")).isZero();
    }
}
