package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.InternalServiceErrorException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** Rate limiting and injected faults, as the SDK (with and without its retries) experiences them. */
class FaultInjectionTest extends EmulatorTestBase {

    /** Standard SDK retries (3 attempts) with 5 ms backoff. */
    private static SesV2Client retrying;

    @BeforeAll
    static void retryingClient() {
        retrying = Sdk.ses(emu, Region.US_EAST_1, emu.accessKeyId(), emu.secretAccessKey(), Sdk.FAST_RETRIES);
    }

    @AfterAll
    static void closeRetryingClient() {
        retrying.close();
    }

    private static void list(SesV2Client client) {
        client.listMultiRegionEndpoints(r -> {});
    }

    @Test
    void tokenBucketThrottlesPerAccountAndRegion() {
        // a refill of one token per 100 s: the burst is all there is during the test
        emu.updateSettings(s -> s.withRateLimit(0.01).withBurst(3));
        list(ses);
        list(ses);
        list(ses);
        assertThatThrownBy(() -> list(ses)).isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Too Many Requests");
        });
        try (SesV2Client eu = Sdk.ses(emu, Region.EU_WEST_1);
                StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            list(eu);
            sts.getCallerIdentity();
            sts.getCallerIdentity();
        }
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "TooManyRequestsException"))
                .isEqualTo(1);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "200")).isEqualTo(4);

        emu.updateSettings(s -> s.withRateLimit(0));
        list(ses);
    }

    @Test
    void throttlingSurfacesAsTooManyRequestsOnceSdkRetriesAreExhausted() {
        emu.updateSettings(s -> s.withThrottleRate(1.0));
        assertThatThrownBy(() -> list(retrying)).isInstanceOf(TooManyRequestsException.class);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "TooManyRequestsException"))
                .isEqualTo(3);
    }

    @Test
    void serverErrorsAreRetriedBySdkAndCounted() {
        emu.updateSettings(s -> s.withErrorRate500(1.0));
        assertThatThrownBy(() -> list(retrying))
                .isInstanceOfSatisfying(
                        InternalServiceErrorException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "InternalServiceErrorException"))
                .isEqualTo(3);

        // with a seeded 30 % error rate every call still succeeds thanks to the retries
        emu.reset();
        emu.updateSettings(s -> s.withErrorRate500(0.3).withSeed(7L));
        for (int i = 0; i < 10; i++) {
            list(retrying);
        }
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "200")).isEqualTo(10);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "InternalServiceErrorException"))
                .isPositive();
    }

    @Test
    void droppedConnectionsAreIoErrorsThatTheSdkRetries() {
        emu.updateSettings(s -> s.withDropConnectionRate(1.0));
        assertThatThrownBy(() -> list(ses))
                .isInstanceOf(SdkClientException.class)
                .isNotInstanceOf(SdkServiceException.class);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "ConnectionDropped"))
                .isEqualTo(1);

        assertThatThrownBy(() -> list(retrying)).isInstanceOf(SdkClientException.class);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "ConnectionDropped"))
                .isEqualTo(1 + 3);

        emu.updateSettings(s -> s.withDropConnectionRate(0));
        list(ses);
    }

    @Test
    void aLostAnswerMakesTheRetriedCreateSeeItsOwnEndpoint() {
        emu.updateSettings(s -> s.withDropResponseRate(1.0));
        assertThatThrownBy(() -> create(retrying, "lost-answer", "eu-west-1", Map.of()))
                .isInstanceOf(AlreadyExistsException.class);
        assertThat(emu.calls().count("CreateMultiRegionEndpoint", "ResponseDropped"))
                .isEqualTo(1);
        assertThat(emu.calls().count("CreateMultiRegionEndpoint", "AlreadyExistsException"))
                .isEqualTo(1);
        assertThat(emu.findEndpoint("us-east-1", "lost-answer")).isPresent();
    }

    @Test
    void faultsCanBeRestrictedToSomeOperations() {
        emu.updateSettings(
                s -> s.withErrorRate500(1.0).withFaultOperations(Set.of(Operation.CREATE_MULTI_REGION_ENDPOINT)));
        list(ses);
        assertThatThrownBy(() -> create("restricted")).isInstanceOf(InternalServiceErrorException.class);
    }

    @Test
    void stsIsOnlyFaultedWhenNamed() {
        emu.updateSettings(s -> s.withErrorRate500(1.0).withThrottleRate(1.0));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            assertThat(sts.getCallerIdentity().account()).isEqualTo(emu.accountId());
            emu.updateSettings(s -> s.withFaultOperations(Set.of(Operation.GET_CALLER_IDENTITY)));
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
            });
            emu.updateSettings(s -> s.withThrottleRate(0));
            assertThatThrownBy(sts::getCallerIdentity)
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure"));
        }
    }

    @Test
    void latencyAndSpikesDelayAnswers() {
        emu.updateSettings(s -> s.withLatency(Duration.ofMillis(150)));
        long started = System.nanoTime();
        list(ses);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));

        emu.updateSettings(
                s -> s.withLatency(Duration.ZERO).withLatencySpikeRate(1.0).withLatencySpike(Duration.ofMillis(150)));
        started = System.nanoTime();
        list(ses);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void theSameSeedReplaysTheSameFaultPattern() {
        emu.updateSettings(s -> s.withThrottleRate(0.5).withSeed(99L));
        String first = outcomes(12);
        emu.restartRandom(); // the seed is unchanged: the sequence starts again (as an admin update naming it does)
        assertThat(outcomes(12)).isEqualTo(first).contains("T").contains(".");
    }

    private static String outcomes(int n) {
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < n; i++) {
            try {
                list(ses);
                pattern.append('.');
            } catch (TooManyRequestsException e) {
                pattern.append('T');
            }
        }
        return pattern.toString();
    }
}
