package dev.mre.sesemulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one stored multi-region endpoint.
 *
 * @param region          the primary region (the region the Create call was signed for)
 * @param secondaryRegion the one region from {@code Details.RoutesDetails}
 * @param tags            in insertion order
 */
public record EndpointView(
        String accountId,
        String region,
        String endpointName,
        String endpointId,
        EndpointStatus status,
        String secondaryRegion,
        Map<String, String> tags,
        Instant createdTimestamp,
        Instant lastUpdatedTimestamp,
        String arn) {

    /** Primary then secondary region, the order Get and List answer them in. */
    public List<String> regions() {
        return List.of(region, secondaryRegion);
    }
}
