package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Several accounts: each with its own endpoints, quota and token bucket; List calls count like every other call. */
class AccountsTest extends EmulatorTestBase {

    private static final String ACCOUNT_B = AssumeRoleTest.ACCOUNT_B;
    private static final String ROLE_B = AssumeRoleTest.ROLE_B;

    @Test
    void listCallsCountAgainstTheRateLimitAndInTheCallStatistics() {
        // a refill of one token per 100 s: the burst of 4 is all there is during the test
        emu.updateSettings(s -> s.withRateLimit(0.01).withBurst(4));
        ses.listMultiRegionEndpoints(r -> r.pageSize(1));
        assertThatThrownBy(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("nope")))
                .isInstanceOf(NotFoundException.class);
        ses.listMultiRegionEndpoints(r -> r.pageSize(1000));
        assertThatThrownBy(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("nope")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> {})).isInstanceOf(TooManyRequestsException.class);

        assertThat(emu.calls().byOperation())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "ListMultiRegionEndpoints", Map.of("200", 2L, "TooManyRequestsException", 1L),
                        "GetMultiRegionEndpoint", Map.of("NotFoundException", 2L)));
        assertThat(emu.calls().total()).isEqualTo(5);
    }

    @Test
    void perAccountRateLimitsDoNotAffectEachOther() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, AssumeRoleTest.USER))
                .withAccount(
                        ACCOUNT_B, AccountLimits.inherit().withRateLimit(0.01).withBurst(2)));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
                StsAssumeRoleCredentialsProvider asB =
                        Sdk.assumeRole(sts, ROLE_B, "throttled", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client b = Sdk.ses(emu, Region.US_EAST_1, asB)) {
            b.listMultiRegionEndpoints(r -> {});
            b.listMultiRegionEndpoints(r -> {});
            assertThatThrownBy(() -> b.listMultiRegionEndpoints(r -> {})).isInstanceOf(TooManyRequestsException.class);
            // the primary account has no limit at all, and STS is never rate limited
            for (int i = 0; i < 20; i++) {
                ses.listMultiRegionEndpoints(r -> {});
                sts.getCallerIdentity();
            }
            assertThatThrownBy(() -> b.listMultiRegionEndpoints(r -> {})).isInstanceOf(TooManyRequestsException.class);
        }
        assertThat(emu.calls().log())
                .filteredOn(c -> c.outcome().equals("TooManyRequestsException"))
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.accountId()).isEqualTo(ACCOUNT_B));
    }

    @Test
    void aThrottledAccountLeavesAnotherAccountsBucketAlone() {
        emu.addCredentials(new Credentials("AKIDACCOUNTB", "b-secret", ACCOUNT_B, "ops"));
        // both accounts get the global bucket of 3; they drain separately
        emu.updateSettings(s -> s.withRateLimit(0.01).withBurst(3));
        try (SesV2Client b = Sdk.ses(
                emu,
                Region.US_EAST_1,
                "AKIDACCOUNTB",
                "b-secret",
                software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())) {
            for (int i = 0; i < 3; i++) {
                b.listMultiRegionEndpoints(r -> {});
            }
            assertThatThrownBy(() -> b.listMultiRegionEndpoints(r -> {})).isInstanceOf(TooManyRequestsException.class);
            for (int i = 0; i < 3; i++) {
                ses.listMultiRegionEndpoints(r -> {});
            }
            // an override for the primary account only: account B stays at the global limit
            emu.updateSettings(s -> s.withAccount(
                    emu.accountId(), AccountLimits.inherit().withRateLimit(1000).withBurst(1000)));
            for (int i = 0; i < 10; i++) {
                ses.listMultiRegionEndpoints(r -> {});
            }
            assertThatThrownBy(() -> b.listMultiRegionEndpoints(r -> {})).isInstanceOf(TooManyRequestsException.class);
        }
    }

    @Test
    void perAccountQuotas() {
        emu.addCredentials(new Credentials("AKIDACCOUNTB", "b-secret", ACCOUNT_B, "ops"));
        emu.updateSettings(s ->
                s.withQuota(3).withAccount(ACCOUNT_B, AccountLimits.inherit().withQuota(1)));
        try (SesV2Client b = Sdk.ses(
                emu,
                Region.US_EAST_1,
                "AKIDACCOUNTB",
                "b-secret",
                software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())) {
            create(b, "one", "eu-west-1", Map.of());
            assertThatThrownBy(() -> create(b, "two", "eu-west-1", Map.of()))
                    .isInstanceOfSatisfying(
                            LimitExceededException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).contains("(1)", ACCOUNT_B));
        }
        create("one");
        create("two");
        create("three");
        assertThatThrownBy(() -> create("four")).isInstanceOf(LimitExceededException.class);
        assertThat(emu.settings().quotaFor(ACCOUNT_B)).isEqualTo(1);
        assertThat(emu.settings().quotaFor(emu.accountId())).isEqualTo(3);
    }

    @Test
    void accountOverridesThroughTheAdminApi() throws Exception {
        var answer = SignedHttp.admin(
                emu,
                "POST",
                "/_emulator/settings",
                "{\"accounts\":{\"" + ACCOUNT_B
                        + "\":{\"quota\":5,\"rateLimit\":2.5},\"333344445555\":{\"burst\":7}}}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(answer.body()).get("accounts").toString())
                .isEqualTo("{\"210987654321\":{\"quota\":5,\"rateLimit\":2.5},\"333344445555\":{\"burst\":7}}");
        assertThat(emu.settings().rateLimitFor(ACCOUNT_B)).isEqualTo(2.5);
        assertThat(emu.settings().effectiveBurstFor(ACCOUNT_B)).isEqualTo(3);
        assertThat(emu.settings().effectiveBurstFor("333344445555")).isEqualTo(7);

        SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"accounts\":{\"333344445555\":null}}");
        assertThat(emu.settings().accounts()).containsOnlyKeys(ACCOUNT_B);
        var bad = SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"accounts\":{\"12\":{\"quota\":1}}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(bad.body()).get("message").asText()).contains("accounts[12]", "12 digits");
        var badField = SignedHttp.admin(
                emu, "POST", "/_emulator/settings", "{\"accounts\":{\"" + ACCOUNT_B + "\":{\"qouta\":1}}}");
        assertThat(Json.MAPPER.readTree(badField.body()).get("message").asText())
                .contains("unknown field 'qouta'");
        SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"accounts\":null}");
        assertThat(emu.settings().accounts()).isEmpty();
    }
}
