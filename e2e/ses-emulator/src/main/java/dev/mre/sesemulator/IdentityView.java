package dev.mre.sesemulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An email identity as GetEmailIdentity would show it now.
 *
 * @param identityType            {@code EMAIL_ADDRESS} or {@code DOMAIN}
 * @param verificationStatus      PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED
 * @param signingAttributesOrigin {@code AWS_SES} (Easy DKIM), {@code EXTERNAL} (BYODKIM) or {@code AWS_SES_<REGION>}
 *                                (a Deterministic Easy DKIM replica of the identity in that region)
 * @param parentRegion            the region of the parent of a replica, else null
 * @param errorType               VerificationInfo.ErrorType (the REPLICATION_* values), else null
 */
public record IdentityView(
        String accountId,
        String region,
        String identityName,
        String identityType,
        String verificationStatus,
        boolean verifiedForSending,
        String dkimStatus,
        String signingAttributesOrigin,
        String parentRegion,
        String errorType,
        List<String> dkimTokens,
        Map<String, String> tags,
        String configurationSetName,
        Instant createdTimestamp,
        String arn) {}
