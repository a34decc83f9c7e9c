package dev.mre.operator.api;

/** What happens to the SES endpoint when its object is deleted. */
public enum DeletionPolicy {
    /** Delete the endpoint and wait until SES no longer knows it (the default). */
    Delete,
    /** Leave the endpoint in AWS; only the object goes. */
    Retain
}
