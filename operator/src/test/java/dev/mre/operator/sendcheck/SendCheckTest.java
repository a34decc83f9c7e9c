package dev.mre.operator.sendcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mre.sesemulator.SesEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.DkimSigningAttributesOrigin;

/** send-check against the in-process SES emulator: the real SDK signs with SigV4a and the emulator routes. */
class SendCheckTest {

    static SesEmulator emu;
    static StaticCredentialsProvider credentials;
    static String endpointId;

    @BeforeAll
    static void endpointWithIdentities() {
        emu = SesEmulator.builder()
                .settings(s -> s.withCreateDelay(Duration.ZERO).withSeed(7L))
                .build()
                .start();
        credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(emu.accessKeyId(), emu.secretAccessKey()));
        try (SesV2Client us = client(Region.US_EAST_1);
                SesV2Client eu = client(Region.EU_WEST_1)) {
            us.createEmailIdentity(r -> r.emailIdentity("example.com"));
            emu.verifyIdentity("us-east-1", "example.com");
            eu.createEmailIdentity(r -> r.emailIdentity("example.com")
                    .dkimSigningAttributes(
                            d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
            endpointId = us.createMultiRegionEndpoint(
                            r -> r.endpointName("mail").details(d -> d.routesDetails(rd -> rd.region("eu-west-1"))))
                    .endpointId();
        }
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static SesV2Client client(Region region) {
        return SesV2Client.builder()
                .endpointOverride(emu.endpoint())
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    record Result(int status, String out, String err) {}

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SendCheck.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                credentials);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sendsToTheSimulatorAndPrintsTheRegion() {
        int before = emu.messages().size();
        Result r = run(
                Map.of(),
                "--endpoint-id",
                endpointId,
                "--from",
                "check@example.com",
                "--endpoint-override",
                emu.endpoint().toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("answered by region: us-east-1").contains("MessageId");
        assertThat(emu.messages()).hasSize(before + 1);
        assertThat(emu.messages().get(before).toAddresses()).containsExactly(SendCheck.DEFAULT_TO);
        assertThat(emu.messages().get(before).endpointId()).isEqualTo(endpointId);
    }

    @Test
    void readsTheEnvironmentAndShowsAFailover() {
        emu.sendingEnabled("us-east-1", false);
        try {
            Result r = run(Map.of(
                    "SES_ENDPOINT_ID", endpointId,
                    "SES_FROM", "check@example.com",
                    "SES_PRIMARY_REGION", "us-east-1",
                    "SES_SECONDARY_REGION", "eu-west-1",
                    "SES_ENDPOINT_URL", emu.endpoint().toString()));
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("answered by region: eu-west-1");
        } finally {
            emu.sendingEnabled("us-east-1", true);
        }
    }

    @Test
    void refusalIsExitStatusOneWithTheSesError() {
        Result r = run(
                Map.of(),
                "--endpoint-id=" + endpointId,
                "--from=someone@unverified.org",
                "--endpoint-override=" + emu.endpoint());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("MessageRejected").contains("US-EAST-1").contains("region us-east-1");
    }

    @Test
    void usage() {
        assertThat(run(Map.of(), "--from", "a@b.c").status()).isEqualTo(2);
        assertThat(run(Map.of(), "--nope", "x").err()).contains("unknown flag --nope");
        assertThat(run(Map.of(), "--help").out()).contains("usage: send-check");
        assertThatThrownBy(() -> SendCheck.parse(
                        new String[] {"--endpoint-id", "x", "--from", "a@b.c", "--regions", "x"}, Map.of()))
                .hasMessageContaining("PRIMARY,SECONDARY");
        SendCheck.Options o = SendCheck.parse(
                new String[] {"--endpoint-id", "x", "--from", "a@b.c"}, Map.of("AWS_REGION", "eu-west-1"));
        assertThat(o.region()).isEqualTo("eu-west-1");
        assertThat(o.to()).isEqualTo(SendCheck.DEFAULT_TO);
    }
}
