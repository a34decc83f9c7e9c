package dev.mre.operator;

import dev.mre.operator.api.MultiRegionEndpoint;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of an object are worth a reconciliation. JOSDK's generation-aware filter would drop a change of the
 * pause annotation (annotations do not bump the generation), so the operator filters itself: a new generation
 * (spec, deletion), the pause, refresh and handover annotations, and the finalizer (JOSDK adds it in a pass of its own); not the
 * operator's own status writes, nor label or other annotation edits.
 */
final class WorthReconciling {

    private WorthReconciling() {}

    static boolean update(MultiRegionEndpoint now, MultiRegionEndpoint before) {
        var n = now.getMetadata();
        var b = before.getMetadata();
        return !Objects.equals(n.getGeneration(), b.getGeneration())
                || !Objects.equals(paused(n.getAnnotations()), paused(b.getAnnotations()))
                || !Objects.equals(
                        annotation(n.getAnnotations(), MultiRegionEndpoint.REQUESTED_AT_ANNOTATION),
                        annotation(b.getAnnotations(), MultiRegionEndpoint.REQUESTED_AT_ANNOTATION))
                || !Objects.equals(
                        annotation(n.getAnnotations(), MultiRegionEndpoint.HANDOVER_ANNOTATION),
                        annotation(b.getAnnotations(), MultiRegionEndpoint.HANDOVER_ANNOTATION))
                || !Objects.equals(n.getDeletionTimestamp(), b.getDeletionTimestamp())
                || !Objects.equals(n.getFinalizers(), b.getFinalizers());
    }

    private static String annotation(Map<String, String> annotations, String key) {
        return annotations == null ? null : annotations.get(key);
    }

    private static String paused(Map<String, String> annotations) {
        return annotations == null ? null : annotations.get(MultiRegionEndpoint.PAUSED_ANNOTATION);
    }
}
