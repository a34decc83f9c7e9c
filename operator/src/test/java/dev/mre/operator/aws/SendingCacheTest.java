package dev.mre.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.aws.SendingFacts.Found;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.config.Setting;
import dev.mre.operator.ops.SesCallMetrics;
import dev.mre.sesemulator.Operation;
import dev.mre.sesemulator.SesEmulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The shared answers, through the real gateway (AWS SDK, call pacer) against the SES emulator, which counts the
 * calls: 1,000 objects naming the same 10 identities cost at most 2 x (10 + 1) reads per region pair and period.
 */
class SendingCacheTest {

    static final Duration PERIOD = Duration.ofHours(6);
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");

    SesEmulator emu;
    SdkSesGateway gateway;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T00:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void start() {
        emu = SesEmulator.builder().port(0).build().start();
        OperatorConfig config = OperatorConfig.from(Map.of(
                Setting.SES_ENDPOINT.env, emu.endpoint().toString(),
                Setting.STS_ENDPOINT.env, emu.endpoint().toString(),
                Setting.ALLOW_INSECURE_ENDPOINT.env, "true",
                Setting.DEFAULT_REGION.env, "us-east-1",
                Setting.MAX_CALL_RATE.env, "50",
                Setting.OPS_PORT.env, "-1"));
        gateway = new SdkSesGateway(
                config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(emu.accessKeyId(), emu.secretAccessKey())),
                new SesCallMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        for (String region : REGIONS) {
            try (SesV2Client c = SesV2Client.builder()
                    .endpointOverride(emu.endpoint())
                    .region(Region.of(region))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(emu.accessKeyId(), emu.secretAccessKey())))
                    .httpClientBuilder(Apache5HttpClient.builder())
                    .build()) {
                for (int i = 0; i < 10; i++) {
                    String name = "d" + i + ".example.com";
                    c.createEmailIdentity(r -> r.emailIdentity(name));
                    emu.verifyIdentity(region, name);
                }
            }
        }
    }

    @AfterEach
    void stop() {
        gateway.close();
        emu.close();
    }

    @Test
    void aThousandObjectsSharingTenIdentitiesCostTwoTimesElevenReadsPerPeriod() throws Exception {
        SendingCache cache = new SendingCache(gateway, clock, PERIOD, Duration.ofSeconds(30));
        String account = gateway.account(AwsIdentity.OWN);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int period = 0; period < 3; period++) {
                long identitiesBefore = emu.calls().count(Operation.GET_EMAIL_IDENTITY);
                long accountsBefore = emu.calls().count(Operation.GET_ACCOUNT);
                // within a period every object asks (its passes at the resync period), at several moments
                for (Duration at : List.of(Duration.ZERO, PERIOD.dividedBy(3), PERIOD.dividedBy(2))) {
                    now.set(Instant.parse("2026-12-07T00:00:00Z")
                            .plus(PERIOD.multipliedBy(period))
                            .plus(at));
                    List<Future<Boolean>> objects = new ArrayList<>();
                    for (int object = 0; object < 1000; object++) {
                        objects.add(pool.submit(() -> REGIONS.stream()
                                .allMatch(region ->
                                        cache.account(AwsIdentity.OWN, account, region, null) instanceof Found<?>
                                                && IntStream.range(0, 10)
                                                        .allMatch(i -> cache.identity(
                                                                        AwsIdentity.OWN,
                                                                        account,
                                                                        region,
                                                                        "d" + i + ".example.com",
                                                                        null)
                                                                instanceof Found<?>))));
                    }
                    for (Future<Boolean> f : objects) {
                        assertThat(f.get()).isTrue();
                    }
                }
                long identityReads = emu.calls().count(Operation.GET_EMAIL_IDENTITY) - identitiesBefore;
                long accountReads = emu.calls().count(Operation.GET_ACCOUNT) - accountsBefore;
                assertThat(identityReads + accountReads)
                        .as("period %d: reads for 1,000 objects x 10 identities x 2 regions", period)
                        .isLessThanOrEqualTo(2 * (10 + 1));
                assertThat(identityReads).isEqualTo(20);
                assertThat(accountReads).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefreshReadsAgainOnceForEveryoneAskingAfterIt() {
        SendingCache cache = new SendingCache(gateway, clock, PERIOD, Duration.ofSeconds(30));
        String account = gateway.account(AwsIdentity.OWN);
        cache.identity(AwsIdentity.OWN, account, "us-east-1", "d0.example.com", null);
        now.set(now.get().plusSeconds(5));
        Instant asked = now.get();
        cache.identity(AwsIdentity.OWN, account, "us-east-1", "d0.example.com", asked);
        cache.identity(AwsIdentity.OWN, account, "us-east-1", "D0.example.com", asked);
        cache.identity(AwsIdentity.OWN, account, "us-east-1", "d0.example.com", null);
        assertThat(emu.calls().count(Operation.GET_EMAIL_IDENTITY)).isEqualTo(2);
    }

    @Test
    void aMissingIdentityIsAnAnswerAndAFailedReadIsNotKept() {
        SendingCache cache = new SendingCache(gateway, clock, PERIOD, Duration.ofSeconds(30));
        String account = gateway.account(AwsIdentity.OWN);
        assertThat(cache.identity(AwsIdentity.OWN, account, "us-east-1", "nobody.example.com", null))
                .isInstanceOf(SendingFacts.Missing.class);
        assertThat(cache.identity(AwsIdentity.OWN, account, "us-east-1", "nobody.example.com", null))
                .isInstanceOf(SendingFacts.Missing.class);
        assertThat(emu.calls().count(Operation.GET_EMAIL_IDENTITY)).isEqualTo(1);
        assertThat(cache.configurationSet(AwsIdentity.OWN, account, "eu-west-1", "tx", null))
                .isInstanceOf(SendingFacts.Missing.class);
    }
}
