package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator last observed of the SES endpoint, and the kstatus conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MultiRegionEndpointStatus {

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Effective endpoint name (spec.endpointName or metadata.name).")
    private String endpointName;

    @JsonPropertyDescription("AWS account the endpoint lives in (the account of the role a RoleSelector maps this"
            + " namespace to, or of the operator's own identity). Once set, a mapping to another account stalls the"
            + " object (AccountChanged) instead of acting in two accounts.")
    private String accountId;

    @JsonPropertyDescription("SES EndpointId of the endpoint managed by this object.")
    private String endpointId;

    @JsonPropertyDescription("SES status as last observed: CREATING, READY, FAILED or DELETING.")
    private String endpointStatus;

    @JsonPropertyDescription("ARN of the endpoint.")
    private String arn;

    @JsonPropertyDescription("Effective primary region (spec.region or the operator's default region).")
    private String primaryRegion;

    @JsonPropertyDescription("Regions of the endpoint as reported by SES.")
    private List<String> regions;

    @JsonPropertyDescription("When SES created the endpoint (RFC 3339).")
    private String createdTimestamp;

    @JsonPropertyDescription("When SES last updated the endpoint (RFC 3339).")
    private String lastUpdatedTimestamp;

    @JsonPropertyDescription("How many times SES reported FAILED for this object's endpoint in a row;"
            + " drives the capped backoff before the endpoint is recreated.")
    private Integer failedProvisioningAttempts;

    @JsonPropertyDescription("The last value of the annotation " + MultiRegionEndpoint.REQUESTED_AT_ANNOTATION
            + " the operator handled: a new value made it observe this object at once (GetMultiRegionEndpoint and"
            + " ListTagsForResource).")
    private String lastHandledReconcileAt;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, following the kstatus convention.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getEndpointName() {
        return endpointName;
    }

    public void setEndpointName(String endpointName) {
        this.endpointName = endpointName;
    }

    public String getAccountId() {
        return accountId;
    }

    public void setAccountId(String accountId) {
        this.accountId = accountId;
    }

    public String getEndpointId() {
        return endpointId;
    }

    public void setEndpointId(String endpointId) {
        this.endpointId = endpointId;
    }

    public String getEndpointStatus() {
        return endpointStatus;
    }

    public void setEndpointStatus(String endpointStatus) {
        this.endpointStatus = endpointStatus;
    }

    public String getArn() {
        return arn;
    }

    public void setArn(String arn) {
        this.arn = arn;
    }

    public String getPrimaryRegion() {
        return primaryRegion;
    }

    public void setPrimaryRegion(String primaryRegion) {
        this.primaryRegion = primaryRegion;
    }

    public List<String> getRegions() {
        return regions;
    }

    public void setRegions(List<String> regions) {
        this.regions = regions == null ? null : new ArrayList<>(regions);
    }

    public String getCreatedTimestamp() {
        return createdTimestamp;
    }

    public void setCreatedTimestamp(String createdTimestamp) {
        this.createdTimestamp = createdTimestamp;
    }

    public String getLastUpdatedTimestamp() {
        return lastUpdatedTimestamp;
    }

    public void setLastUpdatedTimestamp(String lastUpdatedTimestamp) {
        this.lastUpdatedTimestamp = lastUpdatedTimestamp;
    }

    public Integer getFailedProvisioningAttempts() {
        return failedProvisioningAttempts;
    }

    public void setFailedProvisioningAttempts(Integer n) {
        this.failedProvisioningAttempts = n;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    }

    public String getLastHandledReconcileAt() {
        return lastHandledReconcileAt;
    }

    public void setLastHandledReconcileAt(String lastHandledReconcileAt) {
        this.lastHandledReconcileAt = lastHandledReconcileAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiRegionEndpointStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(endpointName, s.endpointName)
                && Objects.equals(accountId, s.accountId)
                && Objects.equals(endpointId, s.endpointId)
                && Objects.equals(endpointStatus, s.endpointStatus)
                && Objects.equals(arn, s.arn)
                && Objects.equals(primaryRegion, s.primaryRegion)
                && Objects.equals(regions, s.regions)
                && Objects.equals(createdTimestamp, s.createdTimestamp)
                && Objects.equals(lastUpdatedTimestamp, s.lastUpdatedTimestamp)
                && Objects.equals(failedProvisioningAttempts, s.failedProvisioningAttempts)
                && Objects.equals(lastHandledReconcileAt, s.lastHandledReconcileAt)
                && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                observedGeneration,
                endpointName,
                accountId,
                endpointId,
                endpointStatus,
                arn,
                primaryRegion,
                regions,
                createdTimestamp,
                lastUpdatedTimestamp,
                failedProvisioningAttempts,
                lastHandledReconcileAt,
                conditions);
    }
}
