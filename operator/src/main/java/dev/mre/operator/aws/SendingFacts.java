package dev.mre.operator.aws;

/** What SES answers about sending in one account and region: the reads behind the SendingReady condition. */
public final class SendingFacts {

    private SendingFacts() {}

    /**
     * GetEmailIdentity, reduced to what sending readiness needs.
     *
     * @param type DOMAIN, EMAIL_ADDRESS or MANAGED_DOMAIN
     * @param dkimStatus DkimAttributes.Status (PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE, NOT_STARTED); null if none
     * @param signingOrigin DkimAttributes.SigningAttributesOrigin: AWS_SES (Easy DKIM), EXTERNAL (BYODKIM) or
     *                      AWS_SES_&lt;REGION&gt; (a DEED replica of that region's identity); null if none
     * @param verificationError VerificationInfo.ErrorType (for a replica, why replication failed); null if none
     */
    public record Identity(
            String type,
            boolean verifiedForSending,
            String dkimStatus,
            String signingOrigin,
            String verificationError) {

        public boolean isDomain() {
            return !"EMAIL_ADDRESS".equals(type);
        }
    }

    /**
     * GetAccount, reduced likewise.
     *
     * @param enforcementStatus HEALTHY, PROBATION or SHUTDOWN (a plain string in SES's model); null if not reported
     */
    public record Account(boolean sendingEnabled, boolean productionAccessEnabled, String enforcementStatus) {}

    /** One answer of SES: what it holds, that it holds nothing of that name (NotFound), or that the read failed. */
    public sealed interface Answer<T> {}

    public record Found<T>(T value) implements Answer<T> {}

    public record Missing<T>() implements Answer<T> {}

    public record Failed<T>(SesFailure failure) implements Answer<T> {}

    /** The DKIM signing origin of a DEED replica of {@code parentRegion}'s identity: AWS_SES_US_EAST_1. */
    public static String replicaOrigin(String parentRegion) {
        return "AWS_SES_" + parentRegion.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
