package dev.mre.operator;

import dev.mre.operator.api.MultiRegionEndpoint;
import java.util.HashMap;
import java.util.Map;

/**
 * What the informer cache keeps of each object: everything the reconciler reads, minus what only clients write for
 * themselves. {@code managedFields} (server-side apply's bookkeeping) and kubectl's
 * {@code last-applied-configuration} annotation (a second copy of the whole object, for every object applied
 * client-side) together more than double an object's size in memory; with thousands of objects they would
 * dominate the operator's heap. Status and finalizers are patched, never updated whole, so nothing pruned here is
 * ever written back.
 */
final class CachePruning {

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private CachePruning() {}

    static MultiRegionEndpoint prune(MultiRegionEndpoint mre) {
        var meta = mre.getMetadata();
        meta.setManagedFields(null);
        Map<String, String> annotations = meta.getAnnotations();
        if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
            Map<String, String> kept = new HashMap<>(annotations);
            kept.remove(LAST_APPLIED);
            meta.setAnnotations(kept.isEmpty() ? null : kept);
        }
        return mre;
    }
}
