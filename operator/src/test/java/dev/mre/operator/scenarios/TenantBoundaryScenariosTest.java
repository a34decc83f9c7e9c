package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.config.Setting;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The tenant boundary through JOSDK and the real SDK against the emulator: what a tenant can create or name (a
 * namespace, an object) never makes the operator touch an endpoint another object owns.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class TenantBoundaryScenariosTest extends ScenarioTest {

    /**
     * A namespace named after another namespace's UID: its object's name in the pre-0.2 owner-tag form
     * ({@code <cluster-id>/<namespace>/<name>}) would equal the owner tag of the other namespace's object. It must be
     * refused like any other name owned by another object: never retagged, never deleted.
     */
    @Test
    void aNamespaceNamedAfterAnotherNamespacesUidCannotTakeItsEndpoint() {
        harness().start();
        h.create(mre("mail", "global", s -> {}));
        h.awaitReady("mail", "global");
        String uid = h.namespaceUid("mail");
        String ownerTag = owner("mail", "global");
        String endpointId =
                h.ses.findEndpoint("us-east-1", "global").orElseThrow().endpointId();

        h.namespaceUid(uid); // creates the namespace named after mail's UID
        h.create(mre(uid, "global", s -> {}));
        h.awaitReason(uid, "global", "EndpointNameConflict", Duration.ofSeconds(20));
        h.delete(uid, "global");
        h.awaitGone(uid, "global");

        var ep = h.ses.findEndpoint("us-east-1", "global").orElseThrow();
        assertThat(ep.endpointId()).isEqualTo(endpointId);
        assertThat(ep.tags()).containsEntry(MultiRegionEndpoint.OWNER_TAG, ownerTag);
        assertThat(h.ses.calls().count(Operation.TAG_RESOURCE)).isZero();
        assertThat(h.ses.calls().count(Operation.UNTAG_RESOURCE)).isZero();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
    }

    /**
     * deletionPolicy: Retain lets an endpoint outlive its object, beyond the namespace's ResourceQuota: create, delete
     * with Retain, repeat. Only namespaces the administrator lists may use it; elsewhere it is Stalled/InvalidSpec with
     * no SES call, and an object switched to Retain after its endpoint was made still deletes it.
     */
    @Test
    void retainOutsideTheAdministratorsNamespacesIsRefusedAndDeletesNothingLess() {
        harness().setting(Setting.RETAIN_NAMESPACES, "archive").start();
        h.create(mre("mail", "kept", s -> s.setDeletionPolicy(DeletionPolicy.Retain)));
        h.awaitReason("mail", "kept", "InvalidSpec", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "kept", "Stalled").orElseThrow().getMessage())
                .contains("spec.deletionPolicy: Retain is not allowed in namespace 'mail'")
                .contains("SES_MRE_RETAIN_NAMESPACES");
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT)).isZero();

        h.create(mre("mail", "switched", s -> {}));
        h.awaitReady("mail", "switched");
        client.resources(MultiRegionEndpoint.class)
                .inNamespace("mail")
                .withName("switched")
                .edit(m -> {
                    m.getSpec().setDeletionPolicy(DeletionPolicy.Retain);
                    return m;
                });
        h.awaitReason("mail", "switched", "InvalidSpec", Duration.ofSeconds(20));
        h.delete("mail", "switched");
        h.awaitGone("mail", "switched");
        assertThat(h.ses.findEndpoint("us-east-1", "switched"))
                .as("deleted: Retain is not this namespace's to use")
                .isEmpty();

        h.create(mre("archive", "kept", s -> s.setDeletionPolicy(DeletionPolicy.Retain)));
        h.awaitReady("archive", "kept");
        h.delete("archive", "kept");
        h.awaitGone("archive", "kept");
        assertThat(h.ses.findEndpoint("us-east-1", "kept"))
                .as("allowed there: kept")
                .isPresent();
    }
}
