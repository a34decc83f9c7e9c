package dev.mre.operator.reconcile;

/**
 * The administrator's rules and the operator's intervals, as configured.
 *
 * @param requireRoleSelector every namespace must be mapped to an IAM role by a RoleSelector
 * @param allowReplicaIdentities objects may have the operator create secondary-region replica identities
 * @param allowExport objects may have the operator write a ConfigMap with their endpoint (spec.export)
 */
public record ReconcileSettings(
        Timing timing,
        SpecValidator.Rules rules,
        Ownership ownership,
        boolean requireRoleSelector,
        boolean allowReplicaIdentities,
        boolean allowExport) {

    /** @param clusterId this cluster's id in the owner tag */
    public record Ownership(String clusterId) {}
}
