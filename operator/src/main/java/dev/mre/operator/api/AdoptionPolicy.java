package dev.mre.operator.api;

/** What happens when an endpoint of the desired name already exists and no object manages it. */
public enum AdoptionPolicy {
    /** Report EndpointNameConflict and never touch it (the default). */
    Never,
    /** Take it over (add the ownership tag) when its routes match the spec. */
    Adopt
}
