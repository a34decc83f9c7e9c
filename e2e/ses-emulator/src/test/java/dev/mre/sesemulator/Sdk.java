package dev.mre.sesemulator;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sts.StsClient;

/** Real AWS SDK clients pointed at an emulator, built the way the operator builds them. */
final class Sdk {

    /** The SDK's standard retries, with tiny backoffs so that a test sees several attempts quickly. */
    static final RetryStrategy FAST_RETRIES = AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(3)
            .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(5)))
            .throttlingBackoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(5)))
            .circuitBreakerEnabled(false)
            .build();

    private Sdk() {
    }

    /** No retries: every answer of the emulator reaches the test as it was. */
    static SesV2Client ses(SesEmulator emu, Region region) {
        return ses(emu, region, emu.accessKeyId(), emu.secretAccessKey(), AwsRetryStrategy.doNotRetry());
    }

    static SesV2Client ses(SesEmulator emu, Region region, String accessKeyId, String secret, RetryStrategy retries) {
        return SesV2Client.builder()
                .endpointOverride(emu.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retries))
                .build();
    }

    static StsClient sts(SesEmulator emu, String accessKeyId, String secret) {
        return StsClient.builder()
                .endpointOverride(emu.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
