package dev.mre.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.ManagementPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.aws.Observation.Present;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What {@link SesEndpoints} remembers between passes on its own. The shared List can still show an endpoint READY
 * for up to a poll after this operator deleted it; a pass in that window (an event on the object) must see it as
 * DELETING, or the decision sends a second Delete.
 */
class SesEndpointsTest {

    static final String OWNER = "c1/ns-uid/global-mail";
    static final ResourceID ID = new ResourceID("global-mail", "mail");
    static final DesiredEndpoint D = new DesiredEndpoint(
            AwsIdentity.OWN,
            "global-mail",
            "us-east-1",
            "eu-west-1",
            Map.of(MultiRegionEndpoint.OWNER_TAG, OWNER),
            OWNER,
            null,
            DeletionPolicy.Delete,
            AdoptionPolicy.Never,
            ManagementPolicy.Manage,
            null,
            null);
    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    final List<String> calls = new ArrayList<>();
    /** What the (stale) shared List answers for the name. */
    final AtomicReference<Optional<ObservedEndpoint>> listed = new AtomicReference<>(Optional.of(endpoint("ep-1")));

    final SesGateway ses = (SesGateway) Proxy.newProxyInstance(
            SesGateway.class.getClassLoader(), new Class<?>[] {SesGateway.class}, (proxy, method, args) -> {
                calls.add(method.getName());
                return switch (method.getName()) {
                    case "listTags" -> Map.of(MultiRegionEndpoint.OWNER_TAG, OWNER);
                    case "delete" -> EndpointStatus.DELETING;
                    case "arn" -> "arn";
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            });

    final EndpointObserver staleList = new EndpointObserver() {
        @Override
        public Optional<ObservedEndpoint> observe(ResourceID id, ScopeKey scope, EndpointRef ref, Duration maxAge) {
            return listed.get();
        }

        @Override
        public Optional<ObservedEndpoint> beforeCreate(ResourceID id, ScopeKey scope, EndpointRef ref) {
            return listed.get();
        }

        @Override
        public Optional<ObservedEndpoint> refresh(ResourceID id, ScopeKey scope, EndpointRef ref) {
            return listed.get();
        }

        @Override
        public void forget(ResourceID id) {}
    };

    final SesEndpoints endpoints = new SesEndpoints(ses, staleList, Clock.fixed(T0, ZoneOffset.UTC));

    static ObservedEndpoint endpoint(String id) {
        return new ObservedEndpoint("global-mail", id, EndpointStatus.READY, List.of("us-east-1", "eu-west-1"), T0, T0);
    }

    Observation observe() {
        return endpoints.observe(
                ID, "123456789012", D, SesEndpoints.Lookup.noOlderThan(Duration.ofSeconds(30)), p -> true);
    }

    @Test
    void anEndpointThisOperatorDeletedIsObservedDeletingWhileTheListStillShowsItReady() {
        Present seen = (Present) observe();
        assertThat(seen.ownership()).isEqualTo(Observation.Ownership.MINE);
        endpoints.delete(ID, D, seen);

        assertThat(((Present) observe()).endpoint().status()).isEqualTo(EndpointStatus.DELETING);
        assertThat(calls).containsOnlyOnce("delete");
    }

    @Test
    void anotherEndpointUnderTheNameLaterIsObservedAsSesReportsIt() {
        endpoints.delete(ID, D, (Present) observe());
        listed.set(Optional.empty());
        assertThat(observe()).isEqualTo(Observation.ABSENT);

        listed.set(Optional.of(endpoint("ep-2")));
        assertThat(((Present) observe()).endpoint().status()).isEqualTo(EndpointStatus.READY);
    }

    @Test
    void aReleasedObjectForgetsTheDeletedId() {
        endpoints.delete(ID, D, (Present) observe());
        endpoints.forget(ID, D);
        assertThat(((Present) observe()).endpoint().status()).isEqualTo(EndpointStatus.READY);
    }
}
