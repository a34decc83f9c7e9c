package dev.mre.sesemulator;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one STS AssumeRole session (never its secret or token).
 *
 * @param arn        {@code arn:aws:sts::<account>:assumed-role/<role>/<session>}
 * @param tags       the session tags ({@code aws:PrincipalTag/<key>})
 * @param assumedBy  the ARN of the principal that called AssumeRole
 * @param expiration on the real clock
 */
public record SessionView(
        String accessKeyId,
        String roleArn,
        String sessionName,
        String accountId,
        String arn,
        Map<String, String> tags,
        String assumedBy,
        Instant issuedAt,
        Instant expiration) {}
