package dev.mre.operator.reconcile;

import dev.mre.operator.aws.ObservedEndpoint;
import java.time.Instant;
import java.util.List;

/** The endpoint fields of the status, as the reconciler last learned them from SES. */
public record EndpointFacts(
        String endpointId,
        String endpointStatus,
        List<String> regions,
        Instant created,
        Instant lastUpdated,
        String arn) {

    public static EndpointFacts of(ObservedEndpoint ep, String arn) {
        return new EndpointFacts(
                ep.endpointId(), ep.statusText(), ep.regions(), ep.createdTimestamp(), ep.lastUpdatedTimestamp(), arn);
    }

    public EndpointFacts withStatus(String status) {
        return new EndpointFacts(endpointId, status, regions, created, lastUpdated, arn);
    }
}
