package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.SesEndpoints;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the operator keeps per object (its {@link Memory}, what it follows in the shared List, the tags it
 * remembers, its metric entry), and the one place it goes: when the finalizer is released, and also when the object
 * vanished without a release (its finalizer removed by hand), which {@link #sweep} finds by comparing with JOSDK's
 * cache of objects.
 */
final class ObjectState {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectState.class);

    private record Tracked(ResourceID id, Memory memory, DesiredEndpoint desired) {}

    private final Map<String, Tracked> byUid = new ConcurrentHashMap<>();
    private final SesEndpoints endpoints;
    private final EndpointStatusListener statusListener;

    ObjectState(SesEndpoints endpoints, EndpointStatusListener statusListener) {
        this.endpoints = endpoints;
        this.statusListener = statusListener;
    }

    /** What is remembered of object {@code uid}; after a restart, what its status says (display only). */
    Memory memory(String uid, MultiRegionEndpointStatus status) {
        Tracked t = byUid.get(uid);
        return t != null ? t.memory() : Memory.of(status);
    }

    void remember(String uid, ResourceID id, Memory memory, DesiredEndpoint desired) {
        byUid.put(uid, new Tracked(id, memory, desired));
    }

    /** The object is gone: nothing of it is kept. */
    void forget(String uid, ResourceID id, DesiredEndpoint desired) {
        Tracked t = byUid.remove(uid);
        statusListener.forget(uid);
        endpoints.forget(id, desired != null ? desired : t != null ? t.desired() : null);
    }

    /** Forgets every object JOSDK's cache no longer holds (or holds as another object of the same name). */
    void sweep(IndexedResourceCache<MultiRegionEndpoint> cache) {
        byUid.forEach((uid, t) -> {
            boolean present = cache.get(t.id())
                    .map(o -> uid.equals(o.getMetadata().getUid()))
                    .orElse(false);
            if (!present) {
                LOG.info("forgetting {}: gone without a release of its finalizer", t.id());
                forget(uid, t.id(), t.desired());
            }
        });
    }

    int size() {
        return byUid.size();
    }
}
