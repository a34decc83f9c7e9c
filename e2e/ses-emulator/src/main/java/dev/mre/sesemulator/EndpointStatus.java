package dev.mre.sesemulator;

/** The SES {@code Status} enum of a multi-region endpoint, spelled as on the wire. */
public enum EndpointStatus {
    CREATING,
    READY,
    FAILED,
    DELETING
}
