package dev.mre.operator.aws;

import dev.mre.operator.config.OperatorConfig;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The SDK clients, built on first use and kept: credentials per identity (the operator's own chain, or the SDK's
 * own STS assume-role provider, which caches the session and renews it before it expires), one SES client per
 * identity and region, one pacer per account and region, one HTTP connection pool for all of them.
 * Retries: the SDK's standard mode (exponential backoff with jitter, a retry quota) with few attempts, since the
 * reconciler owns the long backoff; the rate is {@link CallPacer}'s, not the SDK's adaptive mode (see
 * {@link AdaptiveCallRate} for why).
 */
final class SesClients implements AutoCloseable {

    static final int SDK_MAX_ATTEMPTS = 3;
    /** STS's limit on RoleSessionName. */
    static final int MAX_SESSION_NAME = 64;

    private record ClientKey(AwsIdentity identity, String region) {}

    private final OperatorConfig config;
    private final AwsCredentialsProvider own;
    private final CallMetrics metrics;
    private final SdkHttpClient http;
    private final StsClient stsForRoles;
    private final Map<AwsIdentity, StsAssumeRoleCredentialsProvider> roles = new ConcurrentHashMap<>();
    private final Map<ClientKey, SesV2Client> ses = new ConcurrentHashMap<>();
    private final Map<ScopeKey, CallPacer> pacers = new ConcurrentHashMap<>();

    SesClients(OperatorConfig config, AwsCredentialsProvider own, CallMetrics metrics) {
        this.config = config;
        this.own = own;
        this.metrics = metrics;
        this.http = Apache5HttpClient.builder().maxConnections(64).build();
        this.stsForRoles = sts(own);
    }

    /** The SES client of {@code identity} in {@code region}, which acts in {@code account}. */
    SesV2Client ses(AwsIdentity identity, String region, String account) {
        return ses.computeIfAbsent(new ClientKey(identity, region), k -> {
            ClientOverrideConfiguration.Builder o =
                    ClientOverrideConfiguration.builder().retryStrategy(retryStrategy());
            o.addExecutionInterceptor(pacer(new ScopeKey(account, region)));
            o.addExecutionInterceptor(metrics.callCounter(account));
            var b = SesV2Client.builder()
                    .region(Region.of(region))
                    .httpClient(http)
                    .credentialsProvider(credentials(identity))
                    .overrideConfiguration(o.build());
            if (config.sesEndpoint() != null) {
                b.endpointOverride(config.sesEndpoint());
            }
            return b.build();
        });
    }

    /**
     * Paces every SES call in one account and region: an account's rate limit is per region, and one throttled
     * account must not slow another (nor hold the reconcile threads: see {@link CallPacer}).
     */
    CallPacer pacer(ScopeKey scope) {
        return pacers.computeIfAbsent(scope, s -> {
            CallPacer p = new CallPacer(
                    config.maxCallRate(),
                    config.adaptiveRateLimit() ? new AdaptiveCallRate(config.maxCallRate()) : null,
                    CallPacer.maxWait(config.reconcileThreads(), config.maxCallRate()),
                    CallPacer.MIN_TURNS);
            metrics.callRate(s, p::rate);
            return p;
        });
    }

    /** An STS client acting as {@code identity}, for GetCallerIdentity; the caller closes it. */
    StsClient stsAs(AwsIdentity identity) {
        return sts(credentials(identity));
    }

    AwsCredentialsProvider credentials(AwsIdentity identity) {
        if (identity.isOwn()) {
            return own;
        }
        return roles.computeIfAbsent(
                identity,
                id -> StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(stsForRoles)
                        .refreshRequest(r -> {
                            r.roleArn(id.roleArn())
                                    .roleSessionName(sessionName(id.clusterId(), id.namespace()))
                                    .tags(
                                            Tag.builder()
                                                    .key("ses.mre.dev/cluster")
                                                    .value(id.clusterId())
                                                    .build(),
                                            Tag.builder()
                                                    .key("ses.mre.dev/namespace")
                                                    .value(id.namespace())
                                                    .build());
                            if (id.externalId() != null) {
                                r.externalId(id.externalId());
                            }
                            if (id.sessionDuration() != null) {
                                r.durationSeconds((int) id.sessionDuration().toSeconds());
                            }
                        })
                        // renewed by the calling thread within the prefetch time before expiry (no thread per role)
                        .build());
    }

    /**
     * {@code ses-mre.<cluster>.<namespace>}, within STS's 64 characters and alphabet: what the target account's
     * CloudTrail shows as the session of each call.
     */
    static String sessionName(String clusterId, String namespace) {
        String name = ("ses-mre." + clusterId + "." + namespace).replaceAll("[^\\w+=,.@-]", "-");
        if (name.length() <= MAX_SESSION_NAME) {
            return name;
        }
        String hash = OwnerTag.sha256Hex(name).substring(0, 8);
        return name.substring(0, MAX_SESSION_NAME - hash.length() - 1) + "." + hash;
    }

    private StsClient sts(AwsCredentialsProvider credentials) {
        var b = StsClient.builder()
                .region(Region.of(config.defaultRegion()))
                .httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
        URI sts = config.stsEndpoint();
        if (sts != null) {
            b.endpointOverride(sts);
        }
        return b.build();
    }

    private RetryStrategy retryStrategy() {
        return AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder()
                .maxAttempts(SDK_MAX_ATTEMPTS)
                .build();
    }

    @Override
    public void close() {
        ses.values().forEach(SesV2Client::close);
        roles.values().forEach(StsAssumeRoleCredentialsProvider::close);
        stsForRoles.close();
        http.close();
    }
}
