package dev.mre.sesemulator;

/**
 * Why a request failed authentication. SES (restJson) and STS (query) spell the same failure with
 * different error codes; both answer 403.
 */
enum AuthFailure {
    MISSING_TOKEN("MissingAuthenticationTokenException", "MissingAuthenticationToken"),
    UNKNOWN_ACCESS_KEY("UnrecognizedClientException", "InvalidClientTokenId"),
    SIGNATURE_MISMATCH("InvalidSignatureException", "SignatureDoesNotMatch"),
    EXPIRED_TOKEN("ExpiredTokenException", "ExpiredToken");

    private final String sesCode;
    private final String stsCode;

    AuthFailure(String sesCode, String stsCode) {
        this.sesCode = sesCode;
        this.stsCode = stsCode;
    }

    ApiException toApiException(Operation.Service service, String message) {
        return new ApiException(403, service == Operation.Service.STS ? stsCode : sesCode, message);
    }

    /** Thrown by the verifier; converted per service by the request pipeline. */
    static final class Failed extends RuntimeException {
        private final AuthFailure failure;

        Failed(AuthFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }

        AuthFailure failure() {
            return failure;
        }
    }
}
