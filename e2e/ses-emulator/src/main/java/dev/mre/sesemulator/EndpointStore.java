package dev.mre.sesemulator;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All multi-region endpoints, kept per (account, primary region) as SES scopes them.
 *
 * <p>Status changes are computed lazily from the injected clock whenever a region is touched:
 * an endpoint knows when it leaves CREATING and when it disappears after DELETING, so no timer
 * threads run and a test can step a {@link MutableClock} instead of sleeping. Each region's map is
 * guarded by its own lock, which makes "name unique per region" and the quota check atomic with the insert.
 */
final class EndpointStore {

    /** The SES scope of an endpoint name. */
    record Scope(String accountId, String region) {}

    /** Mutable state of one endpoint; only touched under its region's lock. */
    private static final class Stored {
        final String name;
        final String id;
        final String primary;
        final String secondary;
        final String accountId;
        final Map<String, String> tags;
        final Instant created;
        final EndpointStatus provisioningOutcome;
        /** Get and List see the endpoint from this time on (eventual consistency); the name is taken from Create on. */
        final Instant visibleAt;

        EndpointStatus status = EndpointStatus.CREATING;
        Instant lastUpdated;
        Instant nextTransition;

        Stored(
                String name,
                String id,
                Scope scope,
                String secondary,
                Map<String, String> tags,
                Instant created,
                Instant readyAt,
                EndpointStatus provisioningOutcome,
                Instant visibleAt) {
            this.name = name;
            this.id = id;
            this.primary = scope.region();
            this.accountId = scope.accountId();
            this.secondary = secondary;
            this.tags = new LinkedHashMap<>(tags);
            this.created = created;
            this.lastUpdated = created;
            this.nextTransition = readyAt;
            this.provisioningOutcome = provisioningOutcome;
            this.visibleAt = visibleAt;
        }

        boolean visible(Instant now) {
            return !now.isBefore(visibleAt);
        }

        /** CREATING ends at its scheduled time, which becomes LastUpdatedTimestamp (not the time somebody looked). */
        void advance(Instant now) {
            if (status == EndpointStatus.CREATING && !now.isBefore(nextTransition)) {
                status = provisioningOutcome;
                lastUpdated = nextTransition;
                nextTransition = null;
            }
        }

        boolean gone(Instant now) {
            return status == EndpointStatus.DELETING && !now.isBefore(nextTransition);
        }

        EndpointView view() {
            return new EndpointView(
                    accountId,
                    primary,
                    name,
                    id,
                    status,
                    secondary,
                    Collections.unmodifiableMap(new LinkedHashMap<>(tags)),
                    created,
                    lastUpdated,
                    Arns.endpointArn(primary, accountId, name));
        }
    }

    /** One page of ListMultiRegionEndpoints; {@code lastName} is set when more follow. */
    record Page(List<EndpointView> items, String lastName) {}

    private final Map<Scope, TreeMap<String, Stored>> regions = new ConcurrentHashMap<>();
    private final Set<String> usedIds = ConcurrentHashMap.newKeySet();

