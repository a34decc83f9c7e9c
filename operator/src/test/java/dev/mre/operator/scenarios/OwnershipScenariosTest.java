package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.EndpointDetails;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.config.Setting;
import dev.mre.sesemulator.EndpointView;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Ownership and tenant isolation, end to end through JOSDK, the AWS SDK and the SES emulator: a name owned by
 * another object, adoption, forged status, re-created namespaces, old-form owner tags, what messages reveal, and the
 * administrator's rules (regions, name prefix).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class OwnershipScenariosTest extends ScenarioTest {

    @Test
    void sameEndpointNameInTwoNamespacesTheSecondIsStalledAndItsDeletionNeverDeletesTheFirst() {
        harness().start();
        recordGolden();
        h.create(mre("team-a", "mail", s -> s.setEndpointName("shared")));
        h.awaitReady("team-a", "mail");
        h.create(mre("team-b", "mail", s -> s.setEndpointName("shared")));
        MultiRegionEndpoint b = h.awaitReason("team-b", "mail", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.condition("team-b", "mail", "Stalled").orElseThrow().getStatus())
                .isEqualTo("True");
        assertThat(h.condition("team-b", "mail", "Stalled").orElseThrow().getMessage())
                .contains("owned by another object")
                .doesNotContain(owner("team-a", "mail"))
                .doesNotContain(h.namespaceUid("team-a"));
        assertThat(b.getStatus().getEndpointId()).isNull();

        h.delete("team-b", "mail");
        h.awaitGone("team-b", "mail");
        EndpointView ep = h.ses.findEndpoint("us-east-1", "shared").orElseThrow();
        assertThat(ep.tags()).containsEntry(MultiRegionEndpoint.OWNER_TAG, owner("team-a", "mail"));
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
        assertThat(h.ses.calls().count(Operation.TAG_RESOURCE)).isZero();
        assertThat(h.reason("team-a", "mail")).isEqualTo("Available");
        assertMatchesGolden();
    }

    @Test
    void adoptTakesOverOnlyAnEndpointItsAwsOwnerMarkedAdoptableByThisObject() {
        harness().start();
        try (SesV2Client outsider = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            outsider.createMultiRegionEndpoint(b -> b.endpointName("legacy")
                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                    .tags(
                            t -> t.key("made-by").value("terraform"),
                            t -> t.key(MultiRegionEndpoint.ADOPTABLE_TAG)
                                    .value(OperatorHarness.CLUSTER_ID + "/mail/legacy")));
            outsider.createMultiRegionEndpoint(
                    b -> b.endpointName("legacy2").details(d -> d.routesDetails(r -> r.region("eu-west-1"))));
            outsider.createMultiRegionEndpoint(b -> b.endpointName("console-made")
                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                    .tags(t -> t.key(MultiRegionEndpoint.ADOPTABLE_TAG).value("other-team/console-made")));
        }
        h.create(mre("mail", "legacy", s -> s.setAdoptionPolicy(AdoptionPolicy.Adopt)));
        h.create(mre("mail", "legacy2", s -> {}));
        h.create(mre("mail", "console-made", s -> s.setAdoptionPolicy(AdoptionPolicy.Adopt)));
        h.awaitReady("mail", "legacy");
        EndpointView ep = h.ses.findEndpoint("us-east-1", "legacy").orElseThrow();
        assertThat(ep.tags())
                .as("owner tag added, the adoptable tag consumed, unmanaged tags gone")
                .isEqualTo(Map.of(
                        "team",
                        "mail",
                        MultiRegionEndpoint.OWNER_TAG,
                        owner("mail", "legacy"),
                        MultiRegionEndpoint.OBJECT_TAG,
                        "mail/legacy"));
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT, "200"))
                .isEqualTo(3); // the outsider's
        h.awaitReason("mail", "legacy2", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "legacy2", "Stalled").orElseThrow().getMessage())
                .contains("adoptionPolicy")
                .contains(MultiRegionEndpoint.ADOPTABLE_TAG + "=" + OperatorHarness.CLUSTER_ID + "/mail/legacy2");
        // Adopt alone is not enough: the endpoint's AWS owner marked it for another object
        h.awaitReason("mail", "console-made", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "console-made", "Stalled").orElseThrow().getMessage())
                .contains(MultiRegionEndpoint.ADOPTABLE_TAG + "=" + OperatorHarness.CLUSTER_ID + "/mail/console-made");
        assertThat(h.ses.findEndpoint("us-east-1", "console-made").orElseThrow().tags())
                .isEqualTo(Map.of(MultiRegionEndpoint.ADOPTABLE_TAG, "other-team/console-made"));
        // deleting the refused objects leaves both endpoints alone
        h.delete("mail", "console-made");
        h.delete("mail", "legacy2");
        h.awaitGone("mail", "console-made");
        h.awaitGone("mail", "legacy2");
        assertThat(h.ses.findEndpoint("us-east-1", "console-made")).isPresent();
        assertThat(h.ses.findEndpoint("us-east-1", "legacy2")).isPresent();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
    }

    /**
     * The usual order of an adoption: the object is refused first, then the endpoint's AWS owner tags it adoptable.
     * The refusal is retried at the resync period with the endpoint's tags read again, not with the ones the
     * operator remembers from the refusal (a tag resync is hours away): the object is adopted at its next retry.
     */
    @Test
    void anEndpointMarkedAdoptableAfterTheRefusalIsAdoptedAtTheNextRetry() {
        h = new OperatorHarness(client, s -> s)
                .timing(BatchObservationTest.NO_SWEEP)
                .start();
        try (SesV2Client outsider = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            outsider.createMultiRegionEndpoint(
                    b -> b.endpointName("made-outside").details(d -> d.routesDetails(r -> r.region("eu-west-1"))));
            h.create(mre("mail", "made-outside", s -> s.setAdoptionPolicy(AdoptionPolicy.Adopt)));
            h.awaitReason("mail", "made-outside", "EndpointNameConflict", Duration.ofSeconds(20));
            outsider.tagResource(r -> r.resourceArn(h.ses.arn("us-east-1", "made-outside"))
                    .tags(software.amazon.awssdk.services.sesv2.model.Tag.builder()
                            .key(MultiRegionEndpoint.ADOPTABLE_TAG)
                            .value(OperatorHarness.CLUSTER_ID + "/mail/made-outside")
                            .build()));
        }
        h.awaitReady("mail", "made-outside");
        assertThat(h.ses.findEndpoint("us-east-1", "made-outside").orElseThrow().tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, owner("mail", "made-outside"))
                .doesNotContainKey(MultiRegionEndpoint.ADOPTABLE_TAG);
    }

    /**
     * A tenant with rights on the status subresource copies another object's endpoint id into its own status
     * (the id is a printer column): the operator must still never delete or retag that endpoint, even after a
     * restart emptied its memory, because ownership is read from SES's tags, never from status.
     */
    @Test
    void aForgedStatusNeverTurnsIntoADeleteOrATagRewriteOfAnotherObjectsEndpoint() {
        harness().start();
        h.create(mre("team-a", "mail", s -> s.setEndpointName("shared")));
        MultiRegionEndpoint a = h.awaitReady("team-a", "mail");
        h.create(mre("team-b", "mail", s -> s.setEndpointName("shared")));
        h.awaitReason("team-b", "mail", "EndpointNameConflict", Duration.ofSeconds(20));

        h.stopOperator();
        MultiRegionEndpoint b = h.get("team-b", "mail").orElseThrow();
        b.setStatus(a.getStatus());
        b.getStatus().setObservedGeneration(b.getMetadata().getGeneration());
        client.resource(b).patchStatus();
        h.start();
        // a spec change asks for a tag sync, then the object goes away: neither may reach team-a's endpoint
        MultiRegionEndpoint edited = h.get("team-b", "mail").orElseThrow();
        edited.getSpec().setTags(List.of(new Tag("team", "b-took-over")));
        client.resource(edited).update();
        h.awaitReason("team-b", "mail", "EndpointNameConflict", Duration.ofSeconds(20));
        h.delete("team-b", "mail");
        h.awaitGone("team-b", "mail");

        EndpointView ep = h.ses.findEndpoint("us-east-1", "shared").orElseThrow();
        assertThat(ep.endpointId()).isEqualTo(a.getStatus().getEndpointId());
        assertThat(ep.tags())
                .isEqualTo(Map.of(
                        "team",
                        "mail",
                        MultiRegionEndpoint.OWNER_TAG,
                        owner("team-a", "mail"),
                        MultiRegionEndpoint.OBJECT_TAG,
                        "team-a/mail"));
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
        assertThat(h.ses.calls().count(Operation.TAG_RESOURCE)).isZero();
        assertThat(h.ses.calls().count(Operation.UNTAG_RESOURCE)).isZero();
        assertThat(h.reason("team-a", "mail")).isEqualTo("Available");
    }

    /** A namespace deleted and created again under the same name does not inherit what its predecessor retained. */
    @Test
    void aRetainedEndpointIsNotInheritedByALaterNamespaceOfTheSameName() {
        harness().start();
        h.create(mre("team", "kept", s -> s.setDeletionPolicy(DeletionPolicy.Retain)));
        h.awaitReady("team", "kept");
        String oldOwner = owner("team", "kept");
        h.delete("team", "kept");
        h.awaitGone("team", "kept");
        client.namespaces().withName("team").delete();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.namespaces().withName("team").get() == null);

        h.create(mre("team", "kept", s -> s.setDeletionPolicy(DeletionPolicy.Retain)));
        assertThat(owner("team", "kept")).isNotEqualTo(oldOwner);
        h.awaitReason("team", "kept", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.ses.findEndpoint("us-east-1", "kept").orElseThrow().tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, oldOwner);
        assertThat(h.ses.calls().count(Operation.TAG_RESOURCE)).isZero();
    }

    /**
     * An owner tag in the form no released version wrote ({@code <cluster-id>/<namespace>/<name>}, recognised before
     * 0.2 was released) is not this object's: a namespace can be named after another's UID, so that form proves
     * nothing. Refused, never retagged.
     */
    @Test
    void anOwnerTagInTheOldNameBasedFormIsNotThisObjects() {
        harness().start();
        try (SesV2Client old = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            old.createMultiRegionEndpoint(b -> b.endpointName("old-mail")
                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                    .tags(
                            t -> t.key("team").value("mail"),
                            t -> t.key(MultiRegionEndpoint.OWNER_TAG)
                                    .value(OperatorHarness.CLUSTER_ID + "/mail/old-mail")));
        }
        h.create(mre("mail", "old-mail", s -> {}));
        h.awaitReason("mail", "old-mail", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.ses.findEndpoint("us-east-1", "old-mail").orElseThrow().tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, OperatorHarness.CLUSTER_ID + "/mail/old-mail");
        assertThat(h.ses.calls().count(Operation.TAG_RESOURCE)).isZero();
    }

    /** AWS's AccessDenied text names the account and the user: status and Events get the code, no ARN, no account. */
    @Test
    void anAccessDeniedMessageKeepsTheCodeButNoArnOrAccountId() {
        harness();
        h.ses.updateSettings(s -> s.withDenyActions(Set.of(Operation.CREATE_MULTI_REGION_ENDPOINT)));
        h.start();
        h.create(mre("mail", "refused", s -> {}));
        h.awaitReason("mail", "refused", "AccessDenied", Duration.ofSeconds(20));
        String message = h.condition("mail", "refused", "Stalled").orElseThrow().getMessage();
        assertThat(message)
                .contains("AccessDeniedException")
                .contains("not authorized")
                .doesNotContain(h.ses.accountId())
                .doesNotContain("arn:");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events("mail").stream().anyMatch(e -> "AccessDenied".equals(e.getReason())));
        assertThat(events("mail"))
                .allSatisfy(e -> assertThat(e.getMessage())
                        .doesNotContain(h.ses.accountId())
                        .doesNotContain("arn:"));
    }

    @Test
    void regionsOutsideTheAdministratorsListAreInvalidWithoutAnyAwsCall() {
        harness()
                .setting(Setting.ALLOWED_REGIONS, "us-east-1,eu-west-1")
                .setting(Setting.ENDPOINT_NAME_PREFIX, "namespace")
                .start();
        h.create(mre("mail", "mail-ok", s -> s.setEndpointName("mail_ok")));
        h.create(mre("mail", "mail-far", s -> {
            s.setEndpointName("mail_far");
            s.setDetails(new EndpointDetails(List.of(new RouteDetails("ap-south-1"))));
        }));
        h.create(mre("mail", "squatter", s -> s.setEndpointName("mail-eu_mail")));
        h.awaitReady("mail", "mail-ok");
        h.awaitReason("mail", "mail-far", "InvalidSpec", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "mail-far", "Stalled").orElseThrow().getMessage())
                .contains("spec.details.routesDetails[0].region")
                .contains("SES_MRE_ALLOWED_REGIONS");
        h.awaitReason("mail", "squatter", "InvalidSpec", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "squatter", "Stalled").orElseThrow().getMessage())
                .contains("spec.endpointName: must start with 'mail_'");
        assertThat(h.ses.endpoints()).extracting(EndpointView::endpointName).containsExactly("mail_ok");
    }
}
