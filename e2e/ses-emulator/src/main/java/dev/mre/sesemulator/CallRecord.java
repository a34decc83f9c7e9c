package dev.mre.sesemulator;

import java.time.Instant;

/**
 * One request as the emulator saw it.
 *
 * @param operation    the wire name of the operation, or {@code Unknown}
 * @param region       the region of the SigV4 scope, null when the request was not authenticated that far
 * @param endpointName the endpoint the request addressed (by name or ARN), null when none
 * @param outcome      {@code "200"} or the error code answered, or {@code ConnectionDropped} / {@code ResponseDropped}
 * @param httpStatus   the status answered, 0 when no response was sent
 */
public record CallRecord(
        Instant time,
        String operation,
        String region,
        String accountId,
        String endpointName,
        String accessKeyId,
        String outcome,
        int httpStatus,
        String requestId) {
}
