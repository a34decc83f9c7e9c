package dev.mre.sesemulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** STS over the AWS query protocol: GetCallerIdentity and the XML error envelope. */
final class StsProtocol {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private StsProtocol() {
    }

    static String getCallerIdentity(Credentials caller, String region, String requestId) {
        return "<GetCallerIdentityResponse xmlns=\"" + NAMESPACE + "\">\n"
                + "  <GetCallerIdentityResult>\n"
                + "    <Arn>" + xml(caller.userArn(Regions.partition(region))) + "</Arn>\n"
                + "    <UserId>" + userId(caller) + "</UserId>\n"
                + "    <Account>" + xml(caller.accountId()) + "</Account>\n"
                + "  </GetCallerIdentityResult>\n"
                + "  <ResponseMetadata>\n"
                + "    <RequestId>" + requestId + "</RequestId>\n"
                + "  </ResponseMetadata>\n"
                + "</GetCallerIdentityResponse>\n";
    }

    /** STS's own codes for the faults the emulator injects: throttling is 400 "Throttling" there, not 429. */
    static ApiException translateFault(ApiException sesStyle) {
        return switch (sesStyle.code()) {
            case "TooManyRequestsException" -> new ApiException(400, "Throttling", "Rate exceeded");
            case "InternalServiceErrorException" -> new ApiException(500, "InternalFailure", sesStyle.getMessage());
            default -> sesStyle;
        };
    }

    static String error(ApiException error, String requestId) {
        String type = error.status() >= 500 ? "Receiver" : "Sender";
        return "<ErrorResponse xmlns=\"" + NAMESPACE + "\">\n"
                + "  <Error>\n"
                + "    <Type>" + type + "</Type>\n"
                + "    <Code>" + xml(error.code()) + "</Code>\n"
                + "    <Message>" + xml(error.getMessage()) + "</Message>\n"
                + "  </Error>\n"
                + "  <RequestId>" + requestId + "</RequestId>\n"
                + "</ErrorResponse>\n";
    }

    /** A stable IAM-style unique id (AIDA + 17 characters) derived from the access key. */
    private static String userId(Credentials caller) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(caller.accessKeyId().getBytes(StandardCharsets.UTF_8));
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            StringBuilder id = new StringBuilder("AIDA");
            for (int i = 0; i < 17; i++) {
                id.append(alphabet.charAt((hash[i] & 0xFF) % alphabet.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String xml(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
