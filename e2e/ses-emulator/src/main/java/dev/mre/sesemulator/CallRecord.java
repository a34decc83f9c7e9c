package dev.mre.sesemulator;

import java.time.Instant;

/**
 * One request as the emulator saw it.
 *
 * @param operation    the wire name of the operation, or {@code Unknown}
 * @param region       the region of the SigV4 scope, null when the request was not authenticated that far
 * @param accountId    the account the call acted in (an assumed role's account for a role session), null when not authenticated
 * @param endpointName the endpoint the request addressed (by name or ARN), null when none
 * @param accessKeyId  the access key the request claimed to be signed with (also when it was refused)
 * @param outcome      {@code "200"} or the error code answered, or {@code ConnectionDropped} / {@code ResponseDropped}
 * @param httpStatus   the status answered, 0 when no response was sent
 * @param principalArn who called: {@code arn:aws:iam::<acct>:user/<name>} or {@code arn:aws:sts::<acct>:assumed-role/<role>/<session>};
 *                     null when not authenticated
 * @param roleArn      the IAM role involved: for AssumeRole the role asked for (as sent), for a call signed with role
 *                     session credentials the session's role, else null
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
        String requestId,
        String principalArn,
        String roleArn) {}
