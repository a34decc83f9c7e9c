package dev.mre.operator.aws;

import java.time.Duration;

/**
 * Who the operator acts as for an object: its own identity ({@link #OWN}), or an IAM role it assumes for the
 * object's namespace (a RoleSelector). A role session is named after the cluster and the namespace, so that the
 * target account's CloudTrail tells which cluster and team acted; the same two values go along as session tags.
 *
 * @param roleArn the role to assume, null for the operator's own identity
 * @param externalId AssumeRole's ExternalId, or null
 * @param sessionDuration requested session lifetime, or null for STS's default (1 h)
 * @param clusterId this cluster's id (session name and tag)
 * @param namespace the namespace the role serves here (session name and tag)
 */
public record AwsIdentity(
        String roleArn, String externalId, Duration sessionDuration, String clusterId, String namespace) {

    /** The operator's own identity: the AWS SDK's default credential chain. */
    public static final AwsIdentity OWN = new AwsIdentity(null, null, null, null, null);

    public boolean isOwn() {
        return roleArn == null;
    }

    /** The account of a role, from its ARN ({@code arn:aws:iam::<account>:role/...}); null for {@link #OWN}. */
    public String roleAccount() {
        return roleArn == null ? null : roleArn.split(":")[4];
    }

    @Override
    public String toString() {
        return isOwn() ? "the operator's own identity" : "role " + roleArn;
    }
}
