package dev.mre.operator.observe;

import dev.mre.operator.aws.EndpointRef;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import dev.mre.operator.aws.SesGateway;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Optional;

/**
 * How a reconciliation learns what SES holds for its endpoint. {@link #batch}: from the shared List of the scope
 * (the default); {@link #perObject}: a GetMultiRegionEndpoint per object and pass, as before batch observation
 * (kept as a mode so that the benchmark can compare the two).
 */
public interface EndpointObserver {

    /**
     * What SES shows for {@code ref} of object {@code id}, no older than {@code maxAge}.
     *
     * @throws dev.mre.operator.aws.SesFailure when SES could not be asked
     */
    Optional<ObservedEndpoint> observe(ResourceID id, ScopeKey scope, EndpointRef ref, Duration maxAge);

    /**
     * Before the first Create of an object: an endpoint of that name SES is already known to hold. Empty means
     * "create it": if the name is taken after all, Create's AlreadyExistsException says so.
     */
    Optional<ObservedEndpoint> beforeCreate(ResourceID id, ScopeKey scope, EndpointRef ref);

    /** The object is released: forget it. */
    void forget(ResourceID id);

    static EndpointObserver batch(EndpointInventory inventory, EndpointEventSource events) {
        return new EndpointObserver() {
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
                // whatever the last List of the scope said, however old; no List just for this (the event source
                // lists a followed scope that was never listed at its next tick)
                return inventory.known(scope).map(s -> s.byName().get(ref.name()));
            }

            @Override
            public void forget(ResourceID id) {
                events.unfollow(id);
            }
        };
    }

    static EndpointObserver perObject(SesGateway ses) {
        return new EndpointObserver() {
            @Override
            public Optional<ObservedEndpoint> observe(ResourceID id, ScopeKey scope, EndpointRef ref, Duration maxAge) {
                return ses.get(ref);
            }

            @Override
            public Optional<ObservedEndpoint> beforeCreate(ResourceID id, ScopeKey scope, EndpointRef ref) {
                return ses.get(ref);
            }

            @Override
            public void forget(ResourceID id) {}
        };
    }
}
