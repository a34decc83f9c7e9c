package dev.mre.operator.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the operator asks of SES. The only implementation that talks to AWS is {@link SdkSesGateway};
 * every method throws {@link SesFailure} and nothing else.
 */
public interface SesGateway extends AutoCloseable {

    /** SES's largest page of ListMultiRegionEndpoints: what {@link #list} asks for. */
    int PAGE_SIZE = 1000;

    /**
     * ListMultiRegionEndpoints of {@code region} in the account of {@code identity}, every page (PageSize 1000): all
     * endpoints whose primary region it is.
     */
    List<ObservedEndpoint> list(AwsIdentity identity, String region);

    /** GetMultiRegionEndpoint; empty when SES answers NotFound. */
    Optional<ObservedEndpoint> get(EndpointRef endpoint);

    /** CreateMultiRegionEndpoint in the endpoint's (primary) region with one secondary route. */
    Created create(EndpointRef endpoint, String secondaryRegion, Map<String, String> tags);

    /** DeleteMultiRegionEndpoint; returns the status SES reports (normally DELETING). */
    EndpointStatus delete(EndpointRef endpoint);

    /** ListTagsForResource on the endpoint's ARN. */
    Map<String, String> listTags(EndpointRef endpoint);

    /** TagResource with the given tags (added or overwritten). */
    void tag(EndpointRef endpoint, Map<String, String> tags);

    /** UntagResource with the given keys. */
    void untag(EndpointRef endpoint, Set<String> keys);

    /** The endpoint's ARN (for display), built from its account. */
    String arn(EndpointRef endpoint);

    /**
     * The AWS account {@code identity} acts in: STS GetCallerIdentity with its credentials, once per role (and once
     * for the operator's own identity); for a role that is also the proof that it can be assumed.
     */
    String account(AwsIdentity identity);

    /** GetEmailIdentity in {@code region}; empty when SES answers NotFound. */
    Optional<SendingFacts.Identity> emailIdentity(AwsIdentity identity, String region, String emailIdentity);

    /** GetAccount in {@code region}: whether the account can send there. */
    SendingFacts.Account sendingAccount(AwsIdentity identity, String region);

    /** GetConfigurationSet in {@code region}: true when it exists (false on NotFound). */
    boolean configurationSetExists(AwsIdentity identity, String region, String name);

    /**
     * CreateEmailIdentity of {@code domain} in {@code region} as a Deterministic Easy DKIM replica of the identity of
     * the same name in {@code parentRegion} (DkimSigningAttributes.DomainSigningAttributesOrigin =
     * AWS_SES_&lt;PARENT_REGION&gt;), with {@code tags}.
     */
    void createReplicaIdentity(
            AwsIdentity identity, String region, String domain, String parentRegion, Map<String, String> tags);

    /** SES calls per second the operator allows itself now in one account and region (unlimited unless paced). */
    default double callRate(ScopeKey scope) {
        return Double.POSITIVE_INFINITY;
    }

    @Override
    default void close() {}

    /** What CreateMultiRegionEndpoint answered. */
    record Created(String endpointId, EndpointStatus status) {}
}
