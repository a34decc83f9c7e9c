package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.DkimSigningAttributesOrigin;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * SendEmail through a multi-region endpoint with the real SDK: the SDK signs it with SigV4a (its CRT signer, because
 * the endpoint rules return sigv4a for an EndpointId), the emulator verifies that signature and routes the message.
 */
class SendingTest extends EmulatorTestBase {

    /** What the SDK put on the wire, signed, for each request. */
    static final List<SdkHttpRequest> WIRE = new CopyOnWriteArrayList<>();

    static SesV2Client sesEu;
    /** us-east-1 client that records its signed requests. */
    static SesV2Client recording;

    String endpointId;

    @BeforeAll
    static void clients() {
        sesEu = Sdk.ses(emu, Region.EU_WEST_1);
        recording = SesV2Client.builder()
                .endpointOverride(emu.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(emu.accessKeyId(), emu.secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(
                                    Context.BeforeTransmission context, ExecutionAttributes attributes) {
                                WIRE.add(context.httpRequest());
                            }
                        }))
                .build();
    }

    @AfterAll
    static void closeClients() {
        sesEu.close();
        recording.close();
    }

    /** example.com verified in us-east-1 with a DEED replica in eu-west-1, configuration set "tx" in both, an endpoint. */
    @BeforeEach
    void readyEndpoint() {
        WIRE.clear();
        instantLifecycle();
        ses.createEmailIdentity(r -> r.emailIdentity("example.com"));
        emu.verifyIdentity("us-east-1", "example.com");
        sesEu.createEmailIdentity(r -> r.emailIdentity("example.com")
                .dkimSigningAttributes(
                        d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
        ses.createConfigurationSet(r -> r.configurationSetName("tx"));
        sesEu.createConfigurationSet(r -> r.configurationSetName("tx"));
        endpointId = create(ses, "mail", "eu-west-1", Map.of()).endpointId();
        assertThat(ses.getMultiRegionEndpoint(r -> r.endpointName("mail")).statusAsString())
                .isEqualTo("READY");
    }

    SendEmailRequest message(String endpoint, String configurationSet) {
        return SendEmailRequest.builder()
                .endpointId(endpoint)
                .fromEmailAddress("App <app@example.com>")
                .destination(d -> d.toAddresses("success@simulator.amazonses.com"))
                .content(c -> c.simple(s -> s.subject(t -> t.data("hello")).body(b -> b.text(t -> t.data("hi")))))
                .configurationSetName(configurationSet)
                .build();
    }

    @Test
    void sdkSignsWithSigV4aAndTheEndpointSendsFromItsPrimaryRegion() throws Exception {
        SendEmailResponse sent = recording.sendEmail(message(endpointId, "tx"));
        assertThat(sent.messageId()).isNotBlank();

        // what the SDK's endpoint rules did with endpointOverride + EndpointId: the override's host, SigV4a, region set
        // *
        SdkHttpRequest wire = WIRE.get(WIRE.size() - 1);
        assertThat(wire.host()).isEqualTo("127.0.0.1");
        assertThat(wire.port()).isEqualTo(emu.port());
        assertThat(wire.encodedPath()).isEqualTo("/v2/email/outbound-emails");
        assertThat(wire.firstMatchingHeader("Authorization").orElseThrow())
                .startsWith("AWS4-ECDSA-P256-SHA256 Credential=" + emu.accessKeyId() + "/")
                .contains("/ses/aws4_request")
                .contains("x-amz-region-set");
        assertThat(wire.firstMatchingHeader("X-Amz-Region-Set")).contains("*");

        assertThat(emu.messages()).singleElement().satisfies(m -> {
            assertThat(m.messageId()).isEqualTo(sent.messageId());
            assertThat(m.region()).isEqualTo("us-east-1");
            assertThat(m.endpointId()).isEqualTo(endpointId);
            assertThat(m.failover()).isFalse();
            assertThat(m.sendingIdentity()).isEqualTo("example.com");
            assertThat(m.toAddresses()).containsExactly("success@simulator.amazonses.com");
            assertThat(m.configurationSetName()).isEqualTo("tx");
        });
        HttpResponse<String> admin = SignedHttp.admin(emu, "GET", "/_emulator/messages?endpointId=" + endpointId, null);
        assertThat(admin.body()).contains(sent.messageId()).contains("\"region\":\"us-east-1\"");
        assertThat(emu.calls().count("SendEmail", "200")).isEqualTo(1);
        assertThat(emu.calls().log().get(emu.calls().log().size() - 1).region()).isEqualTo("us-east-1");
        // the message counts in the primary region's quota only
        assertThat(ses.getAccount(r -> {}).sendQuota().sentLast24Hours()).isEqualTo(1.0);
        assertThat(sesEu.getAccount(r -> {}).sendQuota().sentLast24Hours()).isEqualTo(0.0);
    }

    @Test
    void pausedOrUnavailablePrimaryFailsOverToTheSecondary() throws Exception {
        HttpResponse<String> paused = SignedHttp.admin(
                emu, "POST", "/_emulator/account-sending", "{\"region\":\"us-east-1\",\"sendingEnabled\":false}");
        assertThat(paused.statusCode()).isEqualTo(200);
        ses.sendEmail(message(endpointId, "tx"));
        assertThat(emu.messages()).last().satisfies(m -> {
            assertThat(m.region()).isEqualTo("eu-west-1");
            assertThat(m.failover()).isTrue();
        });
        // a regional send in the paused region is refused
        assertThatThrownBy(() -> ses.sendEmail(message(null, "tx"))).isInstanceOf(SendingPausedException.class);

        emu.sendingEnabled("us-east-1", true);
        HttpResponse<String> down = SignedHttp.admin(
                emu, "POST", "/_emulator/region-availability", "{\"region\":\"us-east-1\",\"available\":false}");
        assertThat(down.body()).contains("\"unavailableRegions\":[\"us-east-1\"]");
        ses.sendEmail(message(endpointId, null));
        assertThat(emu.messages()).last().satisfies(m -> assertThat(m.region()).isEqualTo("eu-west-1"));
    }

    @Test
    void bothRegionsPausedIsSendingPaused() {
        emu.sendingEnabled("us-east-1", false);
        emu.sendingEnabled("eu-west-1", false);
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx")))
                .isInstanceOf(SendingPausedException.class)
                .hasMessageContaining("us-east-1");
        // the primary paused and the secondary out of service: the primary answers
        emu.sendingEnabled("eu-west-1", true);
        emu.regionAvailable("eu-west-1", false);
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx")))
                .isInstanceOf(SendingPausedException.class)
                .hasMessageContaining("us-east-1");
        // both out of service: a server error
        emu.regionAvailable("us-east-1", false);
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx")))
                .isInstanceOfSatisfying(
                        SesV2Exception.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(emu.messages()).isEmpty();
    }

    @Test
    void anEndpointThatIsNotReadyTakesNoMail() {
        emu.updateSettings(s -> s.withCreateDelay(java.time.Duration.ofMinutes(1)));
        String creating = create(ses, "later", "eu-west-1", Map.of()).endpointId();
        assertThatThrownBy(() -> ses.sendEmail(message(creating, "tx")))
                .isInstanceOfSatisfying(
                        SesV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadRequestException"))
                .hasMessageContaining("CREATING");
    }

    @Test
    void refusedWhenTheRoutedRegionIsNotReady() {
        emu.sendingEnabled("us-east-1", false);
        // the replica follows its parent; overriding it models a replica that is not verified (yet)
        emu.identityStatus(emu.accountId(), "eu-west-1", "example.com", "PENDING");
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx")))
                .isInstanceOf(MessageRejectedException.class)
                .hasMessageContaining("EU-WEST-1")
                .hasMessageContaining("app@example.com");
        emu.identityStatus(emu.accountId(), "eu-west-1", "example.com", "SUCCESS");

        sesEu.deleteConfigurationSet(r -> r.configurationSetName("tx"));
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("tx");
        assertThat(emu.messages()).isEmpty();
    }

    @Test
    void unknownEndpointAndUnverifiedSender() {
        assertThatThrownBy(() -> ses.sendEmail(message("nosuch12.abc", "tx"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx").toBuilder()
                        .fromEmailAddress("app@other.org")
                        .build()))
                .isInstanceOf(MessageRejectedException.class);
    }

    @Test
    void sandboxAllowsOnlyVerifiedRecipientsAndTheSimulator() {
        emu.updateAccountSending(emu.accountId(), "us-east-1", a -> a.withProductionAccessEnabled(false));
        ses.sendEmail(message(endpointId, "tx"));
        assertThatThrownBy(() -> ses.sendEmail(message(endpointId, "tx").toBuilder()
                        .destination(d -> d.toAddresses("someone@gmail.com"))
                        .build()))
                .isInstanceOf(MessageRejectedException.class)
                .hasMessageContaining("someone@gmail.com");
    }

    @Test
    void wrongSecretIsRefusedWith403() {
        try (SesV2Client wrong = Sdk.ses(
                emu, Region.US_EAST_1, emu.accessKeyId(), emu.secretAccessKey() + "x", AwsRetryStrategy.doNotRetry())) {
            assertThatThrownBy(() -> wrong.sendEmail(message(endpointId, "tx")))
                    .isInstanceOfSatisfying(SesV2Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    });
        }
        assertThat(emu.messages()).isEmpty();
    }

    @Test
    void regionSetMustCoverTheRoutedRegionAndTheBodyIsSigned() throws Exception {
        URI uri = URI.create(emu.endpoint() + "/v2/email/outbound-emails");
        String body = "{\"EndpointId\":\"" + endpointId + "\",\"FromEmailAddress\":\"app@example.com\","
                + "\"Destination\":{\"ToAddresses\":[\"success@simulator.amazonses.com\"]},"
                + "\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"s\"},\"Body\":{\"Text\":{\"Data\":\"b\"}}}}}";
        String secret = emu.secretAccessKey();
        HttpResponse<String> listed = SignedHttp.send(
                SignedHttp.signV4a(uri, "POST", body, "us-east-1,eu-west-1", "ses", emu.accessKeyId(), secret), body);
        assertThat(listed.statusCode()).isEqualTo(200);

        HttpResponse<String> elsewhere = SignedHttp.send(
                SignedHttp.signV4a(uri, "POST", body, "us-west-2", "ses", emu.accessKeyId(), secret), body);
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        assertThat(elsewhere.body()).contains("us-east-1").contains("X-Amz-Region-Set");

        String tampered = body.replace("\"s\"", "\"t\"");
        HttpResponse<String> changed =
                SignedHttp.send(SignedHttp.signV4a(uri, "POST", body, "*", "ses", emu.accessKeyId(), secret), tampered);
        assertThat(changed.statusCode()).isEqualTo(403);
        assertThat(changed.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");

        // SigV4a is for SendEmail through an endpoint only; an EndpointId under SigV4 is refused
        HttpResponse<String> otherOp = SignedHttp.send(
                SignedHttp.signV4a(
                        URI.create(emu.endpoint() + "/v2/email/account"),
                        "GET",
                        null,
                        "*",
                        "ses",
                        emu.accessKeyId(),
                        secret),
                null);
        assertThat(otherOp.statusCode()).isEqualTo(400);
        HttpResponse<String> v4 = SignedHttp.ses(emu, "POST", "/v2/email/outbound-emails", body);
        assertThat(v4.statusCode()).isEqualTo(400);
        assertThat(v4.body()).contains("SigV4a");
        assertThat(emu.messages()).hasSize(1);
    }

    @Test
    void sessionCredentialsSignWithSigV4aToo() {
        String roleArn = "arn:aws:iam::" + emu.accountId() + ":role/sender";
        emu.updateSettings(
                s -> s.withRole(Role.trusting(roleArn, emu.primaryCredentials().userArn())));
        try (var sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
                var provider = Sdk.assumeRole(
                        sts, roleArn, "send", java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2));
                SesV2Client asRole = Sdk.ses(emu, Region.US_EAST_1, provider)) {
            asRole.sendEmail(message(endpointId, "tx"));
        }
        assertThat(emu.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.accessKeyId()).startsWith("ASIA"));
    }

    @Test
    void policyCanPinTheEndpointId() {
        emu.updateSettings(s -> s.withPolicy(
                emu.primaryCredentials().userArn(),
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"},"
                        + "{\"Effect\":\"Deny\",\"Action\":\"ses:SendEmail\",\"Resource\":\"*\",\"Condition\":"
                        + "{\"StringNotEquals\":{\"ses:MultiRegionEndpointId\":\"" + endpointId + "\"}}}]}"));
        ses.sendEmail(message(endpointId, "tx"));
        assertThatThrownBy(() -> ses.sendEmail(message(null, "tx")))
                .isInstanceOfSatisfying(
                        SesV2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"))
                .hasMessageContaining("identity/example.com");
    }

    @Test
    void regionalSendWithoutEndpointUsesSigV4() {
        sesEu.sendEmail(message(null, "tx"));
        assertThat(emu.messages()).singleElement().satisfies(m -> {
            assertThat(m.region()).isEqualTo("eu-west-1");
            assertThat(m.endpointId()).isNull();
        });
        recording.sendEmail(message(null, null));
        assertThat(WIRE.get(WIRE.size() - 1)
                        .firstMatchingHeader("Authorization")
                        .orElseThrow())
                .startsWith("AWS4-HMAC-SHA256 Credential=" + emu.accessKeyId() + "/")
                .contains("/us-east-1/ses/aws4_request");
    }
}
