package dev.mre.sesemulator;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** STS over the AWS query protocol: the GetCallerIdentity and AssumeRole answers and the XML error envelope. */
final class StsProtocol {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private StsProtocol() {}

    static String getCallerIdentity(Principal caller, String partition, String requestId) {
        return "<GetCallerIdentityResponse xmlns=\"" + NAMESPACE + "\">\n"
                + "  <GetCallerIdentityResult>\n"
                + "    <Arn>" + xml(caller.arn(partition)) + "</Arn>\n"
                + "    <UserId>" + xml(caller.userId()) + "</UserId>\n"
                + "    <Account>" + xml(caller.accountId()) + "</Account>\n"
                + "  </GetCallerIdentityResult>\n"
                + "  <ResponseMetadata>\n"
                + "    <RequestId>" + requestId + "</RequestId>\n"
                + "  </ResponseMetadata>\n"
                + "</GetCallerIdentityResponse>\n";
    }

    static String assumeRole(SessionStore.Session session, String partition, String requestId) {
        Principal p = Principal.session(session);
        String expiration =
                DateTimeFormatter.ISO_INSTANT.format(session.expiration().truncatedTo(ChronoUnit.SECONDS));
        return "<AssumeRoleResponse xmlns=\"" + NAMESPACE + "\">\n"
                + "  <AssumeRoleResult>\n"
                + "    <AssumedRoleUser>\n"
                + "      <AssumedRoleId>" + xml(p.userId()) + "</AssumedRoleId>\n"
                + "      <Arn>" + xml(p.arn(partition)) + "</Arn>\n"
                + "    </AssumedRoleUser>\n"
                + "    <Credentials>\n"
                + "      <AccessKeyId>" + xml(session.accessKeyId()) + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + xml(session.secretAccessKey()) + "</SecretAccessKey>\n"
                + "      <SessionToken>" + xml(session.sessionToken()) + "</SessionToken>\n"
                + "      <Expiration>" + expiration + "</Expiration>\n"
                + "    </Credentials>\n"
                + "  </AssumeRoleResult>\n"
                + "  <ResponseMetadata>\n"
                + "    <RequestId>" + requestId + "</RequestId>\n"
                + "  </ResponseMetadata>\n"
                + "</AssumeRoleResponse>\n";
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

    static String xml(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