    EndpointView create(
            Scope scope,
            String name,
            String secondary,
            Map<String, String> tags,
            Instant now,
            Duration createDelay,
            Duration visibilityDelay,
            int quota,
            boolean failProvisioning,
            Random idRandom) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            if (endpoints.containsKey(name)) {
                throw SesErrors.alreadyExists("Multi-region endpoint " + name + " already exists.");
            }
            if (endpoints.size() >= quota) {
                throw SesErrors.limitExceeded("Maximum number of multi-region endpoints (" + quota
                        + ") reached for account " + scope.accountId() + " in " + scope.region() + ".");
            }
            Instant created = now.truncatedTo(ChronoUnit.MILLIS);
            Stored endpoint = new Stored(
                    name,
                    newId(idRandom),
                    scope,
                    secondary,
                    tags,
                    created,
                    created.plus(createDelay),
                    failProvisioning ? EndpointStatus.FAILED : EndpointStatus.READY,
                    created.plus(visibilityDelay));
            endpoints.put(name, endpoint);
            return endpoint.view();
        }
    }

    /** The endpoint as it is, also while it is not yet visible to Get and List. */
    Optional<EndpointView> get(Scope scope, String name, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Stored endpoint = endpoints.get(name);
            return Optional.ofNullable(endpoint).map(Stored::view);
        }
    }

    /** The endpoint as GetMultiRegionEndpoint sees it: missing until its visibility delay has passed. */
    Optional<EndpointView> getVisible(Scope scope, String name, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Stored endpoint = endpoints.get(name);
            return Optional.ofNullable(endpoint).filter(e -> e.visible(now)).map(Stored::view);
        }
    }

    /** The current tags of an endpoint, for IAM's aws:ResourceTag; empty when there is no such endpoint. */
    Optional<Map<String, String>> findTags(Scope scope, String name, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Stored endpoint = endpoints.get(name);
            return Optional.ofNullable(endpoint).map(e -> Map.copyOf(e.tags));
        }
    }

    /**
     * Starts deletion and answers the new status. Deleting a DELETING endpoint answers DELETING again
     * without restarting its timer (AWS does not document this case).
     */
    EndpointStatus delete(Scope scope, String name, Instant now, Duration deleteDelay, boolean conflictWhileCreating) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Stored endpoint = endpoints.get(name);
            if (endpoint == null) {
                throw notFound(name);
            }
            if (endpoint.status == EndpointStatus.CREATING && conflictWhileCreating) {
                throw SesErrors.concurrentModification("Multi-region endpoint " + name
                        + " is still being created; it cannot be deleted before creation completes. Try again later.");
            }
            if (endpoint.status != EndpointStatus.DELETING) {
                Instant at = now.truncatedTo(ChronoUnit.MILLIS);
                endpoint.status = EndpointStatus.DELETING;
                endpoint.lastUpdated = at;
                endpoint.nextTransition = at.plus(deleteDelay);
            }
            return endpoint.status;
        }
    }

    /**
     * Visible endpoints ordered by name, starting after {@code afterName} (exclusive), so a page boundary survives
     * concurrent changes.
     */
    Page list(Scope scope, String afterName, int pageSize, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Collection<Stored> rest = afterName == null
                    ? endpoints.values()
                    : endpoints.tailMap(afterName, false).values();
            List<EndpointView> items = new ArrayList<>();
            Iterator<Stored> it = rest.stream().filter(e -> e.visible(now)).iterator();
            while (it.hasNext() && items.size() < pageSize) {
                items.add(it.next().view());
            }
            return new Page(items, it.hasNext() ? items.get(items.size() - 1).endpointName() : null);
        }
    }

    Map<String, String> tags(Scope scope, String name, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            return new LinkedHashMap<>(existing(endpoints, name).tags);
        }
    }

    /** Adds or overwrites tags; the resulting set must stay within {@code maxTags}. */
    void tag(Scope scope, String name, Map<String, String> tags, int maxTags, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            Stored endpoint = existing(endpoints, name);
            Map<String, String> merged = new LinkedHashMap<>(endpoint.tags);
            merged.putAll(tags);
            if (merged.size() > maxTags) {
                throw SesErrors.badRequest("Tags: a resource can have at most " + maxTags
                        + " tags; this request would leave " + merged.size() + ".");
            }
            endpoint.tags.putAll(tags);
        }
    }

    void untag(Scope scope, String name, Collection<String> keys, Instant now) {
        TreeMap<String, Stored> endpoints = region(scope);
        synchronized (endpoints) {
            advance(endpoints, now);
            existing(endpoints, name).tags.keySet().removeAll(keys);
        }
    }

    /** Every endpoint of every account and region, ordered by account, region, name. */
    List<EndpointView> snapshot(Instant now) {
        List<EndpointView> all = new ArrayList<>();
        for (TreeMap<String, Stored> endpoints : regions.values()) {
            synchronized (endpoints) {
                advance(endpoints, now);
                endpoints.values().forEach(e -> all.add(e.view()));
            }
        }
        all.sort(Comparator.comparing(EndpointView::accountId)
                .thenComparing(EndpointView::region)
                .thenComparing(EndpointView::endpointName));
        return all;
    }

    void clear() {
        for (TreeMap<String, Stored> endpoints : regions.values()) {
            synchronized (endpoints) {
                endpoints.clear();
            }
        }
    }

    private TreeMap<String, Stored> region(Scope scope) {
        return regions.computeIfAbsent(scope, s -> new TreeMap<>());
    }

    private static void advance(TreeMap<String, Stored> endpoints, Instant now) {
        Iterator<Stored> it = endpoints.values().iterator();
        while (it.hasNext()) {
            Stored e = it.next();
            e.advance(now);
            if (e.gone(now)) {
                it.remove();
            }
        }
    }

    private static Stored existing(TreeMap<String, Stored> endpoints, String name) {
        Stored endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw notFound(name);
        }
        return endpoint;
    }

    static ApiException notFound(String name) {
        return SesErrors.notFound("Multi-region endpoint " + name + " does not exist.");
    }

    /** Like the documented {@code abcdef12.g3h}: lower-case letters and digits, so each part is a valid host label. */
    private String newId(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true) {
            StringBuilder id = new StringBuilder(12);
            synchronized (random) {
                for (int i = 0; i < 11; i++) {
                    if (i == 8) {
                        id.append('.');
                    }
                    id.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            if (usedIds.add(id.toString())) {
                return id.toString();
            }
        }
    }
}
