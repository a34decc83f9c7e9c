package dev.mre.operator.aws;

import java.time.Instant;
import java.util.List;

/**
 * An endpoint as SES GetMultiRegionEndpoint reports it.
 *
 * @param status SES status text as received (CREATING, READY, FAILED, DELETING, or a value newer than this SDK)
 * @param regions primary and secondary regions, in the order SES returned them (order is not documented)
 */
public record ObservedEndpoint(String name, String endpointId, String status, List<String> regions,
                               Instant createdTimestamp, Instant lastUpdatedTimestamp) {

    public static final String CREATING = "CREATING";
    public static final String READY = "READY";
    public static final String FAILED = "FAILED";
    public static final String DELETING = "DELETING";

    public ObservedEndpoint {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }
}
