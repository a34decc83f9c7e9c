package dev.mre.operator.aws;

import dev.mre.operator.aws.Observation.KnownTags;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tags the operator knows an endpoint to carry, because it created the endpoint with them, wrote them, or read
 * them from SES: by endpoint and endpoint id, so that an endpoint deleted and created again under the same name (a
 * new id) is never mistaken for the one remembered. In memory only, never in the object's status (which a tenant
 * can write): after a restart everything is read again when it is needed. One entry per endpoint an object refers
 * to; an entry goes when its endpoint is gone or its object released.
 */
final class TagMemory {

    private record Entry(String endpointId, KnownTags tags) {}

    private final Map<EndpointRef, Entry> entries = new ConcurrentHashMap<>();

    /** What is known of endpoint {@code endpointId} at {@code ref}; never marked fresh. */
    Optional<KnownTags> recall(EndpointRef ref, String endpointId) {
        Entry e = entries.get(ref);
        if (e == null || !e.endpointId().equals(endpointId)) {
            return Optional.empty();
        }
        return Optional.of(new KnownTags(e.tags().tags(), e.tags().asOf(), false));
    }

    /** Records the tags endpoint {@code endpointId} carries as of {@code asOf}. */
    void remember(EndpointRef ref, String endpointId, Map<String, String> tags, Instant asOf) {
        entries.put(ref, new Entry(endpointId, new KnownTags(tags, asOf, false)));
    }

    void forget(EndpointRef ref) {
        entries.remove(ref);
    }
}
