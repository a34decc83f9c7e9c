package dev.mre.operator.reconcile;

/** Why an object is where it is. Each reason belongs to one kstatus state, which decides the three conditions. */
public enum Reason {
    Creating(State.PROGRESSING),
    Available(State.READY),
    Deleting(State.PROGRESSING),
    Recreating(State.PROGRESSING),
    Throttled(State.PROGRESSING),
    AwsUnavailable(State.PROGRESSING),
    DeletedOutOfBand(State.PROGRESSING),
    AccessDenied(State.STALLED),
    InvalidSpec(State.STALLED),
    EndpointNameConflict(State.STALLED),
    QuotaExceeded(State.STALLED),
    ProvisioningFailed(State.STALLED),
    NoRoleSelector(State.STALLED),
    AmbiguousRoleSelector(State.STALLED),
    AccountChanged(State.STALLED),
    /** The annotation ses.mre.dev/paused: Reconciling=False, Ready and Stalled as they were. */
    Paused(State.PAUSED);

    /**
     * READY sets Ready=True, PROGRESSING sets Reconciling=True, STALLED sets Stalled=True (the others False);
     * PAUSED sets Reconciling=False and leaves Ready and Stalled as they were.
     */
    public enum State {
        READY,
        PROGRESSING,
        STALLED,
        PAUSED
    }

    private final State state;

    Reason(State state) {
        this.state = state;
    }

    public State state() {
        return state;
    }

    /** Kubernetes Event type for a transition into this reason. */
    public String eventType() {
        return state == State.STALLED || this == Throttled || this == AwsUnavailable || this == DeletedOutOfBand
                ? "Warning"
                : "Normal";
    }
}
