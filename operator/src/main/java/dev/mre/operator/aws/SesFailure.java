package dev.mre.operator.aws;

/**
 * A failed SES or STS call, classified for the decision step. Thrown only by the {@link SesGateway}, so the
 * rest of the operator never sees an AWS SDK exception type.
 */
public class SesFailure extends RuntimeException {

    /** What a failure means for the reconciler, not which AWS class carried it. */
    public enum Kind {
        /** 429 / TooManyRequestsException / Throttling: back off and slow down. */
        THROTTLED,
        /** 5xx, ConcurrentModificationException, I/O errors: retry with backoff. */
        UNAVAILABLE,
        /** 403, unknown or invalid credentials, no credentials at all: needs a human. */
        ACCESS_DENIED,
        /** LimitExceededException: the account's endpoint quota is used up. */
        LIMIT_EXCEEDED,
        /** AlreadyExistsException on Create: someone (maybe us, before a restart) created it first. */
        ALREADY_EXISTS,
        /** NotFoundException outside Get (for example tagging an endpoint that just vanished). */
        NOT_FOUND,
        /** BadRequestException and other 4xx: SES refused the request as invalid. */
        BAD_REQUEST
    }

    private final Kind kind;
    private final String errorCode;

    public SesFailure(Kind kind, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    /** AWS error code (for example TooManyRequestsException), or the client-side exception's simple name. */
    public String errorCode() {
        return errorCode;
    }

    public boolean isTransient() {
        return kind == Kind.THROTTLED
                || kind == Kind.UNAVAILABLE
                || kind == Kind.ALREADY_EXISTS
                || kind == Kind.NOT_FOUND;
    }
}
