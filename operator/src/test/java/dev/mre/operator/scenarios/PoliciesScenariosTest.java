package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.ManagementPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.sesemulator.Credentials;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** managementPolicy: ObserveOnly and the refresh annotation, through JOSDK and the real SDK against the emulator. */
@EnableKubernetesMockClient(crud = true, https = false)
class PoliciesScenariosTest extends ScenarioTest {

    static final Set<Operation> CHANGES = Set.of(
            Operation.CREATE_MULTI_REGION_ENDPOINT,
            Operation.TAG_RESOURCE,
            Operation.UNTAG_RESOURCE,
            Operation.DELETE_MULTI_REGION_ENDPOINT);

    long changes() {
        return CHANGES.stream().mapToLong(op -> h.ses.calls().count(op)).sum();
    }

    /**
     * An endpoint made by someone else (Terraform) is observed with credentials that may only List, Get and ListTags
     * (docs/iam/observe-only-policy.json, evaluated by the emulator): NotFound while it does not exist, Ready with its
     * id once it does, nothing changed, and deleting the object leaves the endpoint.
     */
    @Test
    void anObserveOnlyObjectReportsAnEndpointMadeElsewhereWithAReadOnlyPolicy() throws Exception {
        h = new OperatorHarness(client, s -> s);
        String policy = Files.readString(Path.of("../docs/iam/observe-only-policy.json"))
                .replace("111122223333", h.ses.accountId());
        h.ses.updateSettings(s -> s.withPolicy(h.ses.primaryCredentials().userArn(), policy));
        h.start();
        h.create(mre("mail", "made-by-terraform", s -> s.setManagementPolicy(ManagementPolicy.ObserveOnly)));
        h.awaitReason("mail", "made-by-terraform", "NotFound", Duration.ofSeconds(20));
        assertThat(h.condition("mail", "made-by-terraform", "Reconciling")
                        .orElseThrow()
                        .getStatus())
                .isEqualTo("True");

        String id;
        h.ses.addCredentials(new Credentials("AKIDTERRAFORM", "terraform-secret", h.ses.accountId(), "terraform"));
        try (SesV2Client terraform = SesV2Client.builder()
                .endpointOverride(h.ses.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDTERRAFORM", "terraform-secret")))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build()) {
            id = terraform
                    .createMultiRegionEndpoint(b -> b.endpointName("made-by-terraform")
                            .details(d -> d.routesDetails(r -> r.region("eu-west-1")))
                            .tags(t -> t.key("managed-by").value("terraform")))
                    .endpointId();
        }
        MultiRegionEndpoint ready = h.awaitReady("mail", "made-by-terraform");
        assertThat(ready.getStatus().getEndpointId()).isEqualTo(id);
        assertThat(ready.getStatus().getRegions()).containsExactlyInAnyOrder("us-east-1", "eu-west-1");

        h.delete("mail", "made-by-terraform");
        h.awaitGone("mail", "made-by-terraform");
        assertThat(h.ses.findEndpoint("us-east-1", "made-by-terraform")
                        .orElseThrow()
                        .tags())
                .isEqualTo(java.util.Map.of("managed-by", "terraform"));
        assertThat(changes()).as("no change by the operator").isEqualTo(1); // terraform's Create
        assertThat(h.ses.calls().log())
                .as("nothing the read-only policy refused")
                .noneMatch(c -> c.httpStatus() == 403);
    }

    /** Manage -> ObserveOnly keeps the endpoint and its tags; deleting then leaves it. */
    @Test
    void switchingToObserveOnlyStopsManagingAndKeepsTheEndpoint() {
        harness().start();
        h.create(mre("mail", "handed", s -> {}));
        h.awaitReady("mail", "handed");
        long before = changes();
        edit("handed", m -> m.getSpec().setManagementPolicy(ManagementPolicy.ObserveOnly));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> h.condition("mail", "handed", "Ready")
                        .map(c -> c.getMessage().contains("observed only"))
                        .orElse(false));
        h.delete("mail", "handed");
        h.awaitGone("mail", "handed");
        assertThat(h.ses.findEndpoint("us-east-1", "handed").orElseThrow().tags())
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, owner("mail", "handed"));
        assertThat(changes()).isEqualTo(before);
    }

    /**
     * A new value of ses.mre.dev/requested-at makes the operator look at once (a Get and a tag read of its own, not
     * waiting for the resync), recorded in status.lastHandledReconcileAt; the same value again costs nothing.
     */
    @Test
    void aNewRequestedAtValueIsHandledOnceWithAGetAndATagRead() {
        h = new OperatorHarness(client, s -> s)
                .timing(BatchObservationTest.NO_SWEEP)
                .start();
        h.create(mre("mail", "refreshed", s -> {}));
        h.awaitReady("mail", "refreshed");
        long gets = h.ses.calls().count(Operation.GET_MULTI_REGION_ENDPOINT);
        long tags = h.ses.calls().count(Operation.LIST_TAGS_FOR_RESOURCE);
        annotate("refreshed", "2026-12-07T06:00:00Z");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "2026-12-07T06:00:00Z"
                        .equals(get("refreshed").getStatus().getLastHandledReconcileAt()));
        assertThat(h.ses.calls().count(Operation.GET_MULTI_REGION_ENDPOINT) - gets)
                .isEqualTo(1);
        assertThat(h.ses.calls().count(Operation.LIST_TAGS_FOR_RESOURCE) - tags).isEqualTo(1);
        // an unrelated annotation (no reconcile) and the same value again: nothing
        annotate("refreshed", "2026-12-07T06:00:00Z");
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .until(() -> h.ses.calls().count(Operation.GET_MULTI_REGION_ENDPOINT) - gets == 1);
    }

    private MultiRegionEndpoint get(String name) {
        return client.resources(MultiRegionEndpoint.class)
                .inNamespace("mail")
                .withName(name)
                .get();
    }

    private void edit(String name, java.util.function.Consumer<MultiRegionEndpoint> change) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace("mail")
                .withName(name)
                .edit(m -> {
                    change.accept(m);
                    return m;
                });
    }

    private void annotate(String name, String value) {
        edit(name, m -> {
            var a = m.getMetadata().getAnnotations() == null
                    ? new HashMap<String, String>()
                    : new HashMap<>(m.getMetadata().getAnnotations());
            a.put(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION, value);
            a.put("unrelated", value + "-x");
            m.getMetadata().setAnnotations(a);
        });
    }
}
