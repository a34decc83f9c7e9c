package dev.mre.operator.aws;

import dev.mre.operator.config.OperatorConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.DkimAttributes;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.GetMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.Route;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The only class that calls the AWS SDK: SES calls as an identity (the operator's own, or an assumed role) in the
 * account that identity acts in, each paced per account and region, every SDK exception turned into a
 * {@link SesFailure}.
 */
public final class SdkSesGateway implements SesGateway {

    private final SesClients clients;
    /** Account per role ARN (the empty string: the operator's own identity), from GetCallerIdentity. */
    private final Map<String, String> accounts = new ConcurrentHashMap<>();

    /**
     * @param credentials the operator's own credentials: the SDK's default chain in production (env, profile,
     *                    IRSA web identity, EKS Pod Identity, instance metadata)
     * @param metrics where call counts and call rates go
     */
    public SdkSesGateway(OperatorConfig config, AwsCredentialsProvider credentials, CallMetrics metrics) {
        this.clients = new SesClients(config, credentials, metrics);
    }

    @Override
    public double callRate(ScopeKey scope) {
        return clients.pacer(scope).rate();
    }

    @Override
    public List<ObservedEndpoint> list(AwsIdentity identity, String region) {
        // the paginator calls SES lazily while the stream is consumed, so every page's failure lands in call()
        return call(() ->
                ses(identity, region)
                        .listMultiRegionEndpointsPaginator(b -> b.pageSize(PAGE_SIZE))
                        .multiRegionEndpoints()
                        .stream()
                        .map(e -> new ObservedEndpoint(
                                e.endpointName(),
                                e.endpointId(),
                                EndpointStatus.of(e.statusAsString()),
                                e.statusAsString(),
                                e.regions(),
                                e.createdTimestamp(),
                                e.lastUpdatedTimestamp()))
                        .toList());
    }

    @Override
    public Optional<ObservedEndpoint> get(EndpointRef endpoint) {
        try {
            GetMultiRegionEndpointResponse r =
                    ses(endpoint).getMultiRegionEndpoint(b -> b.endpointName(endpoint.name()));
            List<String> regions = r.routes() == null
                    ? List.of()
                    : r.routes().stream().map(Route::region).toList();
            return Optional.of(new ObservedEndpoint(
                    r.endpointName(),
                    r.endpointId(),
                    EndpointStatus.of(r.statusAsString()),
                    r.statusAsString(),
                    regions,
                    r.createdTimestamp(),
                    r.lastUpdatedTimestamp()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }

    @Override
    public Created create(EndpointRef endpoint, String secondaryRegion, Map<String, String> tags) {
        CreateMultiRegionEndpointResponse r = call(() -> ses(endpoint)
                .createMultiRegionEndpoint(b -> b.endpointName(endpoint.name())
                        .details(d -> d.routesDetails(
                                RouteDetails.builder().region(secondaryRegion).build()))
                        .tags(toSdk(tags))));
        return new Created(r.endpointId(), EndpointStatus.of(r.statusAsString()));
    }

    @Override
    public EndpointStatus delete(EndpointRef endpoint) {
        return EndpointStatus.of(
                call(() -> ses(endpoint).deleteMultiRegionEndpoint(b -> b.endpointName(endpoint.name())))
                        .statusAsString());
    }

    @Override
    public Map<String, String> listTags(EndpointRef endpoint) {
        Map<String, String> tags = new HashMap<>();
        call(() -> ses(endpoint).listTagsForResource(b -> b.resourceArn(arn(endpoint))))
                .tags()
                .forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    @Override
    public void tag(EndpointRef endpoint, Map<String, String> tags) {
        call(() -> ses(endpoint).tagResource(b -> b.resourceArn(arn(endpoint)).tags(toSdk(tags))));
    }

    @Override
    public void untag(EndpointRef endpoint, Set<String> keys) {
        call(() -> ses(endpoint).untagResource(b -> b.resourceArn(arn(endpoint)).tagKeys(keys)));
    }

    @Override
    public Optional<SendingFacts.Identity> emailIdentity(AwsIdentity identity, String region, String emailIdentity) {
        try {
            GetEmailIdentityResponse r = ses(identity, region).getEmailIdentity(b -> b.emailIdentity(emailIdentity));
            DkimAttributes dkim = r.dkimAttributes();
            return Optional.of(new SendingFacts.Identity(
                    r.identityTypeAsString(),
                    Boolean.TRUE.equals(r.verifiedForSendingStatus()),
                    dkim == null ? null : dkim.statusAsString(),
                    dkim == null ? null : dkim.signingAttributesOriginAsString(),
                    r.verificationInfo() == null ? null : r.verificationInfo().errorTypeAsString()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }

    @Override
    public SendingFacts.Account sendingAccount(AwsIdentity identity, String region) {
        GetAccountResponse r = call(() -> ses(identity, region).getAccount(b -> {}));
        return new SendingFacts.Account(
                Boolean.TRUE.equals(r.sendingEnabled()),
                Boolean.TRUE.equals(r.productionAccessEnabled()),
                r.enforcementStatus());
    }

    @Override
    public boolean configurationSetExists(AwsIdentity identity, String region, String name) {
        try {
            ses(identity, region).getConfigurationSet(b -> b.configurationSetName(name));
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }

    @Override
    public void createReplicaIdentity(
            AwsIdentity identity, String region, String domain, String parentRegion, Map<String, String> tags) {
        call(() -> ses(identity, region)
                .createEmailIdentity(b -> b.emailIdentity(domain)
                        .dkimSigningAttributes(
                                d -> d.domainSigningAttributesOrigin(SendingFacts.replicaOrigin(parentRegion)))
                        .tags(toSdk(tags))));
    }

    @Override
    public String arn(EndpointRef endpoint) {
        String partition = PartitionMetadata.of(Region.of(endpoint.region())).id();
        return "arn:" + partition + ":ses:" + endpoint.region() + ":" + account(endpoint.identity())
                + ":multi-region-endpoint/" + endpoint.name();
    }

    /**
     * The account, from STS GetCallerIdentity with the identity's credentials on first use (for a role: the first
     * AssumeRole too, so an identity that cannot be assumed fails here, before any SES call); a failure is retried on
     * the next use.
     */
    @Override
    public String account(AwsIdentity identity) {
        String key = identity.isOwn() ? "" : identity.roleArn();
        String known = accounts.get(key);
        if (known != null) {
            return known;
        }
        String account;
        try (StsClient sts = clients.stsAs(identity)) {
            account = call(sts::getCallerIdentity).account();
        }
        accounts.putIfAbsent(key, account);
        return account;
    }

    private SesV2Client ses(EndpointRef endpoint) {
        return ses(endpoint.identity(), endpoint.region());
    }

    private SesV2Client ses(AwsIdentity identity, String region) {
        return clients.ses(identity, region, account(identity));
    }

    @Override
    public void close() {
        clients.close();
    }

    private static List<Tag> toSdk(Map<String, String> tags) {
        return tags.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    private static <T> T call(Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (SdkException e) {
            throw AwsErrors.classify(e);
        }
    }
}
