package dev.mre.sesemulator;

/**
 * An error answer: HTTP status, AWS error code, message. Thrown anywhere during a request;
 * the protocol of the called service (restJson for SES, query/XML for STS) decides how it is written.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
