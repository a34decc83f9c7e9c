package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Mirrors the SES CreateMultiRegionEndpoint request in lower camel case. No schema defaults:
 * defaults are applied in code and reported in status, so GitOps tools see no drift.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.endpointName) == has(oldSelf.endpointName)"
                + " && (!has(self.endpointName) || self.endpointName == oldSelf.endpointName)",
        message = "spec.endpointName is immutable: it cannot be added, changed or removed after creation;"
                + " create a new MultiRegionEndpoint instead",
        fieldPath = ".endpointName",
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.region) == has(oldSelf.region) && (!has(self.region) || self.region == oldSelf.region)",
        message = "spec.region is immutable: it cannot be added, changed or removed after creation;"
                + " create a new MultiRegionEndpoint instead",
        fieldPath = ".region",
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "self.details == oldSelf.details",
        message = "spec.details is immutable (SES has no update for routes);"
                + " create a new MultiRegionEndpoint instead",
        fieldPath = ".details",
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "!has(self.region) || self.details.routesDetails.all(r, r.region != self.region)",
        message = "spec.details.routesDetails[0].region must differ from spec.region (the primary region)",
        fieldPath = ".details.routesDetails",
        reason = "FieldValueInvalid")
public class MultiRegionEndpointSpec {

    public static final String NAME_PATTERN = "^[\\w\\-_]+$";
    /** AWS region names such as us-east-1, ap-southeast-2, us-gov-west-1, cn-north-1. */
    public static final String REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$";
    /** Longer than any AWS region name; also bounds the cost of the CEL rules that compare regions. */
    public static final int MAX_REGION_LENGTH = 32;

    @JsonPropertyDescription("Name of the SES multi-region endpoint, unique per AWS account and primary region."
            + " Optional: defaults to metadata.name. 1 to 64 characters of letters, digits, '_' and '-'."
            + " Immutable.")
    @Size(min = 1, max = 64)
    @Pattern(NAME_PATTERN)
    private String endpointName;

    @JsonPropertyDescription("Primary AWS region of the endpoint, where CreateMultiRegionEndpoint is called"
            + " (for example us-east-1). Optional: defaults to the operator's default region"
            + " (reported in status.primaryRegion). Immutable.")
    @Pattern(REGION_PATTERN)
    @Size(max = MAX_REGION_LENGTH)
    private String region;

    @JsonPropertyDescription("Routing details of the endpoint: the secondary region. Immutable.")
    @Required
    private EndpointDetails details;

    @JsonPropertyDescription("AWS tags of the endpoint, kept in sync with TagResource/UntagResource."
            + " At most 50, keys unique, no 'aws:' prefix. The operator adds its own tag "
            + MultiRegionEndpoint.OWNER_TAG + ", which a user edit never removes.")
    @Size(max = 50)
    private List<Tag> tags;

    @JsonPropertyDescription("What happens to the SES endpoint when this object is deleted:"
            + " Delete (default) deletes it, Retain leaves it in AWS.")
    private DeletionPolicy deletionPolicy;

    @JsonPropertyDescription("What happens when an endpoint of that name already exists and no object manages it"
            + " (no " + MultiRegionEndpoint.OWNER_TAG
            + " tag): Never (default) reports a conflict; Adopt takes it over,"
            + " but only if its routes match the spec and whoever owns it in AWS has tagged it "
            + MultiRegionEndpoint.ADOPTABLE_TAG
            + "=<cluster-id>/<namespace>/<name> of this object (the tag is removed on adoption)."
            + " An endpoint owned by another object is never taken over.")
    private AdoptionPolicy adoptionPolicy;

    @JsonPropertyDescription("Manage (default) creates, tags and deletes the endpoint; ObserveOnly only reports what"
            + " SES shows of the endpoint of that name (status, id, regions): no Create, TagResource, UntagResource or"
            + " Delete, no owner tag, and deleting the object leaves the endpoint alone. Switching ObserveOnly to"
            + " Manage takes the endpoint over only under the adoption rule (adoptionPolicy: Adopt and the adoptable"
            + " tag); Manage to ObserveOnly keeps the endpoint and its tags.")
    private ManagementPolicy managementPolicy;

    @JsonPropertyDescription("Optional: the identities and configuration sets applications send with through this"
            + " endpoint. The operator reports in the condition SendingReady (not part of Ready) whether both regions"
            + " can send with them.")
    private Sending sending;

    @JsonPropertyDescription("Optional: a ConfigMap in this object's namespace with the endpoint's id, name, ARN and"
            + " regions as SES reports them, for applications to take with envFrom.")
    private Export export;

    public MultiRegionEndpointSpec() {}

    public Export getExport() {
        return export;
    }

    public void setExport(Export export) {
        this.export = export;
    }

    public Sending getSending() {
        return sending;
    }

    public void setSending(Sending sending) {
        this.sending = sending;
    }

    public String getEndpointName() {
        return endpointName;
    }

    public void setEndpointName(String endpointName) {
        this.endpointName = endpointName;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public EndpointDetails getDetails() {
        return details;
    }

    public void setDetails(EndpointDetails details) {
        this.details = details;
    }

    public List<Tag> getTags() {
        return tags;
    }

    public void setTags(List<Tag> tags) {
        this.tags = tags == null ? null : new ArrayList<>(tags);
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    public AdoptionPolicy getAdoptionPolicy() {
        return adoptionPolicy;
    }

    public void setAdoptionPolicy(AdoptionPolicy adoptionPolicy) {
        this.adoptionPolicy = adoptionPolicy;
    }

    public ManagementPolicy getManagementPolicy() {
        return managementPolicy;
    }

    public void setManagementPolicy(ManagementPolicy managementPolicy) {
        this.managementPolicy = managementPolicy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiRegionEndpointSpec s
                && Objects.equals(endpointName, s.endpointName)
                && Objects.equals(region, s.region)
                && Objects.equals(details, s.details)
                && Objects.equals(tags, s.tags)
                && deletionPolicy == s.deletionPolicy
                && adoptionPolicy == s.adoptionPolicy
                && managementPolicy == s.managementPolicy
                && Objects.equals(sending, s.sending)
                && Objects.equals(export, s.export);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                endpointName, region, details, tags, deletionPolicy, adoptionPolicy, managementPolicy, sending, export);
    }
}
