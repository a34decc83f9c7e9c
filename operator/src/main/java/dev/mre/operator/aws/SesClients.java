package dev.mre.operator.aws;

import dev.mre.operator.config.OperatorConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * One SES client per region, built on first use and kept; one HTTP connection pool shared by all of them.
 * Retries: the SDK's standard mode (exponential backoff with jitter, a retry quota) with few attempts, since the
 * reconciler owns the long backoff; the operator-wide rate is {@link CallPacer}'s, not the SDK's adaptive mode
 * (see {@link AdaptiveCallRate} for why).
 */
final class SesClients implements AutoCloseable {

    static final int SDK_MAX_ATTEMPTS = 3;

    private final OperatorConfig config;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final List<ExecutionInterceptor> interceptors;
    private final Map<String, SesV2Client> byRegion = new ConcurrentHashMap<>();

    SesClients(OperatorConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        this.config = config;
        this.credentials = credentials;
        this.interceptors = List.copyOf(interceptors);
        this.http = Apache5HttpClient.builder().maxConnections(64).build();
    }

    SesV2Client ses(String region) {
        return byRegion.computeIfAbsent(region, r -> {
            var b = SesV2Client.builder().region(Region.of(r)).httpClient(http).credentialsProvider(credentials).overrideConfiguration(overrides());
            if (config.sesEndpoint() != null) {
                b.endpointOverride(config.sesEndpoint());
            }
            return b.build();
        });
    }

    /** STS is used once (GetCallerIdentity for the account ID); built per call and closed. */
    StsClient sts() {
        var b = StsClient.builder().region(Region.of(config.defaultRegion())).httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
        URI sts = config.stsEndpoint();
        if (sts != null) {
            b.endpointOverride(sts);
        }
        return b.build();
    }

    private ClientOverrideConfiguration overrides() {
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder().retryStrategy(retryStrategy());
        interceptors.forEach(o::addExecutionInterceptor);
        return o.build();
    }

    private RetryStrategy retryStrategy() {
        return AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder().maxAttempts(SDK_MAX_ATTEMPTS).build();
    }

    @Override
    public void close() {
        byRegion.values().forEach(SesV2Client::close);
        http.close();
    }
}
