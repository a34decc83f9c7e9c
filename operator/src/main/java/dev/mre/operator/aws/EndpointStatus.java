package dev.mre.operator.aws;

/** The status SES reports for a multi-region endpoint; {@link #UNKNOWN} for a value newer than this operator. */
public enum EndpointStatus {
    CREATING,
    READY,
    FAILED,
    DELETING,
    UNKNOWN;

    /** Maps SES's text; anything unrecognised is {@link #UNKNOWN} (the SDK's UNKNOWN_TO_SDK_VERSION included). */
    public static EndpointStatus of(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        return switch (text) {
            case "CREATING" -> CREATING;
            case "READY" -> READY;
            case "FAILED" -> FAILED;
            case "DELETING" -> DELETING;
            default -> UNKNOWN;
        };
    }
}
