package dev.mre.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mre.operator.ops.SesCallMetrics;
import dev.mre.sesemulator.SesEmulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The pacer through the real SDK against the emulator: a call that would wait longer than the pacer's longest wait
 * is not sent (no HTTP request, no SDK retry, no transport error counted) and reaches the reconciler as throttling;
 * a List always waits for its turn. No timing is asserted: the rates are chosen so that a turn is either free at once
 * or a hundred seconds away.
 */
class CallPacerTest {

    SesEmulator ses;
    SimpleMeterRegistry registry;

    @BeforeEach
    void start() {
        ses = SesEmulator.builder()
                .port(0)
                .settings(s -> s.withCreateDelay(Duration.ZERO))
                .build()
                .start();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        ses.close();
    }

    SesV2Client client(CallPacer pacer) {
        return SesV2Client.builder()
                .endpointOverride(ses.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ses.accessKeyId(), ses.secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.STANDARD))
                        .addExecutionInterceptor(pacer)
                        .addExecutionInterceptor(new SesCallMetrics(registry).callCounter(ses.accountId())))
                .build();
    }

    static void create(SesV2Client c, String name) {
        c.createMultiRegionEndpoint(
                b -> b.endpointName(name).details(d -> d.routesDetails(r -> r.region("eu-west-1"))));
    }

    @Test
    void aCallWithoutATurnWithinTheLongestWaitIsNotSentAndCountsAsThrottling() {
        // one turn every 100 s: the first call takes the only one, the next one's turn is 100 s away, further than the
        // pacer's longest wait (1 s, no minimum of turns here)
        try (SesV2Client c = client(new CallPacer(0.01, null, Duration.ofSeconds(1), 0))) {
            create(c, "first");

            assertThatThrownBy(() -> create(c, "second")).isInstanceOfSatisfying(SdkClientException.class, e -> {
                assertThat(AwsErrors.isNotSent(e)).isTrue();
                SesFailure f = AwsErrors.classify(e);
                assertThat(f.kind()).isEqualTo(SesFailure.Kind.THROTTLED);
                assertThat(f.errorCode()).isEqualTo("OperatorCallRate");
                assertThat(f.getMessage()).contains("not sent");
                assertThat(((SdkException) e).numAttempts()).isEqualTo(1);
            });
        }
        assertThat(ses.calls().count("CreateMultiRegionEndpoint")).isEqualTo(1);
        assertThat(ses.findEndpoint("us-east-1", "second")).isEmpty();
        assertThat(registry.find("ses_mre_ses_calls").counters())
                .allSatisfy(
                        counter -> assertThat(counter.getId().getTag("outcome")).isEqualTo("success"));
    }

    @Test
    void aListAlwaysWaitsForItsTurn() {
        // a turn every 2 s and (next to) no wait for other calls: right after the turn is taken, a Create is kept
        // back, a List waits its 2 s and goes
        CallPacer pacer = new CallPacer(0.5, null, Duration.ofNanos(1), 0);
        try (SesV2Client c = client(pacer)) {
            pacer.beforeTransmission(
                    null,
                    ExecutionAttributes.builder()
                            .put(SdkExecutionAttribute.OPERATION_NAME, "CreateMultiRegionEndpoint")
                            .build());
            assertThatThrownBy(() -> create(c, "kept-back"))
                    .satisfies(e -> assertThat(AwsErrors.isNotSent(e)).isTrue());

            assertThat(c.listMultiRegionEndpoints(b -> b.pageSize(10)).multiRegionEndpoints())
                    .isEmpty();
        }
        assertThat(ses.calls().count("ListMultiRegionEndpoints")).isEqualTo(1);
        assertThat(ses.calls().count("CreateMultiRegionEndpoint")).isZero();
    }

    @Test
    void atTheCeilingEveryReconcileThreadCanWaitForItsTurn() {
        assertThat(CallPacer.maxWait(16, 10)).isEqualTo(Duration.ofMillis(1700));
        assertThat(CallPacer.maxWait(1, 0.5)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aCallMayAlwaysWaitTwoTurnsAtTheCurrentRate() {
        // a turn every 2 s and a longest wait of 1 ns, but two turns allowed: right after the turn is taken, the next
        // call waits for the following one (2 s) and goes
        CallPacer pacer = new CallPacer(0.5, null, Duration.ofNanos(1), CallPacer.MIN_TURNS);
        try (SesV2Client c = client(pacer)) {
            pacer.beforeTransmission(
                    null,
                    ExecutionAttributes.builder()
                            .put(SdkExecutionAttribute.OPERATION_NAME, "CreateMultiRegionEndpoint")
                            .build());
            create(c, "waited");
        }
        assertThat(ses.calls().count("CreateMultiRegionEndpoint")).isEqualTo(1);
    }
}
