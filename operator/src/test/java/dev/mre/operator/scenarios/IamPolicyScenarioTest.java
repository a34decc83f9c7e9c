package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.Tag;
import dev.mre.sesemulator.Credentials;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * The IAM policy the project documents (docs/iam/operator-policy.json), evaluated by the SES emulator for the
 * operator's IAM user: everything the operator does works under it, and what it must never do is refused by it
 * too (defense in depth: the operator's own rules are tested elsewhere; this proves the documented policy).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class IamPolicyScenarioTest extends ScenarioTest {

    static final Path POLICY = Path.of("../docs/iam/operator-policy.json");

    SesV2Client outsider;

    @AfterEach
    void closeOutsider() {
        if (outsider != null) {
            outsider.close();
        }
    }

    /** The documented policy with this emulator's account and the harness's cluster id for the placeholders. */
    String policy() throws Exception {
        return policyFor(OperatorHarness.CLUSTER_ID);
    }

    String policyFor(String clusterId) throws Exception {
        return Files.readString(POLICY)
                .replace("111122223333", h.ses.accountId())
                .replace("EXAMPLE-CLUSTER-ID", clusterId);
    }

    /**
     * A handover between two clusters of one account, each operator its own IAM user under the documented policy
     * for its own cluster id: A writes the handover tag, B writes its owner tag and removes the handover tag, and
     * nothing is refused; B's policy does not let it take an endpoint handed to another cluster.
     */
    @Test
    void aHandoverWorksUnderEachClustersDocumentedPolicy() throws Exception {
        String shard = "test.ses.mre.dev/cluster";
        h = new OperatorHarness(client, s -> s)
                .setting(dev.mre.operator.config.Setting.CLUSTER_ID, "cluster-a")
                .setting(dev.mre.operator.config.Setting.WATCH_LABEL_SELECTOR, shard + "=a");
        Credentials userB = new Credentials("AKIDCLUSTERB", "cluster-b-secret", h.ses.accountId(), "operator-b");
        h.ses.addCredentials(userB);
        h.ses.updateSettings(s -> s.withPolicy(h.ses.primaryCredentials().userArn(), policyUnchecked("cluster-a"))
                .withPolicy(userB.userArn(), policyUnchecked("cluster-b")));
        OperatorHarness b = h.sharingTheEmulator()
                .setting(dev.mre.operator.config.Setting.CLUSTER_ID, "cluster-b")
                .setting(dev.mre.operator.config.Setting.WATCH_LABEL_SELECTOR, shard + "=b");
        try (b) {
            h.start();
            b.start(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDCLUSTERB", "cluster-b-secret")),
                    g -> g);
            MultiRegionEndpoint inA = mre("mail", "orders", s -> {});
            inA.getMetadata().setLabels(Map.of(shard, "a"));
            h.create(inA);
            h.awaitReady("mail", "orders");
            client.resources(MultiRegionEndpoint.class)
                    .inNamespace("mail")
                    .withName("orders")
                    .edit(m -> {
                        m.getMetadata().setAnnotations(Map.of(MultiRegionEndpoint.HANDOVER_ANNOTATION, "cluster-b"));
                        return m;
                    });
            h.awaitReason("mail", "orders", "HandedOver", Duration.ofSeconds(20));
            h.delete("mail", "orders");
            h.awaitGone("mail", "orders");
            MultiRegionEndpoint inB = mre("mail", "orders", s -> {});
            inB.getMetadata().setLabels(Map.of(shard, "b"));
            h.create(inB);
            b.awaitReady("mail", "orders");
            assertThat(h.ses.findEndpoint("us-east-1", "orders").orElseThrow().tags())
                    .containsEntry(
                            MultiRegionEndpoint.OWNER_TAG,
                            dev.mre.operator.aws.OwnerTag.of("cluster-b", h.namespaceUid("mail"), "orders"))
                    .doesNotContainKey(MultiRegionEndpoint.HANDOVER_TAG);
            assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT))
                    .isZero();

            // what the policy still refuses B: an endpoint handed to another cluster, or none
            outsider = outsider("us-east-1");
            outsider.createMultiRegionEndpoint(b2 -> b2.endpointName("to-c")
                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                    .tags(
                            t -> t.key(MultiRegionEndpoint.OWNER_TAG).value("cluster-a/uid/to-c"),
                            t -> t.key(MultiRegionEndpoint.HANDOVER_TAG).value("cluster-c/mail/to-c")));
            String toC = h.ses.arn("us-east-1", "to-c");
            try (SesV2Client asB = SesV2Client.builder()
                    .endpointOverride(h.ses.endpoint())
                    .region(Region.of("us-east-1"))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIDCLUSTERB", "cluster-b-secret")))
                    .httpClientBuilder(Apache5HttpClient.builder())
                    .build()) {
                assertThatThrownBy(() -> asB.tagResource(r -> r.resourceArn(toC)
                                .tags(t -> t.key(MultiRegionEndpoint.OWNER_TAG).value("cluster-b/uid/to-c"))))
                        .isInstanceOf(SesV2Exception.class)
                        .satisfies(e -> assertThat(
                                        ((SesV2Exception) e).awsErrorDetails().errorCode())
                                .isEqualTo("AccessDeniedException"));
            }
            assertThat(h.ses.calls().countOutcome("AccessDeniedException"))
                    .as("only the forged take-over was refused")
                    .isEqualTo(1);
        }
    }

    /** Someone else in the account (console, Terraform): a user the policy does not apply to. */
    SesV2Client outsider(String region) {
        h.ses.addCredentials(new Credentials("AKIDOUTSIDER", "outsider-secret", h.ses.accountId(), "terraform"));
        return SesV2Client.builder()
                .endpointOverride(h.ses.endpoint())
                .region(Region.of(region))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOUTSIDER", "outsider-secret")))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    /** The operator's own credentials, used directly, as a buggy or compromised operator would. */
    SesV2Client asTheOperator(String region) {
        return SesV2Client.builder()
                .endpointOverride(h.ses.endpoint())
                .region(Region.of(region))
                .credentialsProvider(h.credentials())
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    @Test
    void theOperatorWorksUnderTheDocumentedPolicy() throws Exception {
        h = new OperatorHarness(client, s -> s);
        h.ses.updateSettings(s -> s.withPolicy(h.ses.primaryCredentials().userArn(), policyUnchecked()));
        outsider = outsider("us-east-1");
        outsider.createMultiRegionEndpoint(b -> b.endpointName("handed-over")
                .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                .tags(t -> t.key(MultiRegionEndpoint.ADOPTABLE_TAG)
                        .value(OperatorHarness.CLUSTER_ID + "/mail/handed-over")));
        outsider.createMultiRegionEndpoint(b -> b.endpointName("elsewhere")
                .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                .tags(t -> t.key(MultiRegionEndpoint.OWNER_TAG).value("other-cluster/uid/elsewhere")));
        h.start();

        // create, tag sync, adoption, a conflict, deletion: all under the policy
        h.create(mre("mail", "global-mail", s -> {}));
        h.create(mre("mail", "handed-over", s -> s.setAdoptionPolicy(AdoptionPolicy.Adopt)));
        h.create(mre("mail", "elsewhere", s -> {}));
        MultiRegionEndpoint ready = h.awaitReady("mail", "global-mail");
        h.awaitReady("mail", "handed-over");
        h.awaitReason("mail", "elsewhere", "EndpointNameConflict", Duration.ofSeconds(20));
        ready.getSpec().setTags(List.of(new Tag("team", "platform")));
        client.resource(ready).update();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> "platform"
                        .equals(h.ses.findEndpoint("us-east-1", "global-mail")
                                .orElseThrow()
                                .tags()
                                .get("team")));
        h.delete("mail", "global-mail");
        h.delete("mail", "elsewhere");
        h.awaitGone("mail", "global-mail");
        h.awaitGone("mail", "elsewhere");

        assertThat(h.ses.calls().countOutcome("AccessDeniedException"))
                .as("nothing the operator did was refused")
                .isZero();
        assertThat(h.ses.findEndpoint("us-east-1", "global-mail")).isEmpty();
        assertThat(h.ses.findEndpoint("us-east-1", "handed-over").orElseThrow().tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, h.owner("mail", "handed-over"))
                .doesNotContainKey(MultiRegionEndpoint.ADOPTABLE_TAG);
        assertThat(h.ses.findEndpoint("us-east-1", "elsewhere")).isPresent();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
    }

    @Test
    void whatTheOperatorMustNeverDoIsRefusedByThePolicyToo() throws Exception {
        h = new OperatorHarness(client, s -> s);
        h.ses.updateSettings(s -> s.withPolicy(h.ses.primaryCredentials().userArn(), policyUnchecked()));
        outsider = outsider("us-east-1");
        outsider.createMultiRegionEndpoint(b -> b.endpointName("theirs")
                .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                .tags(t -> t.key(MultiRegionEndpoint.OWNER_TAG).value("other-cluster/uid/theirs")));
        outsider.createMultiRegionEndpoint(
                b -> b.endpointName("unmarked").details(d -> d.routesDetails(r -> r.region("eu-west-1"))));
        String ours = OperatorHarness.CLUSTER_ID + "/uid/mine";
        try (SesV2Client op = asTheOperator("us-east-1");
                SesV2Client far = asTheOperator("ap-south-1")) {
            op.createMultiRegionEndpoint(b -> b.endpointName("mine")
                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                    .tags(t -> t.key(MultiRegionEndpoint.OWNER_TAG).value(ours)));
            String theirs = h.ses.arn("us-east-1", "theirs");
            String unmarked = h.ses.arn("us-east-1", "unmarked");
            String mine = h.ses.arn("us-east-1", "mine");
            Map<String, Runnable> refused = Map.of(
                    "delete another cluster's endpoint",
                            () -> op.deleteMultiRegionEndpoint(b -> b.endpointName("theirs")),
                    "retag another cluster's endpoint as ours",
                            () -> op.tagResource(b -> b.resourceArn(theirs)
                                    .tags(t ->
                                            t.key(MultiRegionEndpoint.OWNER_TAG).value(ours))),
                    "take over an unmanaged endpoint nobody marked adoptable",
                            () -> op.tagResource(b -> b.resourceArn(unmarked)
                                    .tags(t ->
                                            t.key(MultiRegionEndpoint.OWNER_TAG).value(ours))),
                    "hand our endpoint to another owner",
                            () -> op.tagResource(b -> b.resourceArn(mine)
                                    .tags(t ->
                                            t.key(MultiRegionEndpoint.OWNER_TAG).value("other-cluster/x/y"))),
                    "remove our owner tag",
                            () -> op.untagResource(b -> b.resourceArn(mine).tagKeys(MultiRegionEndpoint.OWNER_TAG)),
                    "create without the owner tag",
                            () -> op.createMultiRegionEndpoint(b -> b.endpointName("untagged")
                                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))),
                    "create in a region outside the allow-list",
                            () -> far.createMultiRegionEndpoint(b -> b.endpointName("far")
                                    .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                                    .tags(t ->
                                            t.key(MultiRegionEndpoint.OWNER_TAG).value(ours))));
            refused.forEach((what, call) -> assertThatThrownBy(call::run)
                    .as(what)
                    .isInstanceOf(SesV2Exception.class)
                    .satisfies(e -> assertThat(
                                    ((SesV2Exception) e).awsErrorDetails().errorCode())
                            .isEqualTo("AccessDeniedException")));
            // and what it needs stays allowed
            op.tagResource(b -> b.resourceArn(mine).tags(t -> t.key("team").value("mail")));
            op.untagResource(b -> b.resourceArn(mine).tagKeys("team"));
            op.deleteMultiRegionEndpoint(b -> b.endpointName("mine"));
        }
        assertThat(h.ses.findEndpoint("us-east-1", "theirs")).isPresent();
    }

    private String policyUnchecked() {
        return policyUnchecked(OperatorHarness.CLUSTER_ID);
    }

    private String policyUnchecked(String clusterId) {
        try {
            return policyFor(clusterId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
