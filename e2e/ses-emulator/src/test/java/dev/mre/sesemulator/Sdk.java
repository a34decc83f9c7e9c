package dev.mre.sesemulator;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Real AWS SDK clients pointed at an emulator, built the way the operator builds them. */
final class Sdk {

    /** The SDK's standard retries, with tiny backoffs so that a test sees several attempts quickly. */
    static final RetryStrategy FAST_RETRIES = AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(3)
            .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(5)))
            .throttlingBackoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(5)))
            .circuitBreakerEnabled(false)
            .build();

    private Sdk() {}

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
        return sts(emu, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)));
    }

    static StsClient sts(SesEmulator emu, AwsCredentialsProvider credentials) {
        return StsClient.builder()
                .endpointOverride(emu.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** An SES client whose credentials come from a provider (e.g. the SDK's own STS assume-role provider); no retries. */
    static SesV2Client ses(SesEmulator emu, Region region, AwsCredentialsProvider credentials) {
        return SesV2Client.builder()
                .endpointOverride(emu.endpoint())
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Session credentials as the SDK sends them: the key pair plus X-Amz-Security-Token. */
    static AwsCredentialsProvider session(String accessKeyId, String secret, String sessionToken) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(accessKeyId, secret, sessionToken));
    }

    /**
     * The SDK's own assume-role provider over {@code sts}, refreshing synchronously {@code prefetch} before expiry
     * and blocking callers from {@code stale} before it (the SDK defaults, 5 min and 1 min, exceed short test sessions).
     */
    static StsAssumeRoleCredentialsProvider assumeRole(
            StsClient sts, String roleArn, String sessionName, Duration stale, Duration prefetch) {
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(sessionName))
                .staleTime(stale)
                .prefetchTime(prefetch)
                .asyncCredentialUpdateEnabled(false)
                .build();
    }
}
