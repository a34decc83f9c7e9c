package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** SigV4 verification, STS GetCallerIdentity, several accounts, and emulated IAM denial. */
class AuthenticationTest extends EmulatorTestBase {

    private static final String CREATE_BODY =
            "{\"EndpointName\":\"raw\",\"Details\":{\"RoutesDetails\":[{\"Region\":\"eu-west-1\"}]}}";

    @Test
    void stsGetCallerIdentityAnswersTheConfiguredAccount() {
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            assertThat(me.account()).isEqualTo("123456789012");
            assertThat(me.arn()).isEqualTo("arn:aws:iam::123456789012:user/emulator");
            assertThat(me.userId()).matches("AIDA[A-Z2-7]{17}");
        }
        assertThat(emu.calls().count("GetCallerIdentity", "200")).isEqualTo(1);
    }

    @Test
    void wrongSecretIsASignatureMismatchForSesAndSts() {
        try (SesV2Client bad = Sdk.ses(
                        emu, Region.US_EAST_1, emu.accessKeyId(), "wrong-secret", AwsRetryStrategy.doNotRetry());
                StsClient badSts = Sdk.sts(emu, emu.accessKeyId(), "wrong-secret")) {
            assertThatThrownBy(() -> bad.listMultiRegionEndpoints(r -> {}))
                    .isInstanceOfSatisfying(SesV2Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .startsWith("The request signature we calculated does not match");
                    });
            assertThatThrownBy(badSts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            });
        }
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "InvalidSignatureException"))
                .isEqualTo(1);
        assertThat(emu.calls().count("GetCallerIdentity", "SignatureDoesNotMatch"))
                .isEqualTo(1);
    }

    @Test
    void unknownAccessKeyIsUnrecognizedForSesAndInvalidTokenForSts() {
        try (SesV2Client stranger =
                        Sdk.ses(emu, Region.US_EAST_1, "AKIDSTRANGER", "whatever", AwsRetryStrategy.doNotRetry());
                StsClient strangerSts = Sdk.sts(emu, "AKIDSTRANGER", "whatever")) {
            assertThatThrownBy(() -> stranger.getMultiRegionEndpoint(r -> r.endpointName("x")))
                    .isInstanceOfSatisfying(SesV2Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The security token included in the request is invalid.");
                    });
            assertThatThrownBy(strangerSts::getCallerIdentity)
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
        }
        assertThat(emu.calls().log())
                .allSatisfy(c -> assertThat(c.accessKeyId()).isEqualTo("AKIDSTRANGER"));
    }

    @Test
    void missingAuthorizationIsAMissingTokenAnswer() throws Exception {
        HttpResponse<String> ses = SignedHttp.unsigned(emu, "GET", "/v2/email/multi-region-endpoints", null, null);
        assertThat(ses.statusCode()).isEqualTo(403);
        assertThat(ses.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
        assertThat(ses.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");

        HttpResponse<String> sts = SignedHttp.unsigned(
                emu,
                "POST",
                "/",
                "Action=GetCallerIdentity&Version=2011-06-15",
                "application/x-www-form-urlencoded; charset=utf-8");
        assertThat(sts.statusCode()).isEqualTo(403);
        assertThat(sts.body())
                .contains("<Type>Sender</Type>", "<Code>MissingAuthenticationToken</Code>", "<RequestId>");
    }

    @Test
    void aBodyChangedAfterSigningAndAnOldSignatureAreRefused() throws Exception {
        URI uri = URI.create(emu.endpoint() + "/v2/email/multi-region-endpoints");
        var signed = SignedHttp.sign(
                uri,
                "POST",
                CREATE_BODY,
                "application/json",
                "us-east-1",
                "ses",
                emu.accessKeyId(),
                emu.secretAccessKey(),
                Clock.systemUTC());
        HttpResponse<String> tampered = SignedHttp.send(signed, CREATE_BODY.replace("raw", "rax"));
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");

        var old = SignedHttp.sign(
                uri,
                "POST",
                CREATE_BODY,
                "application/json",
                "us-east-1",
                "ses",
                emu.accessKeyId(),
                emu.secretAccessKey(),
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC));
        HttpResponse<String> expired = SignedHttp.send(old, CREATE_BODY);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("Signature expired");

        emu.updateSettings(s -> s.withClockSkew(Duration.ofHours(1)));
        assertThat(SignedHttp.send(old, CREATE_BODY).statusCode()).isEqualTo(200);
    }

    @Test
    void aSignatureForAnotherServiceIsRefused() throws Exception {
        var signed = SignedHttp.sign(
                URI.create(emu.endpoint() + "/v2/email/multi-region-endpoints"),
                "GET",
                null,
                null,
                "us-east-1",
                "sts",
                emu.accessKeyId(),
                emu.secretAccessKey(),
                Clock.systemUTC());
        HttpResponse<String> answer = SignedHttp.send(signed, null);
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("Credential should be scoped to correct service: 'ses'");
    }

    @Test
    void eachAccessKeyActsForItsOwnAccount() {
        emu.addCredentials(new Credentials("AKIDSECOND", "second-secret", "210987654321", "ops"));
        try (StsClient sts = Sdk.sts(emu, "AKIDSECOND", "second-secret");
                SesV2Client second =
                        Sdk.ses(emu, Region.US_EAST_1, "AKIDSECOND", "second-secret", AwsRetryStrategy.doNotRetry())) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::210987654321:user/ops");
            create("same-name");
            create(second, "same-name", "eu-west-1", Map.of());
            assertThat(second.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                    .hasSize(1);
        }
        assertThat(emu.endpoints()).extracting(EndpointView::accountId).containsExactly("123456789012", "210987654321");
    }

    @Test
    void deniedActionsAnswerAccessDeniedNamingUserActionAndResource() {
        emu.updateSettings(s -> s.withDenyActions(Set.of(Operation.CREATE_MULTI_REGION_ENDPOINT)));
        assertThatThrownBy(() -> create("forbidden")).isInstanceOfSatisfying(SesV2Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                            "User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: ses:CreateMultiRegionEndpoint"
                                    + " on resource: *"
                                    + " because no identity-based policy allows the ses:CreateMultiRegionEndpoint action");
        });
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints()).isEmpty();
        assertThat(emu.endpoints()).isEmpty();
    }
}
