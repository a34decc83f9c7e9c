package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.Sending;
import dev.mre.operator.config.Setting;
import dev.mre.sesemulator.IdentityView;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * SendingReady through the real reconciler, the real AWS SDK and the SES emulator (the fabric8 mock server stands in
 * for the API server): ReplicaMissing, then True once the object asks for a replica the administrator allows, False
 * again when the secondary region pauses sending (seen on the refresh annotation), and no replica call for a BYODKIM
 * parent. Ready is True throughout: SendingReady is not part of it. The gauge of objects by SendingReady reason and
 * the Events of its transitions.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SendingScenariosTest extends ScenarioTest {

    @Test
    void replicaMissingThenCreatedThenPausedInTheSecondary() {
        h = new OperatorHarness(client, s -> s);
        h.setting(Setting.ALLOW_REPLICA_IDENTITIES, "true").start();
        try (SesV2Client us = client(Region.US_EAST_1);
                SesV2Client eu = client(Region.EU_WEST_1)) {
            us.createEmailIdentity(r -> r.emailIdentity("example.com"));
            h.ses.verifyIdentity("us-east-1", "example.com");
            us.createConfigurationSet(r -> r.configurationSetName("tx"));
            eu.createConfigurationSet(r -> r.configurationSetName("tx"));
        }
        h.create(mre("mail", "send", s -> s.setSending(withSet(sending(false, "example.com")))));
        h.awaitReady("mail", "send");
        Condition missing = awaitSending("mail", "send", "ReplicaMissing");
        assertThat(missing.getStatus()).isEqualTo("False");
        assertThat(missing.getMessage())
                .contains("eu-west-1: domain example.com does not exist")
                .contains("spec.sending.createReplicas: true");
        assertThat(h.ses.calls().count(Operation.CREATE_EMAIL_IDENTITY)).isEqualTo(1); // the test's own

        client.resources(MultiRegionEndpoint.class)
                .inNamespace("mail")
                .withName("send")
                .edit(m -> {
                    m.getSpec().setSending(withSet(sending(true, "example.com")));
                    return m;
                });
        Condition ready = awaitSending("mail", "send", "Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        IdentityView replica = h.ses.findIdentity(h.ses.accountId(), "eu-west-1", "example.com")
                .orElseThrow();
        assertThat(replica.signingAttributesOrigin()).isEqualTo("AWS_SES_US_EAST_1");
        assertThat(replica.tags())
                .containsEntry("ses.mre.dev/created-by-cluster", OperatorHarness.CLUSTER_ID)
                .containsEntry("ses.mre.dev/created-for", "mail/send");
        assertThat(h.ses.calls().count(Operation.CREATE_EMAIL_IDENTITY)).isEqualTo(2);

        h.ses.sendingEnabled("eu-west-1", false);
        refresh("mail", "send", "1");
        Condition paused = awaitSending("mail", "send", "SendingPaused");
        assertThat(paused.getStatus()).isEqualTo("False");
        assertThat(paused.getMessage()).startsWith("eu-west-1: sending is paused");
        assertThat(h.condition("mail", "send", "Ready").orElseThrow().getStatus())
                .isEqualTo("True");

        h.delete("mail", "send");
        h.awaitGone("mail", "send");
        assertThat(h.ses.findIdentity(h.ses.accountId(), "eu-west-1", "example.com"))
                .as("a replica is never deleted")
                .isPresent();
    }

    @Test
    void aParentWithoutEasyDkimGetsNoReplicaCall() {
        h = new OperatorHarness(client, s -> s);
        h.setting(Setting.ALLOW_REPLICA_IDENTITIES, "true").start();
        try (SesV2Client us = client(Region.US_EAST_1)) {
            us.createEmailIdentity(r -> r.emailIdentity("byo.example.com")
                    .dkimSigningAttributes(d -> d.domainSigningSelector("s1").domainSigningPrivateKey(PRIVATE_KEY)));
            h.ses.verifyIdentity("us-east-1", "byo.example.com");
        }
        h.create(mre("mail", "byo", s -> s.setSending(sending(true, "byo.example.com"))));
        Condition c = awaitSending("mail", "byo", "ParentNotEasyDkim");
        assertThat(c.getMessage()).contains("does not use Easy DKIM");
        assertThat(h.ses.calls().count(Operation.CREATE_EMAIL_IDENTITY)).isEqualTo(1);
    }

    @Test
    void withoutTheAdministratorsSettingNoReplicaIsMade() {
        harness().start();
        try (SesV2Client us = client(Region.US_EAST_1)) {
            us.createEmailIdentity(r -> r.emailIdentity("example.com"));
            h.ses.verifyIdentity("us-east-1", "example.com");
        }
        h.create(mre("mail", "asks", s -> s.setSending(sending(true, "example.com"))));
        Condition c = awaitSending("mail", "asks", "ReplicaMissing");
        assertThat(c.getMessage()).contains(Setting.ALLOW_REPLICA_IDENTITIES.env);
        assertThat(h.ses.calls().count(Operation.CREATE_EMAIL_IDENTITY)).isEqualTo(1);
    }

    /**
     * The gauge ses_mre_sending_ready_objects counts the objects with spec.sending by reason (an object without it
     * counts nowhere), follows a transition, and loses an object however it goes: deleted (finalizer released) or
     * gone with its finalizer removed by hand (the sweep). Each transition is one Event on the object: Warning for
     * ReplicaMissing, Normal SendingReady for True.
     */
    @Test
    void theGaugeAndTheEventsFollowSendingReadyAndForgetGoneObjects() {
        harness().start();
        try (SesV2Client us = client(Region.US_EAST_1)) {
            us.createEmailIdentity(r -> r.emailIdentity("example.com"));
            us.createEmailIdentity(r -> r.emailIdentity("other.example.com"));
        }
        h.ses.verifyIdentity("us-east-1", "example.com");
        h.ses.verifyIdentity("us-east-1", "other.example.com");
        h.create(mre("mail", "one", s -> s.setSending(sending(false, "example.com"))));
        h.create(mre("mail", "two", s -> s.setSending(sending(false, "other.example.com"))));
        h.create(mre("mail", "plain", s -> {}));
        awaitSending("mail", "one", "ReplicaMissing");
        awaitSending("mail", "two", "ReplicaMissing");
        h.awaitReady("mail", "plain");
        awaitScrape(series("False", "ReplicaMissing") + "2.0", series("True", "Ready") + "0.0");
        assertThat(h.registry.scrape()).contains(series("False", "EndpointNotReady") + "0.0");
        assertThat(sendingEvents("one"))
                .as("one Event per transition: EndpointNotReady while SES made the endpoint, then ReplicaMissing")
                .containsExactlyInAnyOrder("Normal EndpointNotReady", "Warning ReplicaMissing");
        assertThat(sendingEvents("plain")).isEmpty();

        try (SesV2Client eu = client(Region.EU_WEST_1)) {
            eu.createEmailIdentity(r -> r.emailIdentity("example.com"));
        }
        h.ses.verifyIdentity("eu-west-1", "example.com");
        refresh("mail", "one", "1");
        awaitSending("mail", "one", "Ready");
        awaitScrape(series("False", "ReplicaMissing") + "1.0", series("True", "Ready") + "1.0");
        assertThat(sendingEvents("one")).contains("Normal SendingReady");
        assertThat(events("mail").stream()
                        .filter(e -> "SendingReady".equals(e.getReason()))
                        .findFirst()
                        .orElseThrow()
                        .getMessage())
                .isEqualTo("SendingReady True: both regions (us-east-1, eu-west-1) can send from example.com");

        h.delete("mail", "one");
        h.awaitGone("mail", "one");
        var two =
                client.resources(MultiRegionEndpoint.class).inNamespace("mail").withName("two");
        two.edit(m -> {
            m.getMetadata().setFinalizers(List.of());
            return m;
        });
        two.delete();
        awaitScrape(series("False", "ReplicaMissing") + "0.0", series("True", "Ready") + "0.0");
        assertThat(h.registry.scrape().lines().filter(l -> l.startsWith("ses_mre_sending_ready_objects{")))
                .as("nothing left of the objects that went")
                .allMatch(l -> l.endsWith(" 0.0"));
    }

    static String series(String status, String reason) {
        return "ses_mre_sending_ready_objects{reason=\"" + reason + "\",status=\"" + status + "\"} ";
    }

    void awaitScrape(String... lines) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String scrape = h.registry.scrape();
                    return Arrays.stream(lines).allMatch(scrape::contains);
                });
    }

    /** "type reason" of the SendingReady Events of object {@code name} (their message starts with the condition). */
    List<String> sendingEvents(String name) {
        return events("mail").stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .filter(e -> e.getMessage().startsWith("SendingReady "))
                .map(e -> e.getType() + " " + e.getReason())
                .toList();
    }

    /** A 2048-bit RSA key in base64 would do; the emulator takes any non-empty key for BYODKIM. */
    static final String PRIVATE_KEY = "TUlJQ2RRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbDh3Z2dKYkFnRUFBb0dCQUw=";

    static Sending sending(boolean createReplicas, String... identities) {
        Sending s = new Sending();
        s.setIdentities(List.of(identities));
        s.setCreateReplicas(createReplicas ? true : null);
        return s;
    }

    static Sending withSet(Sending s) {
        s.setConfigurationSets(List.of("tx"));
        return s;
    }

    Condition awaitSending(String ns, String name, String reason) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> h.condition(ns, name, "SendingReady")
                        .map(c -> reason.equals(c.getReason()))
                        .orElse(false));
        return h.condition(ns, name, "SendingReady").orElseThrow();
    }

    void refresh(String ns, String name, String value) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace(ns)
                .withName(name)
                .edit(m -> {
                    var a = m.getMetadata().getAnnotations() == null
                            ? new HashMap<String, String>()
                            : new HashMap<>(m.getMetadata().getAnnotations());
                    a.put(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION, value);
                    m.getMetadata().setAnnotations(a);
                    return m;
                });
    }

    SesV2Client client(Region region) {
        return SesV2Client.builder()
                .endpointOverride(h.ses.endpoint())
                .region(region)
                .credentialsProvider(
                        StaticCredentialsProvider.create(h.credentials().resolveCredentials()))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }
}
