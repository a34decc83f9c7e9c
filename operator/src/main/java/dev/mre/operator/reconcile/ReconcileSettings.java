package dev.mre.operator.reconcile;

/**
 * The administrator's rules and the operator's intervals, as configured.
 *
 * @param requireRoleSelector every namespace must be mapped to an IAM role by a RoleSelector
 */
public record ReconcileSettings(
        Timing timing, SpecValidator.Rules rules, Ownership ownership, boolean requireRoleSelector) {

    /** @param clusterId this cluster's id in the owner tag */
    public record Ownership(String clusterId) {}
}
