package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Command-line flags of the standalone jar map onto settings and credentials. */
class MainTest {

    @Test
    void flagsBecomeSettingsAndCredentials() throws Exception {
        Main.Options options = Main.parse(new String[] {
                "--port", "0", "--create-delay", "500ms", "--delete-delay=1.5s", "--quota", "7", "--rate-limit", "10", "--burst", "20",
                "--error-rate-500", "0.1", "--throttle-rate", "0.2", "--drop-connection-rate", "0.02", "--latency", "0ms",
                "--latency-spike-rate", "0.5", "--latency-spike", "2s", "--fail-provisioning-names", "^fail-", "--seed", "5",
                "--deny-actions", "CreateMultiRegionEndpoint,ses:TagResource", "--account-id", "111122223333",
                "--access-key", "AKIDMAIN", "--secret-key", "main-secret", "--credentials", "AKIDTWO:two-secret:444455556666"});
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
            assertThat(s.denyActions()).containsExactlyInAnyOrder(Operation.CREATE_MULTI_REGION_ENDPOINT, Operation.TAG_RESOURCE);
            assertThat(emu.accessKeyId()).isEqualTo("AKIDMAIN");
            assertThat(emu.secretAccessKey()).isEqualTo("main-secret");
            assertThat(emu.accountId()).isEqualTo("111122223333");
            assertThat(emu.credentials()).extracting(Credentials::accountId).containsExactlyInAnyOrder("111122223333", "444455556666");
            assertThat(emu.endpoint().toString()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void badFlagsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--no-such-flag", "1"})).hasMessageContaining("--no-such-flag");
        assertThatThrownBy(() -> Main.parse(new String[] {"--throttle-rate", "1.5"})).hasMessageContaining("throttleRate");
        assertThatThrownBy(() -> Main.parse(new String[] {"--create-delay", "soon"})).hasMessageContaining("soon");
        assertThatThrownBy(() -> Main.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
    }

    @Test
    void helpListsEveryFlag() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port", "--host", "--create-delay", "--delete-delay", "--quota",
                "--rate-limit", "--burst", "--account-id", "--access-key", "--secret-key", "--error-rate-500", "--throttle-rate",
                "--drop-connection-rate", "--drop-response-rate", "--latency ", "--latency-spike-rate", "--latency-spike ",
                "--fail-provisioning-names", "--fail-provisioning-rate", "--seed", "--deny-actions", "--fault-operations", "--clock-skew");
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
