package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** Session credentials expire on the real clock; the SDK's provider refreshes them before they do. */
class SessionExpiryTest extends EmulatorTestBase {

    private static final String ROLE = AssumeRoleTest.ROLE_B;

    @Test
    void shortSessionsAreRefreshedByTheSdksProviderWithoutAFailedCall() {
        emu.updateSettings(
                s -> s.withRole(Role.trusting(ROLE, AssumeRoleTest.USER)).withSessionDuration(Duration.ofSeconds(4)));
        AtomicInteger calls = new AtomicInteger();
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
                StsAssumeRoleCredentialsProvider provider =
                        Sdk.assumeRole(sts, ROLE, "refresh", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client client = Sdk.ses(emu, Region.US_EAST_1, provider)) {
            // calls keep coming while sessions expire: any failed call fails the wait at once
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        client.listMultiRegionEndpoints(r -> {});
                        calls.incrementAndGet();
                        return emu.sessions().size() >= 4;
                    });
        }
        var sesCalls = emu.calls().log().stream()
                .filter(c -> c.operation().equals("ListMultiRegionEndpoints"))
                .toList();
        assertThat(sesCalls).hasSize(calls.get()).allSatisfy(c -> {
            assertThat(c.outcome()).isEqualTo("200");
            assertThat(c.accountId()).isEqualTo(AssumeRoleTest.ACCOUNT_B);
        });
        Set<String> keysUsed = sesCalls.stream().map(CallRecord::accessKeyId).collect(Collectors.toSet());
        assertThat(keysUsed).as("several sessions signed the calls").hasSizeGreaterThanOrEqualTo(3);
        assertThat(emu.calls().countOutcome("ExpiredTokenException")).isZero();
        assertThat(emu.calls().count("AssumeRole", "200"))
                .isEqualTo(emu.sessions().size());
    }

    @Test
    void anExpiredTokenIsRefusedBySesAndSts() {
        emu.updateSettings(
                s -> s.withRole(Role.trusting(ROLE, AssumeRoleTest.USER)).withSessionDuration(Duration.ofSeconds(1)));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            Credentials c = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("expiring"))
                    .credentials();
            var session = Sdk.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
            try (SesV2Client client = Sdk.ses(emu, Region.US_EAST_1, session);
                    StsClient asRole = Sdk.sts(emu, session)) {
                // the real clock decides: wait until the session has run out
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThatThrownBy(() -> client.listMultiRegionEndpoints(r -> {}))
                                .isInstanceOfSatisfying(SesV2Exception.class, e -> {
                                    assertThat(e.statusCode()).isEqualTo(403);
                                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
                                    assertThat(e.awsErrorDetails().errorMessage())
                                            .isEqualTo("The security token included in the request is expired");
                                }));
                assertThatThrownBy(asRole::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                });
            }
        }
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "ExpiredTokenException"))
                .isPositive();
    }

    @Test
    void expireSessionsEndsEverySessionAtOnce() throws Exception {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE, AssumeRoleTest.USER)));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
                StsAssumeRoleCredentialsProvider provider =
                        Sdk.assumeRole(sts, ROLE, "forced", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client client = Sdk.ses(emu, Region.US_EAST_1, provider)) {
            client.listMultiRegionEndpoints(r -> {});
            Credentials c = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("static"))
                    .credentials();
            var admin = SignedHttp.admin(emu, "POST", "/_emulator/expire-sessions", null);
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(admin.body()).get("expired").asInt())
                    .isEqualTo(2);
            try (SesV2Client stale = Sdk.ses(
                    emu, Region.US_EAST_1, Sdk.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
                assertThatThrownBy(() -> stale.listMultiRegionEndpoints(r -> {}))
                        .isInstanceOfSatisfying(
                                SesV2Exception.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
            }
            // the provider still holds its ended session (its stale time is not reached): the call is refused
            assertThatThrownBy(() -> client.listMultiRegionEndpoints(r -> {}))
                    .isInstanceOfSatisfying(
                            SesV2Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
        }
        assertThat(emu.sessions())
                .allSatisfy(s -> assertThat(s.expiration()).isBeforeOrEqualTo(java.time.Instant.now()));
    }
}
