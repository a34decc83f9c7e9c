package dev.mre.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An Amazon SES v2 multi-region endpoint (a "global endpoint"), declared as a Kubernetes object.
 * The CRD in {@code crds/} is generated from this class and the classes it references.
 */
@Group(MultiRegionEndpoint.GROUP)
@Version(MultiRegionEndpoint.VERSION)
@Kind("MultiRegionEndpoint")
@Plural("multiregionendpoints")
@Singular("multiregionendpoint")
@ShortNames("mre")
@Categories({"ses", "aws"})
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@ValidationRule(
        value = "!has(self.spec) || has(self.spec.endpointName) || (size(self.metadata.name) <= 64"
                + " && self.metadata.name.matches('" + MultiRegionEndpoint.NAME_RULE + "'))",
        message = "metadata.name is the endpoint name when spec.endpointName is absent, so it must be 1 to 64"
                + " characters of letters, digits, '_' and '-' (no '.'); or set spec.endpointName",
        reason = "FieldValueInvalid")
@AdditionalPrinterColumn(
        name = "Endpoint ID",
        jsonPath = ".status.endpointId",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "SES Status",
        jsonPath = ".status.endpointStatus",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Primary",
        jsonPath = ".status.primaryRegion",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Secondary",
        jsonPath = ".spec.details.routesDetails[0].region",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Sending",
        jsonPath = ".status.conditions[?(@.type==\"SendingReady\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class MultiRegionEndpoint extends CustomResource<MultiRegionEndpointSpec, MultiRegionEndpointStatus>
        implements Namespaced {

    public static final String GROUP = "ses.mre.dev";
    public static final String VERSION = "v1alpha1";
    /** Prefix of every label, annotation, finalizer and AWS tag this operator owns. */
    public static final String PREFIX = GROUP + "/";

    public static final String FINALIZER = PREFIX + "finalizer";
    /** {@link MultiRegionEndpointSpec#NAME_PATTERN} in CEL's string syntax (RE2 inside a single-quoted string). */
    static final String NAME_RULE = "^[\\\\w\\\\-_]+$";
    /**
     * AWS tag that marks an endpoint as managed by one object: {@code <cluster-id>/<namespace-uid>/<name>}. The
     * namespace's UID, not its name, so that a namespace deleted and created again under the same name does not
     * inherit the endpoints its predecessor retained.
     */
    public static final String OWNER_TAG = PREFIX + "owner";
    /**
     * AWS tag, set by whoever owns an endpoint on the AWS side, that lets exactly one object adopt it:
     * {@code <namespace>/<name>} of that object. Without it, {@code adoptionPolicy: Adopt} adopts nothing.
     */
    public static final String ADOPTABLE_TAG = PREFIX + "adoptable";
    /** Annotation that, set to {@code true}, stops every SES call for the object until it is removed. */
    public static final String PAUSED_ANNOTATION = PREFIX + "paused";
    /**
     * Annotation whose new value (any string; a timestamp by convention, as Flux's reconcile.fluxcd.io/requestedAt)
     * makes the operator observe the object at once; the value handled is recorded in status.lastHandledReconcileAt.
     */
    public static final String REQUESTED_AT_ANNOTATION = PREFIX + "requested-at";
    /**
     * Annotation by which the object that owns an endpoint gives it to the object of the same namespace name and
     * object name in another cluster: {@code <cluster-id>} of that cluster. See docs/handover.md.
     */
    public static final String HANDOVER_ANNOTATION = PREFIX + "handover-to";
    /**
     * AWS tag the owning object writes to hand its endpoint over: {@code <cluster-id>/<namespace>/<name>} of the
     * object in the receiving cluster, which takes the endpoint without an administrator's marker. Honoured only
     * next to an owner tag (the giver's); written only by the owner, proven by the tags read in that pass.
     */
    public static final String HANDOVER_TAG = PREFIX + "handover";
    /**
     * Informational AWS tag {@code <namespace>/<name>} of the object that made (or manages) the endpoint, so an
     * administrator can find which endpoint was whose; never proof of anything.
     */
    public static final String OBJECT_TAG = PREFIX + "object";
}
