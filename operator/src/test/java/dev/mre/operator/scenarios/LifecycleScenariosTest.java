package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.EndpointDetails;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.aws.EndpointRef;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.SesGateway;
import dev.mre.sesemulator.EndpointView;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** Lifecycle scenarios of the contract, end to end through JOSDK, the AWS SDK and the SES emulator. */
@EnableKubernetesMockClient(crud = true, https = false)
class LifecycleScenariosTest extends ScenarioTest {

    @Test
    void createsToReadyWithTagsAndOwnershipTagThenSyncsATagChange() {
        harness().start();
        recordGolden();
        h.create(mre("mail", "global-mail", s -> {}));
        MultiRegionEndpoint ready = h.awaitReady("mail", "global-mail");

        EndpointView ep = h.ses.findEndpoint("us-east-1", "global-mail").orElseThrow();
        assertThat(ep.secondaryRegion()).isEqualTo("eu-west-1");
        assertThat(ep.tags())
                .containsEntry("team", "mail")
                .containsEntry(MultiRegionEndpoint.OWNER_TAG, owner("mail", "global-mail"));
        var st = ready.getStatus();
        assertThat(st.getEndpointId()).isEqualTo(ep.endpointId());
        assertThat(st.getEndpointStatus()).isEqualTo("READY");
        assertThat(st.getArn())
                .isEqualTo("arn:aws:ses:us-east-1:" + h.ses.accountId() + ":multi-region-endpoint/global-mail");
        assertThat(st.getRegions()).containsExactlyInAnyOrder("us-east-1", "eu-west-1");
        assertThat(st.getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
        assertThat(st.getCreatedTimestamp()).isNotNull();
        assertThat(ready.getMetadata().getFinalizers()).contains(MultiRegionEndpoint.FINALIZER);
        assertThat(h.condition("mail", "global-mail", "Reconciling")
                        .orElseThrow()
                        .getStatus())
                .isEqualTo("False");
        assertThat(h.condition("mail", "global-mail", "Stalled").orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(events("mail")).extracting(Event::getReason).contains("Creating", "Available");
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(1);

        // a tag edit: changed value, new tag, removed tag; the ownership tag stays
        ready.getSpec().setTags(List.of(new Tag("team", "platform"), new Tag("tier", "gold")));
        client.resource(ready).update();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> h.ses.findEndpoint("us-east-1", "global-mail")
                        .map(e -> e.tags()
                                .equals(Map.of(
                                        "team",
                                        "platform",
                                        "tier",
                                        "gold",
                                        MultiRegionEndpoint.OWNER_TAG,
                                        owner("mail", "global-mail"),
                                        MultiRegionEndpoint.OBJECT_TAG,
                                        "mail/global-mail")))
                        .orElse(false));
        h.awaitReady("mail", "global-mail");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.get("mail", "global-mail")
                        .orElseThrow()
                        .getStatus()
                        .getObservedGeneration()
                        .equals(h.get("mail", "global-mail")
                                .orElseThrow()
                                .getMetadata()
                                .getGeneration()));
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
        assertMatchesGolden();
    }

