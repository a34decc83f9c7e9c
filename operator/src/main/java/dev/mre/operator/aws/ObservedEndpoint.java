package dev.mre.operator.aws;

import java.time.Instant;
import java.util.List;

/**
 * An endpoint as SES reports it (GetMultiRegionEndpoint or ListMultiRegionEndpoints).
 *
 * @param statusText SES's status text as received, shown in the object's status even when {@link #status} is
 *                   {@link EndpointStatus#UNKNOWN}
 * @param regions primary and secondary regions, in the order SES returned them (order is not documented)
 */
public record ObservedEndpoint(
        String name,
        String endpointId,
        EndpointStatus status,
        String statusText,
        List<String> regions,
        Instant createdTimestamp,
        Instant lastUpdatedTimestamp) {

    public ObservedEndpoint {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    public ObservedEndpoint(
            String name,
            String endpointId,
            EndpointStatus status,
            List<String> regions,
            Instant createdTimestamp,
            Instant lastUpdatedTimestamp) {
        this(name, endpointId, status, status.name(), regions, createdTimestamp, lastUpdatedTimestamp);
    }

    /** The same endpoint with the status a call just reported (Delete answers DELETING). */
    public ObservedEndpoint withStatus(EndpointStatus s) {
        return new ObservedEndpoint(name, endpointId, s, s.name(), regions, createdTimestamp, lastUpdatedTimestamp);
    }
}
