package dev.mre.operator.api;

/** Whether the operator manages the endpoint or only reports what SES shows of it. */
public enum ManagementPolicy {
    /** Create, tag and delete the endpoint (the default). */
    Manage,
    /**
     * Only observe an endpoint made elsewhere (Terraform, another pipeline): find it by name, report its status and id;
     * never Create, TagResource, UntagResource or Delete, no owner tag needed. Deleting the object leaves it alone.
     */
    ObserveOnly
}
