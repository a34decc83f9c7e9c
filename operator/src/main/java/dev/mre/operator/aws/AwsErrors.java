package dev.mre.operator.aws;

import dev.mre.operator.aws.SesFailure.Kind;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps AWS SDK exceptions to {@link SesFailure}: by AWS error code first (as the SDK does), then HTTP status. The
 * one classifier of the operator: the pacer, the metrics and the per-object backoff all ask {@link #isThrottling}.
 */
public final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of(
            "TooManyRequestsException",
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "SlowDown",
            "RequestThrottled");
    private static final Set<String> ACCESS = Set.of(
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
            "InvalidClientTokenId",
            "MissingAuthenticationTokenException",
            "ExpiredToken",
            "ExpiredTokenException",
            "IncompleteSignature",
            "InvalidAccessKeyId",
            "AuthFailure");

    private AwsErrors() {}

    static SesFailure classify(SdkException e) {
        if (isNotSent(e)) {
            // the operator's own pacing kept the call back while SES throttles this account: throttling, not sent
            return new SesFailure(
                    Kind.THROTTLED, CallPacer.NoTurn.CODE, e.getCause().getMessage(), e);
        }
        if (e instanceof AwsServiceException ase) {
            String code =
                    ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            String text =
                    ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorMessage();
            int status = ase.statusCode();
            String c = code == null ? "HTTP" + status : code;
            String message = text == null ? "HTTP " + status : text;
            return new SesFailure(kindOf(code, status), c, redact(message), e);
        }
        if (e instanceof SdkClientException
                && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            // no credentials at all is a configuration problem: a human must act
            return new SesFailure(Kind.ACCESS_DENIED, "NoCredentials", redact(firstLine(e.getMessage())), e);
        }
        return new SesFailure(Kind.UNAVAILABLE, e.getClass().getSimpleName(), redact(firstLine(e.getMessage())), e);
    }

    /** Whether the call was kept back by the operator's own pacing and never sent (see {@link CallPacer}). */
    public static boolean isNotSent(Throwable e) {
        return e instanceof SdkClientException && e.getCause() instanceof CallPacer.NoTurn;
    }

    /** The AWS error code of an {@code x-amzn-ErrorType} header ({@code Code:optional-URI}). */
    public static String errorCodeOf(String errorTypeHeader) {
        int colon = errorTypeHeader.indexOf(':');
        return colon < 0 ? errorTypeHeader : errorTypeHeader.substring(0, colon);
    }

    /** Whether an answer (HTTP status, AWS error code or null) means "slow down". */
    public static boolean isThrottling(int status, String errorCode) {
        return kindOf(errorCode, status) == Kind.THROTTLED;
    }

    static Kind kindOf(String code, int status) {
        if (code != null) {
            if (THROTTLING.contains(code)) return Kind.THROTTLED;
            if (ACCESS.contains(code)) return Kind.ACCESS_DENIED;
            switch (code) {
                case "NotFoundException":
                    return Kind.NOT_FOUND;
                case "AlreadyExistsException":
                    return Kind.ALREADY_EXISTS;
                case "LimitExceededException":
                    return Kind.LIMIT_EXCEEDED;
                case "ConcurrentModificationException":
                    return Kind.UNAVAILABLE;
                case "BadRequestException":
                    return Kind.BAD_REQUEST;
                default:
                    break;
            }
        }
        if (status == 429) return Kind.THROTTLED;
        if (status == 401 || status == 403) return Kind.ACCESS_DENIED;
        if (status == 404) return Kind.NOT_FOUND;
        if (status >= 500 || status == 0) return Kind.UNAVAILABLE;
        return Kind.BAD_REQUEST;
    }

    /**
     * AWS text as it may appear in an object's status and Events, which every tenant with read access sees: no ARN
     * (it names accounts, roles and users), no account number, one line, at most {@link #MAX_MESSAGE} characters.
     */
    static String redact(String text) {
        String t = firstLine(text);
        t = ARN.matcher(t).replaceAll("<arn>");
        t = ACCOUNT.matcher(t).replaceAll("<account>");
        t = t.strip();
        return t.length() <= MAX_MESSAGE ? t : t.substring(0, MAX_MESSAGE - 3) + "...";
    }

    static final int MAX_MESSAGE = 200;
    private static final Pattern ARN = Pattern.compile("arn:[A-Za-z0-9-]+:[^\\s\"',;]*");
    private static final Pattern ACCOUNT = Pattern.compile("(?<![0-9])[0-9]{12}(?![0-9])");

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