    @Test
    void deletionDeletesTheEndpointWaitsUntilGoneThenReleasesTheFinalizer() {
        harness().start();
        recordGolden();
        h.create(mre("mail", "to-delete", s -> {}));
        h.awaitReady("mail", "to-delete");
        h.delete("mail", "to-delete");
        h.awaitGone("mail", "to-delete");
        assertThat(h.ses.findEndpoint("us-east-1", "to-delete"))
                .as("endpoint deleted before release")
                .isEmpty();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT))
                .as("one DeleteMultiRegionEndpoint, then polls until SES has deleted it")
                .isEqualTo(1);
        assertMatchesGolden();
    }

    @Test
    void retainKeepsTheEndpoint() {
        harness().start();
        recordGolden();
        h.create(mre("mail", "kept", s -> s.setDeletionPolicy(DeletionPolicy.Retain)));
        h.awaitReady("mail", "kept");
        h.delete("mail", "kept");
        h.awaitGone("mail", "kept");
        assertThat(h.ses.findEndpoint("us-east-1", "kept")).isPresent();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT)).isZero();
        assertMatchesGolden();
    }

    @Test
    void anEndpointDeletedOutOfBandIsReportedThenRecreated() {
        harness().start();
        recordGolden();
        h.create(mre("mail", "fragile", s -> {}));
        String firstId = h.awaitReady("mail", "fragile").getStatus().getEndpointId();
        try (SesV2Client outsider = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            outsider.deleteMultiRegionEndpoint(b -> b.endpointName("fragile"));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.get("mail", "fragile")
                        .map(m -> m.getStatus().getEndpointId() != null
                                && !m.getStatus().getEndpointId().equals(firstId)
                                && "Available".equals(h.reason("mail", "fragile")))
                        .orElse(false));
        assertThat(events("mail")).extracting(Event::getReason).contains("DeletedOutOfBand");
        assertThat(h.ses.endpoints()).hasSize(1);
        assertMatchesGolden();
    }

    @Test
    void anOperatorKilledBetweenCreateAndTheStatusWriteNeverCreatesTwice() throws Exception {
        harness();
        CountDownLatch crashed = new CountDownLatch(1);
        h.start(h.credentials(), real -> new CrashAfterCreate(real, crashed));
        h.create(mre("mail", "crashy", s -> {}));
        assertThat(crashed.await(20, TimeUnit.SECONDS)).isTrue();
        h.stopOperator();
        assertThat(h.get("mail", "crashy").orElseThrow().getStatus())
                .satisfiesAnyOf(
                        s -> assertThat(s).isNull(),
                        s -> assertThat(s.getEndpointId())
                                .as("the status write was lost")
                                .isNull());

        h.start();
        h.awaitReady("mail", "crashy");
        // the restarted operator may try again (Create without a probe) and learn from AlreadyExists that the
        // endpoint, tagged with its own owner tag, is its own: one endpoint, created once
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT, "200"))
                .isEqualTo(1);
        assertThat(h.ses.endpoints()).hasSize(1);
    }

    @Test
    void wrongCredentialsAreReportedAsAccessDeniedAndNeverLogged() {
        String secret = "wrong-secret-do-not-log-0123456789";
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try {
            harness();
            h.start(StaticCredentialsProvider.create(AwsBasicCredentials.create(h.ses.accessKeyId(), secret)), g -> g);
            h.create(mre("mail", "denied", s -> {}));
            h.awaitReason("mail", "denied", "AccessDenied", Duration.ofSeconds(20));
            assertThat(h.condition("mail", "denied", "Stalled").orElseThrow().getMessage())
                    .containsPattern("InvalidSignatureException|SignatureDoesNotMatch")
                    .doesNotContain(secret);
            assertThat(h.ses.endpoints()).isEmpty();
            List<ILoggingEvent> logged;
            synchronized (logs) { // appends hold the appender's lock; the unit phase runs other classes meanwhile
                logged = new ArrayList<>(logs.list);
            }
            assertThat(logged)
                    .isNotEmpty()
                    .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(secret));
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void anInvalidSpecIsStalledWithoutAnyAwsCallAndDeletesCleanly() {
        harness().start();
        recordGolden();
        // the mock API server does not run the CRD's CEL rules: this is "a CRD installed without validation"
        h.create(mre("mail", "bad", s -> {
            s.setDetails(new EndpointDetails(List.of(new RouteDetails("us-east-1"))));
            s.setTags(List.of(new Tag("aws:reserved", "x")));
        }));
        h.awaitReason("mail", "bad", "InvalidSpec", Duration.ofSeconds(20));
        String message = h.condition("mail", "bad", "Stalled").orElseThrow().getMessage();
        assertThat(message).contains("spec.details.routesDetails[0].region").contains("spec.tags[0].key");
        h.delete("mail", "bad");
        h.awaitGone("mail", "bad");
        assertThat(h.ses.calls().total()).isZero();
        assertMatchesGolden();
    }

    /**
     * Simulates a crash: the endpoint is created in SES, then the process dies before writing status. A dead
     * process makes no further call, however long stopping the rest of the test's operator takes.
     */
    static final class CrashAfterCreate implements SesGateway {
        private final SesGateway real;
        private final CountDownLatch crashed;

        CrashAfterCreate(SesGateway real, CountDownLatch crashed) {
            this.real = real;
            this.crashed = crashed;
        }

        private SesGateway alive() {
            if (crashed.getCount() == 0) {
                throw new IllegalStateException("simulated crash: this operator is dead");
            }
            return real;
        }

        @Override
        public List<ObservedEndpoint> list(AwsIdentity i, String region) {
            return alive().list(i, region);
        }

        @Override
        public Optional<ObservedEndpoint> get(EndpointRef e) {
            return alive().get(e);
        }

        @Override
        public Created create(EndpointRef e, String s, Map<String, String> t) {
            alive().create(e, s, t);
            crashed.countDown();
            throw new IllegalStateException("simulated crash after CreateMultiRegionEndpoint");
        }

        @Override
        public EndpointStatus delete(EndpointRef e) {
            return alive().delete(e);
        }

        @Override
        public Map<String, String> listTags(EndpointRef e) {
            return alive().listTags(e);
        }

        @Override
        public void tag(EndpointRef e, Map<String, String> t) {
            alive().tag(e, t);
        }

        @Override
        public void untag(EndpointRef e, Set<String> k) {
            alive().untag(e, k);
        }

        @Override
        public String arn(EndpointRef e) {
            return alive().arn(e);
        }

        @Override
        public String account(AwsIdentity i) {
            return alive().account(i);
        }

        @Override
        public Optional<dev.mre.operator.aws.SendingFacts.Identity> emailIdentity(
                AwsIdentity i, String region, String name) {
            return alive().emailIdentity(i, region, name);
        }

        @Override
        public dev.mre.operator.aws.SendingFacts.Account sendingAccount(AwsIdentity i, String region) {
            return alive().sendingAccount(i, region);
        }

        @Override
        public boolean configurationSetExists(AwsIdentity i, String region, String name) {
            return alive().configurationSetExists(i, region, name);
        }

        @Override
        public void createReplicaIdentity(
                AwsIdentity i, String region, String domain, String parentRegion, Map<String, String> tags) {
            alive().createReplicaIdentity(i, region, domain, parentRegion, tags);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
