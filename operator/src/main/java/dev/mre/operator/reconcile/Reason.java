package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.config.Setting;

/**
 * Why an object is where it is: the one table from a reason to the three conditions (Ready, Reconciling, Stalled),
 * the Event type of a transition into it, and (in {@link Message}) the texts it is reported with. Adding a reason is
 * one row here; {@link StatusFactory} reads the table, and kstatus, ArgoCD's health check and the alerts read the
 * conditions it produces.
 */
public enum Reason {
    //                    Ready       Reconciling  Stalled     Event
    Creating(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Normal),
    Available(Value.TRUE, Value.FALSE, Value.FALSE, EventType.Normal),
    Deleting(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Normal),
    Recreating(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Normal),
    Throttled(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Warning),
    AwsUnavailable(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Warning),
    DeletedOutOfBand(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Warning),
    AccessDenied(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    InvalidSpec(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    EndpointNameConflict(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    QuotaExceeded(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    ProvisioningFailed(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    NoRoleSelector(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    AmbiguousRoleSelector(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    AccountChanged(Value.FALSE, Value.FALSE, Value.TRUE, EventType.Warning),
    /** ObserveOnly, and SES has no endpoint of that name (yet): it may appear later. */
    NotFound(Value.FALSE, Value.TRUE, Value.FALSE, EventType.Normal),
    /**
     * The annotation ses.mre.dev/handover-to: the endpoint is (being) given to another cluster; nothing to do here
     * but delete the object, which then lets the finalizer go without deleting the endpoint.
     */
    HandedOver(Value.FALSE, Value.FALSE, Value.FALSE, EventType.Normal),
    /** The annotation ses.mre.dev/paused: nothing is being done, and Ready and Stalled stay as they were. */
    Paused(Value.UNCHANGED, Value.FALSE, Value.UNCHANGED, EventType.Normal),
    // spec.export problems (ExportStep): Stalled only, over the endpoint's own reason; an endpoint READY in SES stays
    // Ready whatever happens to its ConfigMap, so these never are the object's Ready reason
    /** A ConfigMap of that name exists and this operator did not create it for this object. */
    ExportConflict(Value.UNCHANGED, Value.UNCHANGED, Value.TRUE, EventType.Warning),
    /** spec.export while the administrator does not allow exports. */
    ExportNotAllowed(Value.UNCHANGED, Value.UNCHANGED, Value.TRUE, EventType.Warning),
    /** The Kubernetes API refused the GET, create or update of the ConfigMap. */
    ExportFailed(Value.UNCHANGED, Value.UNCHANGED, Value.TRUE, EventType.Warning);

    /** A condition's value under a reason; UNCHANGED keeps the condition exactly as it was. */
    public enum Value {
        TRUE,
        FALSE,
        UNCHANGED
    }

    public enum EventType {
        Normal,
        Warning
    }

    private final Value ready;
    private final Value reconciling;
    private final Value stalled;
    private final EventType eventType;

    Reason(Value ready, Value reconciling, Value stalled, EventType eventType) {
        this.ready = ready;
        this.reconciling = reconciling;
        this.stalled = stalled;
        this.eventType = eventType;
    }

    /** This reason's value of condition {@code type} (one of {@link StatusFactory#CONDITIONS}). */
    public Value value(String type) {
        return switch (type) {
            case StatusFactory.READY -> ready;
            case StatusFactory.RECONCILING -> reconciling;
            case StatusFactory.STALLED -> stalled;
            default -> throw new IllegalArgumentException("no condition " + type);
        };
    }

    /** Kubernetes Event type for a transition into this reason. */
    public String eventType() {
        return eventType.name();
    }

    /** A reason that needs a human (or a slow retry): Stalled=True. */
    public boolean stalled() {
        return stalled == Value.TRUE;
    }

    /** Every text the operator reports a reason with, its arguments marked %s, in one place. */
    public enum Message {
        PAUSED(
                Reason.Paused,
                "Paused by the annotation " + MultiRegionEndpoint.PAUSED_ANNOTATION
                        + "=true: no SES call until it is removed"),
        NO_ROLE_SELECTOR(
                Reason.NoRoleSelector,
                "No RoleSelector matches the object's namespace and this operator requires one ("
                        + Setting.REQUIRE_ROLE_SELECTOR.env + "): no SES call until a cluster administrator maps it"
                        + " to an IAM role"),
        AMBIGUOUS_ROLE_SELECTOR(
                Reason.AmbiguousRoleSelector,
                "Several RoleSelectors match the object's namespace; no SES call until exactly one does (a cluster"
                        + " administrator sees which in the operator's log)"),
        ACCOUNT_CHANGED(
                Reason.AccountChanged,
                "The endpoint lives in AWS account %s but the namespace now maps to account %s; no SES call in either"
                        + " until the mapping is restored (or remove the finalizer to abandon the endpoint)"),
        THROTTLED(Reason.Throttled, "SES throttled the operator (%s); retrying with backoff"),
        CALL_FAILED(Reason.AwsUnavailable, "SES call failed (%s); retrying with backoff"),
        NAME_TAKEN_LOOK_AGAIN(Reason.Creating, "SES already has an endpoint of this name (%s); looking at it again"),
        ACCESS_DENIED(
                Reason.AccessDenied, "AWS refused the operator's identity (%s); fix the credentials or IAM policy"),
        ACCESS_DENIED_ROLE(
                Reason.AccessDenied,
                "AWS refused the operator acting as the IAM role this namespace is mapped to (%s); a cluster"
                        + " administrator must check that role's trust policy (the operator's own role, external id,"
                        + " sts:TagSession and the namespace session tag) and its permissions"),
        QUOTA_EXCEEDED(
                Reason.QuotaExceeded, "SES endpoint quota exhausted (%s); delete unused endpoints or raise the quota"),
        SES_REFUSED(Reason.InvalidSpec, "SES refused the request (%s)"),
        INVALID_SPEC(Reason.InvalidSpec, "Invalid spec: %s"),
        CREATE(Reason.Creating, "Creating endpoint '%s' in %s with a route to %s"),
        CREATING(Reason.Creating, "SES is creating endpoint '%s' in %s with a route to %s"),
        RECREATE(Reason.Creating, "Recreating endpoint '%s' in %s"),
        GONE(Reason.DeletedOutOfBand, "Endpoint '%s' (%s) was deleted outside this operator; recreating it"),
        BEING_DELETED(
                Reason.DeletedOutOfBand,
                "SES is deleting endpoint '%s', which this object still declares; it will be recreated"),
        // one text whether the name is another object's or no object's: a tenant must not learn which (a name oracle)
        NOT_THIS_OBJECTS(
                Reason.EndpointNameConflict,
                "Endpoint '%s' in %s exists and is owned by another object or by none that may give it to this one;"
                        + " this object will not touch it. Choose another spec.endpointName, or, if the endpoint is"
                        + " meant for this object, set spec.adoptionPolicy: Adopt and have its owner in AWS tag it %s"),
        REGIONS_DIFFER(
                Reason.EndpointNameConflict,
                "Endpoint '%s' exists with regions %s but the spec asks for %s; not adopted"),
        UNKNOWN_STATUS(Reason.AwsUnavailable, "SES reports an unknown status '%s' for endpoint '%s'"),
        READY(Reason.Available, "SES reports endpoint '%s' READY in %s"),
        FAILED(
                Reason.ProvisioningFailed,
                "SES reports FAILED for endpoint '%s' (failure %s in a row); it will be deleted and recreated after %s"),
        DELETE_FAILED(Reason.Recreating, "Deleting FAILED endpoint '%s' to recreate it (failure %s in a row)"),
        AWAIT_FAILED_DELETION(
                Reason.Recreating, "Waiting for SES to delete the FAILED endpoint '%s' before recreating it"),
        AWAIT_VISIBLE(
                Reason.Deleting, "Waiting for SES to show endpoint '%s', created moments ago, before deleting it"),
        DELETING(Reason.Deleting, "SES is deleting endpoint '%s'"),
        // the finalizer goes (logged, not shown: the object is gone right after)
        RELEASE_NO_ACCOUNT(Reason.Deleting, "No account was ever used for this object: nothing to delete"),
        RELEASE_NO_ENDPOINT(Reason.Deleting, "The spec never named a valid endpoint: nothing to delete"),
        RELEASE_RETAIN(Reason.Deleting, "deletionPolicy is Retain: endpoint '%s' stays in SES"),
        RELEASE_GONE(Reason.Deleting, "Endpoint '%s' is gone from SES"),
        RELEASE_NOT_OURS(Reason.Deleting, "Endpoint '%s' is not owned by this object; left untouched"),
        RELEASE_OBSERVE_ONLY(Reason.Deleting, "managementPolicy is ObserveOnly: endpoint '%s' left as it is"),
        // handover between clusters (docs/handover.md)
        HANDED_OVER(
                Reason.HandedOver,
                "Endpoint '%s' is handed over to cluster %s (annotation " + MultiRegionEndpoint.HANDOVER_ANNOTATION
                        + "): the object of the same namespace and name there takes it; deleting this object leaves"
                        + " the endpoint in SES. Remove the annotation to withdraw the handover"),
        HANDED_OVER_TAKEN(
                Reason.HandedOver,
                "Endpoint '%s' was handed over to cluster %s (annotation " + MultiRegionEndpoint.HANDOVER_ANNOTATION
                        + ") and is no longer this object's; delete this object (the endpoint stays)"),
        RELEASE_HANDED_OVER(
                Reason.Deleting, "Endpoint '%s' is handed over to cluster %s: left in SES, finalizer released"),
        // ObserveOnly: what SES shows, never changed
        NOT_FOUND(
                Reason.NotFound,
                "SES has no endpoint '%s' in %s (managementPolicy ObserveOnly: it is reported when it appears)"),
        OBSERVED_READY(Reason.Available, "SES reports endpoint '%s' READY in %s (observed only, not managed)"),
        OBSERVED_CREATING(Reason.Creating, "SES is creating endpoint '%s' (observed only, not managed)"),
        OBSERVED_DELETING(Reason.Deleting, "SES is deleting endpoint '%s' (observed only, not managed)"),
        OBSERVED_FAILED(
                Reason.ProvisioningFailed,
                "SES reports FAILED for endpoint '%s' (observed only: whoever manages it must recreate it)"),
        // spec.export (Stalled only)
        EXPORT_NOT_ALLOWED(
                Reason.ExportNotAllowed,
                "spec.export asks for ConfigMap %s, but this operator does not write ConfigMaps (the administrator's"
                        + " operator.export.enabled / " + Setting.ALLOW_EXPORT.env + " is false); the endpoint itself"
                        + " is managed as usual"),
        EXPORT_CONFLICT(
                Reason.ExportConflict,
                "ConfigMap %s exists and was not created by this operator for this object (no controller"
                        + " ownerReference to it): the operator never overwrites a ConfigMap it did not create; delete"
                        + " or rename it, or choose another spec.export.configMapName; the endpoint itself is managed"
                        + " as usual"),
        EXPORT_FAILED(
                Reason.ExportFailed,
                "the Kubernetes API refused the %s of ConfigMap %s (HTTP %s); the next pass retries; the endpoint"
                        + " itself is managed as usual");

        public final Reason reason;
        private final String template;

        Message(Reason reason, String template) {
            this.reason = reason;
            this.template = template;
        }

        public String format(Object... args) {
            return args.length == 0 ? template : String.format(template, args);
        }
    }
}
