package dev.mre.operator.observe;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JOSDK's polling event source over the {@link EndpointInventory}: each tick lists again the scopes whose snapshot
 * is older than the resync period, and every new snapshot (its own, or one a reconciliation fetched) becomes an
 * event for exactly the objects whose endpoint changed (status, id, regions, timestamps, or gone). Objects register
 * the endpoint they follow with {@link #follow}; a READY object therefore costs no SES call of its own: it hears
 * of drift from the shared List.
 */
public final class EndpointEventSource extends PollingEventSource<ObservedEndpoint, MultiRegionEndpoint, String> {

    public static final String NAME = "ses-endpoints";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointEventSource.class);

    /** Which endpoint each object follows, and who follows what in each scope. */
    private record Followed(ScopeKey scope, String name) {}

    private final Map<ResourceID, Followed> followed = new ConcurrentHashMap<>();
    private final Map<ScopeKey, Set<ResourceID>> byScope = new ConcurrentHashMap<>();
    private final Map<ScopeKey, Long> pushed = new ConcurrentHashMap<>();
    private final EndpointInventory inventory;
    private final Duration resync;
    private final Duration tick;
    private final Clock clock;
    /** Scopes whose periodic List failed: not listed again before {@code notBefore} (1 tick doubling, up to resync). */
    private final Map<ScopeKey, Retry> failing = new ConcurrentHashMap<>();

    private record Retry(int failures, Instant notBefore) {}

    private volatile Runnable housekeeping = () -> {};
    private volatile Duration housekeepingPeriod = Duration.ZERO;
    private volatile Instant lastHousekeeping = Instant.MIN;

    /**
     * A task run on this source's polling thread at most every {@code period} while it runs (started and stopped with
     * the operator): the reconciler's sweep of per-object state.
     */
    public void housekeeping(Duration period, Runnable task) {
        this.housekeepingPeriod = period;
        this.housekeeping = task;
    }

    /**
     * @param tick how often to look for due scopes and new snapshots (a few seconds; costs nothing when idle)
     * @param resync a scope is listed again when its snapshot is this old
     */
    public EndpointEventSource(EndpointInventory inventory, Duration tick, Duration resync, Clock clock) {
        super(
                ObservedEndpoint.class,
                new PollingConfiguration<>(
                        NAME, () -> Map.of(), tick, ResourceIDMapper.singleResourceResourceIDMapper()));
        this.inventory = inventory;
        this.resync = resync;
        this.tick = tick;
        this.clock = clock;
    }

    /** Object {@code id} follows endpoint {@code name} of {@code scope} from now on. */
    public void follow(ResourceID id, ScopeKey scope, String name) {
        Followed now = new Followed(scope, name);
        Followed before = followed.put(id, now);
        if (before != null && !before.scope().equals(scope)) {
            Set<ResourceID> old = byScope.get(before.scope());
            if (old != null) {
                old.remove(id);
            }
        }
        byScope.computeIfAbsent(scope, s -> ConcurrentHashMap.newKeySet()).add(id);
    }

    /** The object is gone: no more events for it. */
    public void unfollow(ResourceID id) {
        Followed before = followed.remove(id);
        if (before != null) {
            Set<ResourceID> ids = byScope.get(before.scope());
            if (ids != null) {
                ids.remove(id);
                if (ids.isEmpty()) {
                    // nothing per scope is kept for a scope nobody follows any more
                    byScope.remove(before.scope(), ids);
                    failing.remove(before.scope());
                }
            }
        }
        synchronized (this) {
            cache.remove(id);
        }
    }

    /**
     * Records what a reconciliation just observed for its object, without an event (it is deciding on it right
     * now), so that the next snapshot raises an event only if something changed since.
     */
    public synchronized void seen(ResourceID id, ObservedEndpoint endpoint) {
        if (endpoint == null) {
            cache.remove(id);
        } else {
            cache.put(id, Map.of(resourceIDMapper.idFor(endpoint), endpoint));
        }
    }

    /**
     * The periodic part: list the due scopes again (outside the lock, so reconciliations recording what they saw
     * never wait for a List), then push every snapshot not pushed yet.
     */
    @Override
    protected void getStateAndFillCache() {
        Set<ScopeKey> toList = new java.util.HashSet<>(inventory.due(resync));
        // a scope whose objects are all new (they create without asking) has no List yet: one now, so that later
        // passes of objects whose name is taken learn it without another Create
        byScope.keySet().stream().filter(s -> inventory.known(s).isEmpty()).forEach(toList::add);
        Instant now = clock.instant();
        if (!now.isBefore(lastHousekeeping.plus(housekeepingPeriod))) {
            lastHousekeeping = now;
            try {
                housekeeping.run();
            } catch (RuntimeException e) {
                LOG.warn("housekeeping failed: {}", e.toString());
            }
        }
        for (ScopeKey scope : toList) {
            Retry retry = failing.get(scope);
            if (byScope.getOrDefault(scope, Set.of()).isEmpty() || retry != null && now.isBefore(retry.notBefore())) {
                continue;
            }
            try {
                inventory.fresh(scope, resync);
                failing.remove(scope);
            } catch (RuntimeException e) {
                // a scope that fails (no access, region down) is listed again after a growing pause, not every tick;
                // the objects retry on their own schedule meanwhile
                int n = retry == null ? 1 : retry.failures() + 1;
                failing.put(scope, new Retry(n, now.plus(backoff(n))));
                LOG.info("periodic List of {} failed ({} in a row): {}", scope, n, e.getMessage());
            }
        }
        for (ScopeKey scope : byScope.keySet()) {
            inventory.known(scope).ifPresent(this::push);
        }
    }

    /** The pause after {@code failures} failed periodic Lists of a scope: one tick, doubling, at most the resync. */
    Duration backoff(int failures) {
        Duration d = tick.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(resync) > 0 ? resync : d;
    }

    /** Events for the objects of the snapshot's scope whose endpoint differs from what they last saw. */
    private synchronized void push(EndpointInventory.Snapshot snapshot) {
        if (Objects.equals(pushed.get(snapshot.scope()), snapshot.version())) {
            return;
        }
        pushed.put(snapshot.scope(), snapshot.version());
        Map<ResourceID, Followed> inScope = new HashMap<>();
        for (ResourceID id : byScope.getOrDefault(snapshot.scope(), Set.of())) {
            Followed f = followed.get(id);
            if (f != null && f.scope().equals(snapshot.scope())) {
                inScope.put(id, f);
            }
        }
        inScope.forEach((id, f) -> {
            ObservedEndpoint ep = snapshot.byName().get(f.name());
            if (ep == null) {
                handleDelete(id);
            } else {
                handleResources(id, Set.of(ep));
            }
        });
    }
}
