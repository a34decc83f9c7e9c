package dev.mre.sesemulator;

import java.time.Instant;
import java.util.List;

/**
 * A message SendEmail accepted (nothing is delivered).
 *
 * @param region       the region that took the message: the region the endpoint routed it to, or the SigV4 region
 * @param endpointId   the EndpointId it was sent through, null for a regional send
 * @param failover     true when an endpoint routed it to its secondary region
 * @param contentType  {@code Simple}, {@code Raw} or {@code Template}
 */
public record SentMessage(
        String messageId,
        Instant time,
        String accountId,
        String region,
        String endpointId,
        boolean failover,
        String fromEmailAddress,
        String sendingIdentity,
        List<String> toAddresses,
        List<String> ccAddresses,
        List<String> bccAddresses,
        String subject,
        String contentType,
        String configurationSetName,
        String accessKeyId) {}
