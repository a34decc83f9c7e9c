package dev.mre.operator.aws;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the operator asks of SES. The only implementation that talks to AWS is {@link SdkSesGateway};
 * every method throws {@link SesFailure} and nothing else.
 */
public interface SesGateway extends AutoCloseable {

    /** GetMultiRegionEndpoint; empty when SES answers NotFound. */
    Optional<ObservedEndpoint> get(String region, String endpointName);

    /** CreateMultiRegionEndpoint in {@code region} (the primary) with one secondary route. */
    Created create(String region, String endpointName, String secondaryRegion, Map<String, String> tags);

    /** DeleteMultiRegionEndpoint; returns the status SES reports (normally DELETING). */
    String delete(String region, String endpointName);

    /** ListTagsForResource on the endpoint's ARN. */
    Map<String, String> listTags(String region, String arn);

    /** TagResource with the given tags (added or overwritten). */
    void tag(String region, String arn, Map<String, String> tags);

    /** UntagResource with the given keys. */
    void untag(String region, String arn, Set<String> keys);

    /** The endpoint's ARN, built from the caller's account (STS GetCallerIdentity, asked once). */
    String arn(String region, String endpointName);

    @Override
    default void close() {}

    /** What CreateMultiRegionEndpoint answered. */
    record Created(String endpointId, String status) {}
}
