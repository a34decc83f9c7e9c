package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line flags of the standalone jar map onto settings and credentials. */
class MainTest {

    @Test
    void flagsBecomeSettingsAndCredentials() throws Exception {
        Main.Options options = Main.parse(new String[] {
            "--port",
            "0",
            "--create-delay",
            "500ms",
            "--delete-delay=1.5s",
            "--quota",
            "7",
            "--rate-limit",
            "10",
            "--burst",
            "20",
            "--error-rate-500",
            "0.1",
            "--throttle-rate",
            "0.2",
            "--drop-connection-rate",
            "0.02",
            "--latency",
            "0ms",
            "--latency-spike-rate",
            "0.5",
            "--latency-spike",
            "2s",
            "--fail-provisioning-names",
            "^fail-",
            "--seed",
            "5",
            "--deny-actions",
            "CreateMultiRegionEndpoint,ses:TagResource",
            "--account-id",
            "111122223333",
            "--access-key",
            "AKIDMAIN",
            "--secret-key",
            "main-secret",
            "--credentials",
            "AKIDTWO:two-secret:444455556666"
        });
        try (SesEmulator emu = Main.build(options).start()) {
            Settings s = emu.settings();
            assertThat(s.createDelay()).isEqualTo(Duration.ofMillis(500));
            assertThat(s.deleteDelay()).isEqualTo(Duration.ofMillis(1500));
            assertThat(s.quota()).isEqualTo(7);
            assertThat(s.rateLimit()).isEqualTo(10);
            assertThat(s.burst()).isEqualTo(20);
            assertThat(s.errorRate500()).isEqualTo(0.1);
            assertThat(s.throttleRate()).isEqualTo(0.2);
            assertThat(s.dropConnectionRate()).isEqualTo(0.02);
            assertThat(s.latencySpikeRate()).isEqualTo(0.5);
            assertThat(s.latencySpike()).isEqualTo(Duration.ofSeconds(2));
            assertThat(s.failProvisioningNames().pattern()).isEqualTo("^fail-");
            assertThat(s.seed()).isEqualTo(5L);
            assertThat(s.denyActions())
                    .containsExactlyInAnyOrder(Operation.CREATE_MULTI_REGION_ENDPOINT, Operation.TAG_RESOURCE);
            assertThat(emu.accessKeyId()).isEqualTo("AKIDMAIN");
            assertThat(emu.secretAccessKey()).isEqualTo("main-secret");
            assertThat(emu.accountId()).isEqualTo("111122223333");
            assertThat(emu.credentials())
                    .extracting(Credentials::accountId)
                    .containsExactlyInAnyOrder("111122223333", "444455556666");
            assertThat(emu.endpoint().toString()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void policiesRolesAndAccountsFromFlagsAndFiles(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(
                policy,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:List*\",\"Resource\":\"*\"}]}");
        Path role = dir.resolve("role.json");
        Files.writeString(
                role,
                "{\"trustedPrincipals\":[\"arn:aws:iam::111122223333:root\"],\"externalId\":\"ext-9\",\"maxSessionDuration\":\"2h\"}");
        Main.Options options = Main.parse(new String[] {
            "--port",
            "0",
            "--account-id",
            "111122223333",
            "--user-name",
            "operator",
            "--credentials",
            "AKIDOPS:ops-secret:444455556666:ops",
            "--policy",
            "arn:aws:iam::111122223333:user/operator=@" + policy,
            "--policy",
            "arn:aws:iam::444455556666:user/ops={\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}",
            "--role",
            "arn:aws:iam::444455556666:role/ses=@" + role,
            "--role",
            "arn:aws:iam::444455556666:role/other={\"trustedPrincipals\":\"*\",\"allowTagSession\":true}",
            "--account",
            "444455556666={\"quota\":2,\"rateLimit\":1}",
            "--visibility-delay",
            "1500ms",
            "--session-duration",
            "5s"
        });
        try (SesEmulator emu = Main.build(options).start()) {
            Settings s = emu.settings();
            assertThat(emu.primaryCredentials().userArn()).isEqualTo("arn:aws:iam::111122223333:user/operator");
            assertThat(emu.credentials())
                    .extracting(Credentials::userName)
                    .containsExactlyInAnyOrder("operator", "ops");
            assertThat(s.policies())
                    .containsOnlyKeys("arn:aws:iam::111122223333:user/operator", "arn:aws:iam::444455556666:user/ops");
            assertThat(s.roles().get("arn:aws:iam::444455556666:role/ses"))
                    .isEqualTo(new Role(
                            "arn:aws:iam::444455556666:role/ses",
                            List.of("arn:aws:iam::111122223333:root"),
                            "ext-9",
                            false,
                            Duration.ofHours(2)));
            assertThat(s.roles().get("arn:aws:iam::444455556666:role/other").allowTagSession())
                    .isTrue();
            assertThat(s.accounts().get("444455556666")).isEqualTo(new AccountLimits(2, 1.0, null));
            assertThat(s.visibilityDelay()).isEqualTo(Duration.ofMillis(1500));
            assertThat(s.sessionDuration()).isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBadPolicyFlagIsRefusedAtStartUpNamingTheStatement() {
        assertThatThrownBy(() -> Main.parse(new String[] {
                    "--policy",
                    "arn:aws:iam::123456789012:user/emulator={\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\"}]}"
                }))
                .hasMessageContaining(
                        "policies[arn:aws:iam::123456789012:user/emulator]: Statement 1: needs exactly one of Resource and NotResource");
        assertThatThrownBy(() -> Main.parse(new String[] {"--policy", "arn:aws:iam::123456789012:group/x={}"}))
                .hasMessageContaining("IAM user ARN");
        assertThatThrownBy(() -> Main.parse(new String[] {"--policy", "no-equals-sign"}))
                .hasMessageContaining("KEY=JSON");
        assertThatThrownBy(() ->
                        Main.parse(new String[] {"--role", "arn:aws:iam::123456789012:role/x=@/no/such/file.json"}))
                .hasMessageContaining("cannot read");
    }

    @Test
    void badFlagsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--no-such-flag", "1"}))
                .hasMessageContaining("--no-such-flag");
        assertThatThrownBy(() -> Main.parse(new String[] {"--throttle-rate", "1.5"}))
                .hasMessageContaining("throttleRate");
        assertThatThrownBy(() -> Main.parse(new String[] {"--create-delay", "soon"}))
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> Main.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
    }

    @Test
    void helpListsEveryFlag() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "--port",
                        "--host",
                        "--create-delay",
                        "--delete-delay",
                        "--quota",
                        "--rate-limit",
                        "--burst",
                        "--account-id",
                        "--access-key",
                        "--secret-key",
                        "--error-rate-500",
                        "--throttle-rate",
                        "--drop-connection-rate",
                        "--drop-response-rate",
                        "--latency ",
                        "--latency-spike-rate",
                        "--latency-spike ",
                        "--fail-provisioning-names",
                        "--fail-provisioning-rate",
                        "--seed",
                        "--deny-actions",
                        "--fault-operations",
                        "--clock-skew",
                        "--visibility-delay",
                        "--session-duration",
                        "--account KEY=JSON",
                        "--role KEY=JSON",
                        "--policy KEY=JSON",
                        "--user-name",
                        "--credentials KEY:SECRET:ACCOUNT[:USER]",
                        "/expire-sessions");
        assertThat(Main.parse(new String[] {"--help"}).help()).isTrue();
    }

    @Test
    void durationsReadTheUsualSpellings() {
        assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(DurationText.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse("100")).isEqualTo(Duration.ofMillis(100));
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    }
}
