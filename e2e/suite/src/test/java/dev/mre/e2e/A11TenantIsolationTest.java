package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Ownership;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.Details;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * Two tenants sharing the account's endpoint names, driven with kubectl (and, for the AWS side, the AWS SDK as a
 * console or Terraform user would act): one who may write the status of its own objects copies another namespace's
 * endpoint id into it, retags and deletes its object, and the other namespace's endpoint is never called; an
 * endpoint made outside Kubernetes is adopted only once its AWS owner tags it for exactly that object. The two
 * attacks a security review reproduced against an earlier main, now as the suite's checks.
 */
@Order(11)
@DisplayName("A11 tenant isolation: forged status and adoption")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class A11TenantIsolationTest extends E2eTest {

    static final String NS_OWNER = "e2e-tenant-owner";
    static final String NS_INTRUDER = "e2e-tenant-intruder";
    static final String SHARED = "e2e-tenant-shared";
    static final String MADE_OUTSIDE = "e2e-tenant-made-outside";
    static final List<String> ACTING = List.of("DeleteMultiRegionEndpoint", "TagResource", "UntagResource");

    static SesV2Client awsUser;

    @BeforeAll
    static void namespacesAndAnAwsUser() {
        harness().namespace(NS_OWNER);
        harness().namespace(NS_INTRUDER);
        awsUser = emulator().awsUser();
    }

    @AfterAll
    static void cleanUp() {
        for (String ns : List.of(NS_OWNER, NS_INTRUDER)) {
            kubectl().quiet("delete", "mre", "--all", "-n", ns, "--wait=true", "--timeout=90s");
        }
        if (awsUser != null) {
            awsUser.close();
        }
    }

    static String object(String ns, String name, String endpointName, String extra) {
        return "apiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n  name: " + name
                + "\n  namespace: " + ns + "\nspec:\n  endpointName: " + endpointName + "\n  region: us-east-1\n"
                + "  details:\n    routesDetails:\n      - region: eu-west-1\n" + extra;
    }

    static void apply(String file, String yaml) {
        kubectl().ok("apply", "-f", writeManifest(file, yaml).toString());
    }

    static Map<String, String> ready(String ns, String name) {
        JsonNode c = mre(ns, name).flatMap(m -> condition(m, "Ready")).orElse(null);
        return c == null
                ? Map.of()
                : Map.of(
                        "reason",
                        c.path("reason").asText(),
                        "message",
                        c.path("message").asText());
    }

    static long acting(String endpointName) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()) && ACTING.contains(c.operation()))
                .count();
    }

    @Test
    @Order(1)
    void a_forged_status_never_turns_into_a_delete_or_retag_of_another_namespaces_endpoint() {
        apply("tenant-owner.yaml", object(NS_OWNER, "mail", SHARED, "  tags:\n    - {key: team, value: owner}\n"));
        JsonNode owned = awaitReady(NS_OWNER, "mail", Duration.ofSeconds(90));
        String id = owned.path("status").path("endpointId").asText();
        Emulator.Endpoint before = emulator().endpointsNamed(SHARED).get(0);
        assertThat(before.tags()).containsEntry(Ownership.TAG, owner(NS_OWNER, "mail"));
        long actingBefore = acting(SHARED);

        // the same name from another namespace: refused without saying whose it is
        apply("tenant-intruder.yaml", object(NS_INTRUDER, "mail", SHARED, ""));
        await(
                "the intruder is refused with EndpointNameConflict",
                Duration.ofSeconds(60),
                () -> "EndpointNameConflict".equals(ready(NS_INTRUDER, "mail").get("reason")),
                () -> ready(NS_INTRUDER, "mail").toString());
        assertThat(ready(NS_INTRUDER, "mail").get("message"))
                .contains("owned by another object")
                .doesNotContain(NS_OWNER)
                .doesNotContain(Ownership.namespaceUid(kubectl(), NS_OWNER));

        // anyone with status rights in their namespace copies the owner's id (a printer column) into their status,
        // then edits the tags and deletes the object: none of it may reach the owner's endpoint
        kubectl()
                .ok(
                        "patch",
                        "mre",
                        "mail",
                        "-n",
                        NS_INTRUDER,
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"endpointName\":\"" + SHARED + "\",\"endpointId\":\"" + id + "\",\"arn\":\""
                                + before.arn() + "\",\"endpointStatus\":\"READY\",\"primaryRegion\":\"us-east-1\"}}");
        apply(
                "tenant-intruder.yaml",
                object(NS_INTRUDER, "mail", SHARED, "  tags:\n    - {key: team, value: intruder}\n"));
        // a few observation passes with the forged status in place
        Awaitility.await()
                .during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .until(() -> acting(SHARED) == actingBefore);
        kubectl().ok("delete", "mre", "mail", "-n", NS_INTRUDER, "--wait=true", "--timeout=60s");

        assertThat(acting(SHARED))
                .as("Delete/TagResource/UntagResource calls on the owner's endpoint")
                .isEqualTo(actingBefore);
        Emulator.Endpoint after = emulator().endpointsNamed(SHARED).get(0);
        assertThat(after.endpointId()).isEqualTo(id);
        assertThat(after.status()).isEqualTo("READY");
        assertThat(after.tags()).isEqualTo(before.tags());
        assertThat(isReadyAtGeneration(mre(NS_OWNER, "mail").orElseThrow())).isTrue();
    }

    @Test
    @Order(2)
    void an_endpoint_made_outside_kubernetes_is_adopted_only_when_its_aws_owner_tags_it_for_that_object() {
        CreateMultiRegionEndpointResponse made = awsUser.createMultiRegionEndpoint(r -> r.endpointName(MADE_OUTSIDE)
                .details(Details.builder()
                        .routesDetails(
                                RouteDetails.builder().region("eu-west-1").build())
                        .build())
                .tags(Tag.builder().key("made-by").value("terraform").build()));
        String arn = "arn:aws:ses:us-east-1:" + Emulator.ACCOUNT_ID + ":multi-region-endpoint/" + MADE_OUTSIDE;
        await(
                "the endpoint made outside is READY",
                Duration.ofSeconds(30),
                () -> emulator().endpointsNamed(MADE_OUTSIDE).stream().anyMatch(e -> "READY".equals(e.status())),
                () -> emulator().endpointsNamed(MADE_OUTSIDE).toString());

        // asking to adopt is not enough: its owner in AWS has not allowed it
        apply("tenant-adopter.yaml", object(NS_INTRUDER, "adopter", MADE_OUTSIDE, "  adoptionPolicy: Adopt\n"));
        await(
                "Adopt refused while the endpoint is not marked adoptable",
                Duration.ofSeconds(60),
                () -> "EndpointNameConflict"
                        .equals(ready(NS_INTRUDER, "adopter").get("reason")),
                () -> ready(NS_INTRUDER, "adopter").toString());
        String allow = "ses.mre.dev/adoptable=" + E2eExtension.CLUSTER_ID + "/" + NS_INTRUDER + "/adopter";
        assertThat(ready(NS_INTRUDER, "adopter").get("message")).contains(allow);
        assertThat(acting(MADE_OUTSIDE))
                .as("nothing written to the endpoint made outside")
                .isZero();

        // marked for another object, then for an object of the same names in another cluster: still refused
        awsUser.tagResource(r -> r.resourceArn(arn)
                .tags(Tag.builder()
                        .key("ses.mre.dev/adoptable")
                        .value(E2eExtension.CLUSTER_ID + "/" + NS_INTRUDER + "/someone-else")
                        .build()));
        Awaitility.await()
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> "EndpointNameConflict"
                        .equals(ready(NS_INTRUDER, "adopter").get("reason")));
        awsUser.tagResource(r -> r.resourceArn(arn)
                .tags(Tag.builder()
                        .key("ses.mre.dev/adoptable")
                        .value("another-cluster/" + NS_INTRUDER + "/adopter")
                        .build()));
        Awaitility.await()
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> "EndpointNameConflict"
                        .equals(ready(NS_INTRUDER, "adopter").get("reason")));

        // marked for exactly this object: adopted, the ownership tag written, the adoptable tag gone
        awsUser.tagResource(r -> r.resourceArn(arn)
                .tags(Tag.builder()
                        .key("ses.mre.dev/adoptable")
                        .value(E2eExtension.CLUSTER_ID + "/" + NS_INTRUDER + "/adopter")
                        .build()));
        JsonNode adopted = awaitReady(NS_INTRUDER, "adopter", Duration.ofSeconds(120));
        assertThat(adopted.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());
        Emulator.Endpoint ep = emulator().endpointsNamed(MADE_OUTSIDE).get(0);
        assertThat(ep.tags())
                .containsEntry(Ownership.TAG, owner(NS_INTRUDER, "adopter"))
                .doesNotContainKey("ses.mre.dev/adoptable");
        // one Create in SES's log: the AWS user's (same access key as the operator here); the operator made none
        assertThat(successfulCreates(emulator().calls(), MADE_OUTSIDE))
                .as("the operator never created it")
                .isEqualTo(1);

        // adopted means owned: deleting the object deletes the endpoint (deletionPolicy defaults to Delete)
        kubectl().ok("delete", "mre", "adopter", "-n", NS_INTRUDER, "--wait=false");
        awaitGone(NS_INTRUDER, "adopter", Duration.ofSeconds(90));
        assertThat(emulator().endpointsNamed(MADE_OUTSIDE)).isEmpty();
    }
}
