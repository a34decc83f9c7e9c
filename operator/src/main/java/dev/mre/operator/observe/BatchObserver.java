package dev.mre.operator.observe;

import dev.mre.operator.aws.EndpointObserver;
import dev.mre.operator.aws.EndpointRef;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import dev.mre.operator.aws.SesGateway;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Optional;

/**
 * Observation from the shared List of each scope ({@link EndpointInventory}), with every object registered at the
 * event source so that a later List that shows a change to its endpoint reconciles it.
 */
public final class BatchObserver implements EndpointObserver {

    private final EndpointInventory inventory;
    private final EndpointEventSource events;
    private final SesGateway ses;

    public BatchObserver(EndpointInventory inventory, EndpointEventSource events, SesGateway ses) {
        this.inventory = inventory;
        this.events = events;
        this.ses = ses;
    }

    @Override
    public Optional<ObservedEndpoint> refresh(ResourceID id, ScopeKey scope, EndpointRef ref) {
        events.follow(id, scope, ref.name());
        Optional<ObservedEndpoint> ep = ses.get(ref);
        events.seen(id, ep.orElse(null));
        return ep;
    }

    @Override
    public Optional<ObservedEndpoint> observe(ResourceID id, ScopeKey scope, EndpointRef ref, Duration maxAge) {
        events.follow(id, scope, ref.name());
        ObservedEndpoint ep =
                inventory.fresh(scope, ref.identity(), maxAge).byName().get(ref.name());
        events.seen(id, ep);
        return Optional.ofNullable(ep);
    }

    @Override
    public Optional<ObservedEndpoint> beforeCreate(ResourceID id, ScopeKey scope, EndpointRef ref) {
        events.follow(id, scope, ref.name());
        inventory.listAs(scope, ref.identity());
        // whatever the last List of the scope said, however old; no List just for this (the event source lists a
        // followed scope that was never listed at its next tick)
        return inventory.known(scope).map(s -> s.byName().get(ref.name()));
    }

    @Override
    public void forget(ResourceID id) {
        events.unfollow(id);
    }
}
