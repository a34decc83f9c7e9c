package dev.mre.sesemulator;

/**
 * The SES v2 error answers, with the HTTP status the service model gives each code
 * (the SDK picks the exception class from the code, its retry decision partly from the status).
 */
final class SesErrors {

    private SesErrors() {}

    static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequestException", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "NotFoundException", message);
    }

    static ApiException alreadyExists(String message) {
        return new ApiException(400, "AlreadyExistsException", message);
    }

    static ApiException limitExceeded(String message) {
        return new ApiException(400, "LimitExceededException", message);
    }

    static ApiException tooManyRequests() {
        return new ApiException(429, "TooManyRequestsException", "Too Many Requests");
    }

    /** 500 in the SES model, so the SDK retries it like any server error. */
    static ApiException concurrentModification(String message) {
        return new ApiException(500, "ConcurrentModificationException", message);
    }

    /** Not in the SES model: the SDK surfaces it as a plain SesV2Exception with this error code. */
    static ApiException accessDenied(String message) {
        return new ApiException(403, "AccessDeniedException", message);
    }

    /** Modeled by SES with status 500: the SDK maps it to InternalServiceErrorException and retries it. */
    static ApiException internalError(String message) {
        return new ApiException(500, "InternalServiceErrorException", message);
    }

    static ApiException unknownOperation(String method, String path) {
        return new ApiException(404, "UnknownOperationException", "No operation matches " + method + " " + path);
    }
}
