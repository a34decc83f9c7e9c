package dev.mre.operator.aws;

import dev.mre.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.GetMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.Route;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/** The only class that calls the AWS SDK. */
public final class SdkSesGateway implements SesGateway {

    private final SesClients clients;
    private final CallPacer pacer;
    private volatile String accountId;

    /**
     * @param credentials where AWS credentials come from: the SDK's default chain in production (env, profile,
     *                    IRSA web identity, EKS Pod Identity, instance metadata)
     */
    public SdkSesGateway(OperatorConfig config, AwsCredentialsProvider credentials,
                         List<ExecutionInterceptor> extraInterceptors) {
        List<ExecutionInterceptor> interceptors = new ArrayList<>();
        this.pacer = new CallPacer(config.maxCallRate(),
                config.adaptiveRateLimit() ? new AdaptiveCallRate(config.maxCallRate()) : null);
        interceptors.add(pacer);
        interceptors.addAll(extraInterceptors);
        this.clients = new SesClients(config, credentials, interceptors);
    }

    /** SES calls per second the operator allows itself now (the ceiling, or less after throttling). */
    public double callRate() {
        return pacer.rate();
    }

    /** SES's maximum page: a thousand endpoints per call. */
    static final int PAGE_SIZE = 1000;

    @Override
    public List<ObservedEndpoint> list(String region) {
        // the paginator calls SES lazily while the stream is consumed, so every page's failure lands in call()
        return call(() -> clients.ses(region).listMultiRegionEndpointsPaginator(b -> b.pageSize(PAGE_SIZE))
                .multiRegionEndpoints().stream()
                .map(e -> new ObservedEndpoint(e.endpointName(), e.endpointId(), EndpointStatus.of(e.statusAsString()),
                        e.statusAsString(), e.regions(), e.createdTimestamp(), e.lastUpdatedTimestamp()))
                .toList());
    }

    @Override
    public Optional<ObservedEndpoint> get(EndpointRef endpoint) {
        try {
            GetMultiRegionEndpointResponse r = clients.ses(endpoint.region())
                    .getMultiRegionEndpoint(b -> b.endpointName(endpoint.name()));
            List<String> regions = r.routes() == null ? List.of() : r.routes().stream().map(Route::region).toList();
            return Optional.of(new ObservedEndpoint(r.endpointName(), r.endpointId(),
                    EndpointStatus.of(r.statusAsString()), r.statusAsString(), regions, r.createdTimestamp(),
                    r.lastUpdatedTimestamp()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }

    @Override
    public Created create(EndpointRef endpoint, String secondaryRegion, Map<String, String> tags) {
        CreateMultiRegionEndpointResponse r = call(() -> clients.ses(endpoint.region()).createMultiRegionEndpoint(b -> b
                .endpointName(endpoint.name())
                .details(d -> d.routesDetails(RouteDetails.builder().region(secondaryRegion).build()))
                .tags(toSdk(tags))));
        return new Created(r.endpointId(), EndpointStatus.of(r.statusAsString()));
    }

    @Override
    public EndpointStatus delete(EndpointRef endpoint) {
        return EndpointStatus.of(call(() -> clients.ses(endpoint.region())
                .deleteMultiRegionEndpoint(b -> b.endpointName(endpoint.name()))).statusAsString());
    }

    @Override
    public Map<String, String> listTags(EndpointRef endpoint) {
        Map<String, String> tags = new HashMap<>();
        call(() -> clients.ses(endpoint.region()).listTagsForResource(b -> b.resourceArn(arn(endpoint))))
                .tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    @Override
    public void tag(EndpointRef endpoint, Map<String, String> tags) {
        call(() -> clients.ses(endpoint.region()).tagResource(b -> b.resourceArn(arn(endpoint)).tags(toSdk(tags))));
    }

    @Override
    public void untag(EndpointRef endpoint, Set<String> keys) {
        call(() -> clients.ses(endpoint.region()).untagResource(b -> b.resourceArn(arn(endpoint)).tagKeys(keys)));
    }

    @Override
    public String arn(EndpointRef endpoint) {
        String partition = PartitionMetadata.of(Region.of(endpoint.region())).id();
        return "arn:" + partition + ":ses:" + endpoint.region() + ":" + account() + ":multi-region-endpoint/"
                + endpoint.name();
    }

    /** The caller's account, from STS GetCallerIdentity on first use; a failure is retried on the next use. */
    @Override
    public String account() {
        String id = accountId;
        if (id == null) {
            synchronized (this) {
                if (accountId == null) {
                    try (StsClient sts = clients.sts()) {
                        accountId = call(sts::getCallerIdentity).account();
                    }
                }
                id = accountId;
            }
        }
        return id;
    }

    @Override
    public void close() {
        clients.close();
    }

    private static List<Tag> toSdk(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private static <T> T call(Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }
}
