package dev.mre.operator.aws;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@link SesEndpoints} learns what SES holds for an endpoint: from the shared List of the scope (the default,
 * {@code observe.BatchObserver}), or a GetMultiRegionEndpoint per object and pass ({@link #perObject}, as before
 * batch observation; kept as a mode so that the benchmark can compare the two).
 */
public interface EndpointObserver {

    /**
     * What SES shows for {@code ref} of object {@code id}, no older than {@code maxAge}.
     *
     * @throws SesFailure when SES could not be asked
     */
    Optional<ObservedEndpoint> observe(ResourceID id, ScopeKey scope, EndpointRef ref, Duration maxAge);

    /**
     * Before the first Create of an object: an endpoint of that name SES is already known to hold. Empty means
     * "create it": if the name is taken after all, Create's AlreadyExistsException says so.
     */
    Optional<ObservedEndpoint> beforeCreate(ResourceID id, ScopeKey scope, EndpointRef ref);

    /** The object's endpoint now, from a GetMultiRegionEndpoint of its own (a refresh asked for by the user). */
    Optional<ObservedEndpoint> refresh(ResourceID id, ScopeKey scope, EndpointRef ref);

    /** The object is released: forget it. */
    void forget(ResourceID id);

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
            public Optional<ObservedEndpoint> refresh(ResourceID id, ScopeKey scope, EndpointRef ref) {
                return ses.get(ref);
            }

            @Override
            public void forget(ResourceID id) {}
        };
    }
}
