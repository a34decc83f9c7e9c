package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.aws.SesFailure.Kind;
import dev.mre.operator.reconcile.Decision.Track;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision step, table-tested over SES states x spec x previous status x deletion. */
class DeciderTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Timing T = Timing.defaults(Duration.ofMinutes(10));
    static final String OWNER = "c1/mail/global-mail";
    static final String ID = "abcdef12.g3h";

    static DesiredEndpoint desired(AdoptionPolicy adopt, DeletionPolicy delete) {
        return new DesiredEndpoint("global-mail", "us-east-1", "eu-west-1",
                Map.of("team", "mail", MultiRegionEndpoint.OWNER_TAG, OWNER), OWNER, delete, adopt);
    }

    static final DesiredEndpoint D = desired(AdoptionPolicy.Never, DeletionPolicy.Delete);
    static final DesiredEndpoint ADOPT = desired(AdoptionPolicy.Adopt, DeletionPolicy.Delete);

    static final MultiRegionEndpointStatus NEW = new MultiRegionEndpointStatus();

    /** A previous status with {@code reason}, written {@code ago} before NOW for generation 1. */
    static MultiRegionEndpointStatus was(Reason reason, String id, String sesStatus, Integer failures, Duration ago) {
        EndpointFacts facts = id == null ? null
                : new EndpointFacts(id, sesStatus, List.of("us-east-1", "eu-west-1"), null, null, "arn");
        return StatusFactory.next(NEW, "global-mail", "us-east-1", 1, reason, "m", failures, facts, id == null,
                NOW.minus(ago));
    }

    static ObservedEndpoint ep(String status, String id, String... regions) {
        return new ObservedEndpoint("global-mail", id, status,
                regions.length == 0 ? List.of("us-east-1", "eu-west-1") : List.of(regions), NOW, NOW);
    }

    static Observation present(String status) {
        return Observation.present(ep(status, ID), null);
    }

    static Observation present(String status, String id, Map<String, String> tags) {
        return Observation.present(ep(status, id), tags);
    }

    static final Map<String, String> OUR_TAGS = Map.of("team", "mail", MultiRegionEndpoint.OWNER_TAG, OWNER);
    static final Duration S1 = Duration.ofSeconds(1);

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, desired, previous, observation, deleting, step, reason, track, requeue
                arguments("new object, nothing in SES: create", D, NEW, Observation.absent(), false,
                        Step.Create.class, Reason.Creating, Track.OBSERVED, T.pollMin()),
                arguments("CREATING, ours: poll, growing with time waited", D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofSeconds(20)), present("CREATING"), false,
                        Step.Wait.class, Reason.Creating, Track.OBSERVED, Duration.ofSeconds(10)),
                arguments("CREATING, poll interval is capped", D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofMinutes(10)), present("CREATING"), false,
                        Step.Wait.class, Reason.Creating, Track.OBSERVED, T.pollMax()),
                arguments("first READY after our create: Available, resync", D,
                        was(Reason.Creating, ID, "CREATING", null, S1), present("READY"), false,
                        Step.Wait.class, Reason.Available, Track.OBSERVED, T.resync()),
                arguments("READY, tags in sync", D, was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, OUR_TAGS), false,
                        Step.Wait.class, Reason.Available, Track.OBSERVED, T.resync()),
                arguments("READY, tag drift: sync tags", D, was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, Map.of("team", "old", "extra", "x", MultiRegionEndpoint.OWNER_TAG, OWNER)),
                        false, Step.SyncTags.class, Reason.Available, Track.OBSERVED, T.resync()),
                arguments("restart between Create and status write: our tag, adopt silently", D, NEW,
                        present("CREATING", ID, OUR_TAGS), false,
                        Step.Wait.class, Reason.Creating, Track.OBSERVED, T.pollMin()),
                arguments("name owned by another object: conflict, never touched", D, NEW,
                        present("READY", ID, Map.of(MultiRegionEndpoint.OWNER_TAG, "c1/other/global-mail")), false,
                        Step.Wait.class, Reason.EndpointNameConflict, Track.NONE, T.resync()),
                arguments("unmanaged endpoint, adoption Never: conflict", D, NEW,
                        present("READY", ID, Map.of("x", "y")), false,
                        Step.Wait.class, Reason.EndpointNameConflict, Track.NONE, T.resync()),
                arguments("unmanaged endpoint, Adopt, routes match: tag it", ADOPT, NEW,
                        present("READY", ID, Map.of("x", "y")), false,
                        Step.SyncTags.class, Reason.Available, Track.OBSERVED, T.resync()),
                arguments("unmanaged endpoint, Adopt, routes differ: conflict", ADOPT, NEW,
                        Observation.present(ep("READY", ID, "us-east-1", "ap-south-1"), Map.of()), false,
                        Step.Wait.class, Reason.EndpointNameConflict, Track.NONE, T.resync()),
                arguments("Adopt never steals an endpoint owned by another object", ADOPT, NEW,
                        present("READY", ID, Map.of(MultiRegionEndpoint.OWNER_TAG, "c2/mail/global-mail")), false,
                        Step.Wait.class, Reason.EndpointNameConflict, Track.NONE, T.resync()),
                arguments("gone while READY: report DeletedOutOfBand first", D,
                        was(Reason.Available, ID, "READY", null, S1), Observation.absent(), false,
                        Step.Wait.class, Reason.DeletedOutOfBand, Track.LAST_KNOWN, T.pollMin()),
                arguments("gone, already reported: recreate", D,
                        was(Reason.DeletedOutOfBand, ID, "READY", null, S1), Observation.absent(), false,
                        Step.Create.class, Reason.Creating, Track.OBSERVED, T.pollMin()),
                arguments("just created, not yet visible: keep waiting", D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofSeconds(4)), Observation.absent(), false,
                        Step.Wait.class, Reason.Creating, Track.LAST_KNOWN, T.pollMin()),
                arguments("created long ago, still invisible: deleted out of band", D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofMinutes(5)), Observation.absent(), false,
                        Step.Wait.class, Reason.DeletedOutOfBand, Track.LAST_KNOWN, T.pollMin()),
                arguments("FAILED first seen: Stalled, backoff 1 min", D,
                        was(Reason.Creating, ID, "CREATING", null, S1), present("FAILED"), false,
                        Step.Wait.class, Reason.ProvisioningFailed, Track.OBSERVED, Duration.ofMinutes(1)),
                arguments("FAILED, backoff not over: wait the rest", D,
                        was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofSeconds(30)), present("FAILED"),
                        false, Step.Wait.class, Reason.ProvisioningFailed, Track.OBSERVED,
                        Duration.ofMinutes(2).minusSeconds(30)),
                arguments("FAILED, backoff over: delete to recreate", D,
                        was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofMinutes(3)), present("FAILED"),
                        false, Step.Delete.class, Reason.Recreating, Track.OBSERVED, T.pollMin()),
                arguments("recreate: failed endpoint DELETING", D,
                        was(Reason.Recreating, ID, "DELETING", 2, S1), present("DELETING"), false,
                        Step.Wait.class, Reason.Recreating, Track.OBSERVED, T.pollMin()),
                arguments("recreate: failed endpoint gone: create", D,
                        was(Reason.Recreating, ID, "DELETING", 2, S1), Observation.absent(), false,
                        Step.Create.class, Reason.Creating, Track.OBSERVED, T.pollMin()),
                arguments("DELETING though the object lives: out of band", D,
                        was(Reason.Available, ID, "READY", null, S1), present("DELETING"), false,
                        Step.Wait.class, Reason.DeletedOutOfBand, Track.OBSERVED, T.pollMin()),
                arguments("unknown SES status: poll slowly", D, was(Reason.Available, ID, "READY", null, S1),
                        present("PAUSED", ID, OUR_TAGS), false,
                        Step.Wait.class, Reason.AwsUnavailable, Track.OBSERVED, T.pollMax()),
                // deletion
                arguments("delete: ours READY -> DeleteMultiRegionEndpoint", D,
                        was(Reason.Available, ID, "READY", null, S1), present("READY"), true,
                        Step.Delete.class, Reason.Deleting, Track.OBSERVED, T.pollMin()),
                arguments("delete: DELETING -> poll", D, was(Reason.Deleting, ID, "DELETING", null, S1),
                        present("DELETING"), true, Step.Wait.class, Reason.Deleting, Track.OBSERVED, T.pollMin()),
                arguments("delete: gone -> release finalizer", D, was(Reason.Deleting, ID, "DELETING", null, S1),
                        Observation.absent(), true, Step.Release.class, Reason.Deleting, Track.NONE, null),
                arguments("delete: conflict-owned endpoint is never deleted", D, NEW,
                        present("READY", "other.id", Map.of(MultiRegionEndpoint.OWNER_TAG, "c1/b/global-mail")), true,
                        Step.Release.class, Reason.Deleting, Track.NONE, null),
                arguments("delete: crash before status write, our tag: delete it", D, NEW,
                        present("CREATING", ID, OUR_TAGS), true,
                        Step.Delete.class, Reason.Deleting, Track.OBSERVED, T.pollMin()),
                arguments("delete: Retain releases without deleting", desired(AdoptionPolicy.Never, DeletionPolicy.Retain),
                        was(Reason.Available, ID, "READY", null, S1), present("READY"), true,
                        Step.Release.class, Reason.Deleting, Track.NONE, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String name, DesiredEndpoint desired, MultiRegionEndpointStatus previous, Observation observation,
                 boolean deleting, Class<? extends Step> step, Reason reason, Track track, Duration requeue) {
        Decision d = Decider.decide(new Decider.Input(desired, previous, 1, observation, deleting, NOW, T));
        assertThat(d.step()).as("step").isInstanceOf(step);
        assertThat(d.reason()).as("reason").isEqualTo(reason);
        assertThat(d.track()).as("track").isEqualTo(track);
        assertThat(d.requeueAfter()).as("requeue").isEqualTo(requeue);
        assertThat(d.message()).as("message").isNotBlank();
    }

    @Test
    void tagSyncAddsChangesAndRemovesButNeverAwsTagsNorTheOwnerTag() {
        Step s = Decider.tagSync(OUR_TAGS,
                Map.of("team", "old", "extra", "x", "aws:cloudformation:stack-name", "s"));
        assertThat(s).isInstanceOf(Step.SyncTags.class);
        Step.SyncTags sync = (Step.SyncTags) s;
        assertThat(sync.add()).isEqualTo(Map.of("team", "mail", MultiRegionEndpoint.OWNER_TAG, OWNER));
        assertThat(sync.remove()).isEqualTo(Set.of("extra"));
        assertThat(Decider.tagSync(OUR_TAGS, OUR_TAGS)).isInstanceOf(Step.Wait.class);
    }

    @Test
    void adoptionAddsTheOwnershipTag() {
        Decision d = Decider.decide(new Decider.Input(ADOPT, NEW, 1, present("READY", ID, Map.of("team", "mail")),
                false, NOW, T));
        assertThat(((Step.SyncTags) d.step()).add()).containsEntry(MultiRegionEndpoint.OWNER_TAG, OWNER);
    }

    @Test
    void failedBackoffIsCappedAndCountsFailures() {
        Decision first = Decider.decide(new Decider.Input(D, was(Reason.Creating, ID, "CREATING", 9, S1),
                1, present("FAILED"), false, NOW, T));
        assertThat(first.failedProvisioningAttempts()).isEqualTo(10);
        assertThat(first.requeueAfter()).isEqualTo(T.stalledRetryMax());
        Decision ready = Decider.decide(new Decider.Input(D, was(Reason.Creating, ID, "CREATING", 3, S1),
                1, present("READY"), false, NOW, T));
        assertThat(ready.failedProvisioningAttempts()).as("READY clears the failure count").isNull();
    }

    @Test
    void tagsAreReadOnlyWhenNeeded() {
        ObservedEndpoint ready = ep("READY", ID);
        assertThat(Decider.needsTags(NEW, 1, ready, false)).as("unknown owner").isTrue();
        assertThat(Decider.needsTags(was(Reason.Creating, ID, "CREATING", null, S1), 1, ready, false))
                .as("first READY after our own create, same generation").isFalse();
        assertThat(Decider.needsTags(was(Reason.Creating, ID, "CREATING", null, S1), 2, ready, false))
                .as("spec changed while creating").isTrue();
        assertThat(Decider.needsTags(was(Reason.Available, ID, "READY", null, S1), 1, ready, false))
                .as("resync catches drift").isTrue();
        assertThat(Decider.needsTags(was(Reason.Creating, ID, "CREATING", null, S1), 1, ep("CREATING", ID), false))
                .as("polling CREATING").isFalse();
        assertThat(Decider.needsTags(was(Reason.Available, ID, "READY", null, S1), 1, ready, true))
                .as("deleting our own").isFalse();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments(Kind.THROTTLED, 1, Reason.Throttled, Duration.ofSeconds(1)),
                arguments(Kind.THROTTLED, 4, Reason.Throttled, Duration.ofSeconds(8)),
                arguments(Kind.THROTTLED, 30, Reason.Throttled, T.throttleBackoffMax()),
                arguments(Kind.UNAVAILABLE, 30, Reason.AwsUnavailable, T.errorBackoffMax()),
                arguments(Kind.UNAVAILABLE, 2, Reason.AwsUnavailable, Duration.ofSeconds(2)),
                arguments(Kind.NOT_FOUND, 1, Reason.AwsUnavailable, Duration.ofSeconds(1)),
                arguments(Kind.ALREADY_EXISTS, 1, Reason.Creating, T.pollMin()),
                arguments(Kind.ACCESS_DENIED, 1, Reason.AccessDenied, T.stalledRetryMin()),
                arguments(Kind.ACCESS_DENIED, 20, Reason.AccessDenied, T.stalledRetryMax()),
                arguments(Kind.LIMIT_EXCEEDED, 2, Reason.QuotaExceeded, Duration.ofMinutes(2)),
                arguments(Kind.BAD_REQUEST, 1, Reason.InvalidSpec, T.resync()));
    }

    @ParameterizedTest(name = "{0} attempt {1} -> {2} after {3}")
    @MethodSource("failures")
    void failuresMapToReasonsAndCappedBackoff(Kind kind, int attempt, Reason reason, Duration requeue) {
        SesFailure f = new SesFailure(kind, "Code", "AWS said no", null);
        Decision d = Decider.onFailure(f, attempt, NEW, T);
        assertThat(d.reason()).isEqualTo(reason);
        assertThat(d.requeueAfter()).isEqualTo(requeue);
        assertThat(d.step()).isInstanceOf(Step.Wait.class);
        assertThat(d.message()).contains("Code: AWS said no");
    }

    @Test
    void transientFailureOfAReadyObjectKeepsItsStatus() {
        SesFailure throttled = new SesFailure(Kind.THROTTLED, "TooManyRequestsException", "slow down", null);
        SesFailure denied = new SesFailure(Kind.ACCESS_DENIED, "AccessDeniedException", "no", null);
        MultiRegionEndpointStatus ready = was(Reason.Available, ID, "READY", null, S1);
        assertThat(Decider.keepsStatusOn(throttled, ready, 1)).isTrue();
        assertThat(Decider.keepsStatusOn(throttled, ready, 2)).as("spec changed").isFalse();
        assertThat(Decider.keepsStatusOn(denied, ready, 1)).isFalse();
        assertThat(Decider.keepsStatusOn(throttled, NEW, 1)).isFalse();
    }
}
