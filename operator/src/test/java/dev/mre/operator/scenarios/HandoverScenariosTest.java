package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.aws.OwnerTag;
import dev.mre.operator.config.Setting;
import dev.mre.sesemulator.EndpointView;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Handover between clusters through JOSDK, the AWS SDK and the SES emulator: two operators with different
 * {@code SES_MRE_CLUSTER_ID} ({@value #A} and {@value #B}) share one emulator (one AWS account). They also share the
 * mock API server, so each watches its own shard by the label {@value #SHARD}; the object of "cluster B" with the
 * namespace and name of A's is created after A's object is gone (one API server cannot hold both at once), which is
 * the order of a blue/green migration where A's object is deleted once B's Git sync is ready.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class HandoverScenariosTest extends ScenarioTest {

    static final String A = "cluster-a";
    static final String B = "cluster-b";
    static final String SHARD = "test.ses.mre.dev/cluster";

    OperatorHarness b;

    @BeforeEach
    void twoClusters() {
        harness().setting(Setting.CLUSTER_ID, A).setting(Setting.WATCH_LABEL_SELECTOR, SHARD + "=" + A);
        b = h.sharingTheEmulator()
                .setting(Setting.CLUSTER_ID, B)
                .setting(Setting.WATCH_LABEL_SELECTOR, SHARD + "=" + B);
        h.start();
        b.start();
    }

    @AfterEach
    void stopClusterB() {
        if (b != null) {
            b.close();
        }
    }

    static MultiRegionEndpoint in(String cluster, MultiRegionEndpoint m) {
        m.getMetadata().setLabels(Map.of(SHARD, cluster));
        return m;
    }

    void annotate(String ns, String name, String key, String value) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace(ns)
                .withName(name)
                .edit(m -> {
                    var annotations = new java.util.HashMap<String, String>();
                    if (m.getMetadata().getAnnotations() != null) {
                        annotations.putAll(m.getMetadata().getAnnotations());
                    }
                    if (value == null) {
                        annotations.remove(key);
                    } else {
                        annotations.put(key, value);
                    }
                    m.getMetadata().setAnnotations(annotations);
                    return m;
                });
    }

    EndpointView endpoint(String name) {
        return h.ses.findEndpoint("us-east-1", name).orElseThrow();
    }

    String ownerIn(String cluster, String ns, String name) {
        return OwnerTag.of(cluster, h.namespaceUid(ns), name);
    }

    /** Cluster A's object, handed over, deleted (finalizer released), then cluster B's of the same name takes it. */
    void handOver(String ns, String name, Consumer<String> beforeDeletingInA) {
        h.create(in(A, mre(ns, name, s -> {})));
        h.awaitReady(ns, name);
        annotate(ns, name, MultiRegionEndpoint.HANDOVER_ANNOTATION, B);
        h.awaitReason(ns, name, "HandedOver", Duration.ofSeconds(20));
        beforeDeletingInA.accept(name);
        h.delete(ns, name);
        h.awaitGone(ns, name);
        h.create(in(B, mre(ns, name, s -> {})));
        b.awaitReady(ns, name);
    }

    @Test
    void anEndpointHandedOverMovesToTheOtherClusterWithoutDeleteOrDuplicate() {
        handOver("mail", "orders", name -> {
            EndpointView handed = endpoint(name);
            assertThat(handed.tags())
                    .containsEntry(MultiRegionEndpoint.OWNER_TAG, ownerIn(A, "mail", name))
                    .containsEntry(MultiRegionEndpoint.HANDOVER_TAG, B + "/mail/" + name)
                    .containsEntry(MultiRegionEndpoint.OBJECT_TAG, "mail/" + name);
            var ready = h.condition("mail", name, "Ready").orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getMessage()).contains(B);
            assertThat(h.condition("mail", name, "Stalled").orElseThrow().getStatus())
                    .isEqualTo("False");
        });
        EndpointView taken = endpoint("orders");
        assertThat(taken.tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, ownerIn(B, "mail", "orders"))
                .containsEntry(MultiRegionEndpoint.OBJECT_TAG, "mail/orders")
                .doesNotContainKey(MultiRegionEndpoint.HANDOVER_TAG);
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
        // A's Create, and B's first pass, which creates without a List (as every new object does) and finds the
        // name taken: SES refuses it, so there is never a second endpoint
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(2);
        assertThat(h.ses.endpoints("us-east-1")).hasSize(1);
        assertThat(b.get("mail", "orders").orElseThrow().getStatus().getEndpointId())
                .isEqualTo(taken.endpointId());
        assertThat(b.reason("mail", "orders")).isEqualTo("Available");

        // B owns it now: deleting B's object deletes the endpoint, as for any object of B's
        b.delete("mail", "orders");
        b.awaitGone("mail", "orders");
        // exactly one Delete: a pass on the List that still shows the endpoint READY sees it DELETING (SesEndpoints)
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> h.ses.endpoints("us-east-1").isEmpty());
    }

    @Test
    void removingTheAnnotationBeforeDeletionWithdrawsTheHandover() {
        h.create(in(A, mre("mail", "kept", s -> {})));
        h.awaitReady("mail", "kept");
        annotate("mail", "kept", MultiRegionEndpoint.HANDOVER_ANNOTATION, B);
        h.awaitReason("mail", "kept", "HandedOver", Duration.ofSeconds(20));
        annotate("mail", "kept", MultiRegionEndpoint.HANDOVER_ANNOTATION, null);
        h.awaitReason("mail", "kept", "Available", Duration.ofSeconds(20));
        assertThat(endpoint("kept").tags()).doesNotContainKey(MultiRegionEndpoint.HANDOVER_TAG);
        h.delete("mail", "kept");
        h.awaitGone("mail", "kept");
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
    }

    @Test
    void aHandoverAnnotationNamingThisClusterOrAnInvalidIdIsInvalidSpec() {
        h.create(in(A, mre("mail", "self", s -> {})));
        h.awaitReady("mail", "self");
        annotate("mail", "self", MultiRegionEndpoint.HANDOVER_ANNOTATION, A);
        h.awaitReason("mail", "self", "InvalidSpec", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "self", "Stalled").orElseThrow().getMessage())
                .contains(MultiRegionEndpoint.HANDOVER_ANNOTATION)
                .contains("own id");
        annotate("mail", "self", MultiRegionEndpoint.HANDOVER_ANNOTATION, "not a cluster/id");
        await(() -> h.condition("mail", "self", "Stalled")
                .orElseThrow()
                .getMessage()
                .contains("must be"));
        assertThat(endpoint("self").tags()).doesNotContainKey(MultiRegionEndpoint.HANDOVER_TAG);
    }

    @Test
    void forgedHandoversAreRefused() {
        // to another cluster than B: B's object of the same name does not take it
        h.create(in(A, mre("mail", "to-c", s -> {})));
        h.awaitReady("mail", "to-c");
        annotate("mail", "to-c", MultiRegionEndpoint.HANDOVER_ANNOTATION, "cluster-c");
        h.awaitReason("mail", "to-c", "HandedOver", Duration.ofSeconds(20));
        h.delete("mail", "to-c");
        h.awaitGone("mail", "to-c");
        h.create(in(B, mre("mail", "to-c", s -> {})));
        b.awaitReason("mail", "to-c", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(b.condition("mail", "to-c", "Ready").orElseThrow().getMessage())
                .doesNotContain(ownerIn(A, "mail", "to-c"));

        // to B, but B's object with that endpoint name lives in another namespace
        h.create(in(A, mre("mail", "moved", s -> {})));
        h.awaitReady("mail", "moved");
        annotate("mail", "moved", MultiRegionEndpoint.HANDOVER_ANNOTATION, B);
        h.awaitReason("mail", "moved", "HandedOver", Duration.ofSeconds(20));
        h.create(in(B, mre("billing", "moved", s -> {})));
        b.awaitReason("billing", "moved", "EndpointNameConflict", Duration.ofSeconds(20));

        // the annotation on an object that does not own the endpoint writes nothing
        h.create(in(A, mre("team-x", "grab", s -> s.setEndpointName("moved"))));
        h.awaitReason("team-x", "grab", "EndpointNameConflict", Duration.ofSeconds(20));
        annotate("team-x", "grab", MultiRegionEndpoint.HANDOVER_ANNOTATION, B);
        h.delete("team-x", "grab");
        h.awaitGone("team-x", "grab");
        h.create(in(B, mre("team-x", "grab", s -> s.setEndpointName("moved"))));
        b.awaitReason("team-x", "grab", "EndpointNameConflict", Duration.ofSeconds(20));

        assertThat(endpoint("to-c").tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, ownerIn(A, "mail", "to-c"))
                .containsEntry(MultiRegionEndpoint.HANDOVER_TAG, "cluster-c/mail/to-c");
        assertThat(endpoint("moved").tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, ownerIn(A, "mail", "moved"))
                .containsEntry(MultiRegionEndpoint.HANDOVER_TAG, B + "/mail/moved");
        assertThat(h.reason("mail", "moved")).isEqualTo("HandedOver");
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
        assertThat(h.ses.endpoints("us-east-1")).hasSize(2);
    }

    static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(condition);
    }
}
