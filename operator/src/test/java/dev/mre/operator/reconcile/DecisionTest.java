package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.ManagementPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.Observation.KnownTags;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.aws.Observation.TagChanges;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.OwnerTag;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.aws.SesFailure.Kind;
import dev.mre.operator.reconcile.Plan.Action;
import dev.mre.operator.reconcile.Plan.Report;
import dev.mre.operator.reconcile.Plan.Track;
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

/**
 * The decision step, table-tested over SES states x tag knowledge x spec x what is remembered x deletion x failures;
 * and the rule of what observation must fetch for it (a row whose decision needs the tags read first).
 */
class DecisionTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Timing T = Timing.defaults(Duration.ofMinutes(10), Duration.ofHours(6));
    static final String OWNER = "c1/0f1e2d3c-ns-uid/global-mail";
    /** The owner-tag form of versions before 0.2 was released, never written by any: proves nothing. */
    static final String LEGACY = "c1/mail/global-mail";

    static final String OTHER = "c1/9a8b7c6d-other-ns/global-mail";
    static final String ID = "abcdef12.g3h";
    static final String ACCOUNT = "123456789012";
    static final AccountResolver.Account ACCT = AccountResolver.Account.own(ACCOUNT);
    static final String OWNER_TAG = MultiRegionEndpoint.OWNER_TAG;
    static final String ADOPTABLE_TAG = MultiRegionEndpoint.ADOPTABLE_TAG;
    /** The decision needs the tags read from SES first: observation's rule ({@link FetchRules#wantsProof}) says so. */
    static final Action READS_TAGS_FIRST = null;

    static DesiredEndpoint desired(AdoptionPolicy adopt, DeletionPolicy delete) {
        return new DesiredEndpoint(
                AwsIdentity.OWN,
                "global-mail",
                "us-east-1",
                "eu-west-1",
                Map.of("team", "mail", OWNER_TAG, OWNER),
                OWNER,
                "c1/mail/global-mail",
                delete,
                adopt,
                ManagementPolicy.Manage,
                null,
                "c1/mail/global-mail");
    }

    static final String HANDOVER_TAG = MultiRegionEndpoint.HANDOVER_TAG;
    /** This object of cluster c1 hands its endpoint to the object of the same namespace and name in cluster c2. */
    static final String TO_C2 = "c2/mail/global-mail";
    /** What another cluster's owner writes to hand its endpoint to this object (c1, namespace mail, global-mail). */
    static final String TO_ME = "c1/mail/global-mail";

    static final DesiredEndpoint HANDING_OVER = new DesiredEndpoint(
            AwsIdentity.OWN,
            "global-mail",
            "us-east-1",
            "eu-west-1",
            Map.of("team", "mail", OWNER_TAG, OWNER, HANDOVER_TAG, TO_C2),
            OWNER,
            "c1/mail/global-mail",
            DeletionPolicy.Delete,
            AdoptionPolicy.Never,
            ManagementPolicy.Manage,
            TO_C2,
            TO_ME);

    static final DesiredEndpoint D = desired(AdoptionPolicy.Never, DeletionPolicy.Delete);
    static final DesiredEndpoint ADOPT = desired(AdoptionPolicy.Adopt, DeletionPolicy.Delete);
    static final DesiredEndpoint RETAIN = desired(AdoptionPolicy.Never, DeletionPolicy.Retain);

    static final MultiRegionEndpointStatus NEW = new MultiRegionEndpointStatus();

    /** A status with {@code reason}, written {@code ago} before NOW for generation 1: what is remembered of it. */
    static MultiRegionEndpointStatus was(Reason reason, String id, String sesStatus, Integer failures, Duration ago) {
        EndpointFacts facts = id == null
                ? null
                : new EndpointFacts(id, sesStatus, List.of("us-east-1", "eu-west-1"), null, null, "arn");
        return StatusFactory.next(
                NEW, "global-mail", "us-east-1", 1, reason, "m", failures, facts, ACCOUNT, id == null, NOW.minus(ago));
    }

    static ObservedEndpoint ep(String status, String id, String... regions) {
        return new ObservedEndpoint(
                "global-mail",
                id,
                EndpointStatus.of(status),
                status,
                regions.length == 0 ? List.of("us-east-1", "eu-west-1") : List.of(regions),
                NOW,
                NOW);
    }

    static final Map<String, String> OURS = Map.of("team", "mail", OWNER_TAG, OWNER);

    /** Read from SES in this pass. */
    static KnownTags fresh(Map<String, String> tags) {
        return new KnownTags(tags, NOW, true);
    }

    /** Remembered from the operator's own write or an earlier read, {@code ago} before NOW. */
    static KnownTags remembered(Map<String, String> tags, Duration ago) {
        return new KnownTags(tags, NOW.minus(ago), false);
    }

    /** An endpoint as observation found it, judged against a row's desired endpoint by {@link #seen}. */
    record Seen(ObservedEndpoint endpoint, KnownTags tags) {}

    static Seen present(String status, String id, KnownTags tags) {
        return new Seen(ep(status, id), tags);
    }

    static Seen present(String status) {
        return present(status, ID, null);
    }

    static Observation seen(DesiredEndpoint d, Object o) {
        return o instanceof Seen s ? Observation.present(d, s.endpoint(), s.tags()) : (Observation) o;
    }

    static final Duration S1 = Duration.ofSeconds(1);
    static final Observation ABSENT = Observation.ABSENT;
    static final Instant SWEEP_LATER = NOW.plus(Duration.ofHours(1));

    static Decision.Input input(
            DesiredEndpoint d,
            MultiRegionEndpointStatus prev,
            long generation,
            Object o,
            boolean deleting,
            Instant sweep,
            SesFailure failed) {
        Memory m = Memory.of(prev);
        return new Decision.Input(
                d,
                List.of(),
                ACCT,
                false,
                deleting,
                failed != null ? new Observation.Failed(failed) : seen(d, o),
                m,
                generation,
                NOW,
                T,
                sweep,
                false);
    }

    static Decision.Input input(
            DesiredEndpoint d, MultiRegionEndpointStatus prev, long generation, Object o, boolean deleting) {
        return input(d, prev, generation, o, deleting, SWEEP_LATER, null);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, desired, previous, observation, deleting, action (READS_TAGS_FIRST: observation must read the
                // tags
                // before deciding), reason (null: status kept), track, requeue
                arguments(
                        "new object, nothing in SES: create",
                        D,
                        NEW,
                        ABSENT,
                        false,
                        Action.CREATE,
                        Reason.Creating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "CREATING after our Create (tags remembered): poll, growing with time waited",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofSeconds(20)),
                        present("CREATING", ID, remembered(OURS, Duration.ofSeconds(20))),
                        false,
                        Action.NONE,
                        Reason.Creating,
                        Track.OBSERVED,
                        Duration.ofSeconds(10)),
                arguments(
                        "CREATING, poll interval is capped",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofMinutes(10)),
                        present("CREATING", ID, remembered(OURS, Duration.ofMinutes(10))),
                        false,
                        Action.NONE,
                        Reason.Creating,
                        Track.OBSERVED,
                        T.pollMax()),
                arguments(
                        "first READY after our Create: Available, no tag read (they went in with Create)",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, S1),
                        present("READY", ID, remembered(OURS, S1)),
                        false,
                        Action.NONE,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY after a restart, same endpoint id as the status: Available with no SES call",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY"),
                        false,
                        Action.NONE,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY after a restart, sweep due: read the tags",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY"),
                        false,
                        READS_TAGS_FIRST,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY, tags read, in sync",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(OURS)),
                        false,
                        Action.NONE,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY, tags read, drifted: sync them",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(Map.of("team", "old", "extra", "x", OWNER_TAG, OWNER))),
                        false,
                        Action.UPDATE_TAGS,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY, remembered tags drift from a new spec: read before writing",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, remembered(Map.of("team", "old", OWNER_TAG, OWNER), S1)),
                        false,
                        READS_TAGS_FIRST,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "READY, remembered tags older than the tag resync: read them",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, remembered(OURS, Duration.ofHours(7))),
                        false,
                        READS_TAGS_FIRST,
                        Reason.Available,
                        Track.OBSERVED,
                        T.resync()),
                arguments(
                        "status names another endpoint id: read the tags before anything",
                        D,
                        was(Reason.Available, "old.id", "READY", null, S1),
                        present("READY"),
                        false,
                        READS_TAGS_FIRST,
                        null,
                        null,
                        T.pollMin()),
                arguments(
                        "restart between Create and status write: our tag, taken back",
                        D,
                        NEW,
                        present("CREATING", ID, fresh(OURS)),
                        false,
                        Action.NONE,
                        Reason.Creating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "name owned by another object: conflict, never touched",
                        D,
                        NEW,
                        present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "forged status (another object's endpoint id) and a spec change: read, then conflict",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "owner tag in the old name-based form, status showing it: another's, refused",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(Map.of("team", "mail", OWNER_TAG, LEGACY))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "owner tag in the old name-based form: someone else's",
                        D,
                        NEW,
                        present("READY", ID, fresh(Map.of(OWNER_TAG, LEGACY))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, adoption Never: conflict",
                        D,
                        NEW,
                        present("READY", ID, fresh(Map.of("x", "y"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, Adopt, not marked adoptable: conflict",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of("x", "y"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, Adopt, marked adoptable by another object: conflict",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of(ADOPTABLE_TAG, "other/global-mail"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, Adopt, marked for an object of the same names in another cluster: conflict",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of(ADOPTABLE_TAG, "c2/mail/global-mail"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, Adopt, marked in the form without cluster id: conflict",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of(ADOPTABLE_TAG, "mail/global-mail"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "unmanaged endpoint, Adopt, marked adoptable by this object: tag it",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of("x", "y", ADOPTABLE_TAG, "c1/mail/global-mail"))),
                        false,
                        Action.UPDATE_TAGS,
                        Reason.Available,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "adoptable, but tags only remembered: read them again before tagging",
                        ADOPT,
                        NEW,
                        present("READY", ID, remembered(Map.of(ADOPTABLE_TAG, "c1/mail/global-mail"), S1)),
                        false,
                        READS_TAGS_FIRST,
                        null,
                        null,
                        T.pollMin()),
                // a refusal is never repeated on remembered tags: the AWS owner may have marked the endpoint
                // adoptable (or released it) since, and only a read tells
                arguments(
                        "unmanaged, not adoptable, tags only remembered: read them before refusing again",
                        ADOPT,
                        was(Reason.EndpointNameConflict, null, null, null, S1),
                        present("READY", ID, remembered(Map.of("x", "y"), S1)),
                        false,
                        READS_TAGS_FIRST,
                        null,
                        null,
                        T.pollMin()),
                arguments(
                        "owned by another object, tags only remembered: read them before refusing again",
                        D,
                        was(Reason.EndpointNameConflict, null, null, null, S1),
                        present("READY", ID, remembered(Map.of(OWNER_TAG, OTHER), S1)),
                        false,
                        READS_TAGS_FIRST,
                        null,
                        null,
                        T.pollMin()),
                arguments(
                        "unmanaged endpoint, Adopt, adoptable, routes differ: conflict",
                        ADOPT,
                        NEW,
                        new Seen(
                                ep("READY", ID, "us-east-1", "ap-south-1"),
                                fresh(Map.of(ADOPTABLE_TAG, "c1/mail/global-mail"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "Adopt never steals an endpoint owned by another object",
                        ADOPT,
                        NEW,
                        present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER, ADOPTABLE_TAG, "c1/mail/global-mail"))),
                        false,
                        Action.NONE,
                        Reason.EndpointNameConflict,
                        Track.NONE,
                        T.resync()),
                arguments(
                        "gone while READY: report DeletedOutOfBand first",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        ABSENT,
                        false,
                        Action.NONE,
                        Reason.DeletedOutOfBand,
                        Track.LAST_KNOWN,
                        T.pollMin()),
                arguments(
                        "gone, already reported: recreate",
                        D,
                        was(Reason.DeletedOutOfBand, ID, "READY", null, S1),
                        ABSENT,
                        false,
                        Action.CREATE,
                        Reason.Creating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "just created, not yet visible: keep waiting",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofSeconds(4)),
                        ABSENT,
                        false,
                        Action.NONE,
                        Reason.Creating,
                        Track.LAST_KNOWN,
                        T.pollMin()),
                arguments(
                        "created long ago, still invisible: deleted out of band",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofMinutes(5)),
                        ABSENT,
                        false,
                        Action.NONE,
                        Reason.DeletedOutOfBand,
                        Track.LAST_KNOWN,
                        T.pollMin()),
                arguments(
                        "FAILED first seen: Stalled, backoff 1 min",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, S1),
                        present("FAILED"),
                        false,
                        Action.NONE,
                        Reason.ProvisioningFailed,
                        Track.OBSERVED,
                        Duration.ofMinutes(1)),
                arguments(
                        "FAILED, backoff not over: wait the rest",
                        D,
                        was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofSeconds(30)),
                        present("FAILED"),
                        false,
                        Action.NONE,
                        Reason.ProvisioningFailed,
                        Track.OBSERVED,
                        Duration.ofMinutes(2).minusSeconds(30)),
                arguments(
                        "FAILED, backoff over, owner unproven: read the tags first",
                        D,
                        was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofMinutes(3)),
                        present("FAILED"),
                        false,
                        READS_TAGS_FIRST,
                        Reason.Recreating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "FAILED, backoff over, tags just read: delete to recreate",
                        D,
                        was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofMinutes(3)),
                        present("FAILED", ID, fresh(OURS)),
                        false,
                        Action.DELETE,
                        Reason.Recreating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "recreate: failed endpoint DELETING",
                        D,
                        was(Reason.Recreating, ID, "DELETING", 2, S1),
                        present("DELETING"),
                        false,
                        Action.NONE,
                        Reason.Recreating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "recreate: failed endpoint gone: create",
                        D,
                        was(Reason.Recreating, ID, "DELETING", 2, S1),
                        ABSENT,
                        false,
                        Action.CREATE,
                        Reason.Creating,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "DELETING though the object lives: out of band",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("DELETING"),
                        false,
                        Action.NONE,
                        Reason.DeletedOutOfBand,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "unknown SES status: poll slowly",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("PAUSED", ID, fresh(OURS)),
                        false,
                        Action.NONE,
                        Reason.AwsUnavailable,
                        Track.OBSERVED,
                        T.pollMax()),
                // deletion
                arguments(
                        "delete: our endpoint per status, owner unproven: read the tags first",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY"),
                        true,
                        READS_TAGS_FIRST,
                        Reason.Deleting,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "delete: tags only remembered (own Create): read them first",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, remembered(OURS, S1)),
                        true,
                        READS_TAGS_FIRST,
                        Reason.Deleting,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "delete: tags just read, ours: DeleteMultiRegionEndpoint",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(OURS)),
                        true,
                        Action.DELETE,
                        Reason.Deleting,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "delete: forged status naming another object's endpoint, tags read: left untouched",
                        D,
                        was(Reason.Available, ID, "READY", null, S1),
                        present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))),
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null),
                arguments(
                        "delete: DELETING -> poll",
                        D,
                        was(Reason.Deleting, ID, "DELETING", null, S1),
                        present("DELETING"),
                        true,
                        Action.NONE,
                        Reason.Deleting,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "delete: gone -> release finalizer",
                        D,
                        was(Reason.Deleting, ID, "DELETING", null, S1),
                        ABSENT,
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null),
                arguments(
                        "delete: created moments ago, not listed yet: wait, never orphan it",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofSeconds(4)),
                        ABSENT,
                        true,
                        Action.NONE,
                        Reason.Deleting,
                        Track.LAST_KNOWN,
                        T.pollMin()),
                arguments(
                        "delete: created long ago and gone: release",
                        D,
                        was(Reason.Creating, ID, "CREATING", null, Duration.ofMinutes(5)),
                        ABSENT,
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null),
                arguments(
                        "delete: unknown endpoint, no status: read the tags",
                        D,
                        NEW,
                        present("READY", "other.id", null),
                        true,
                        READS_TAGS_FIRST,
                        null,
                        null,
                        T.pollMin()),
                arguments(
                        "delete: unmanaged endpoint is never deleted",
                        D,
                        NEW,
                        present("READY", "other.id", fresh(Map.of())),
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null),
                arguments(
                        "delete: crash before status write, our tag: delete it",
                        D,
                        NEW,
                        present("CREATING", ID, fresh(OURS)),
                        true,
                        Action.DELETE,
                        Reason.Deleting,
                        Track.OBSERVED,
                        T.pollMin()),
                arguments(
                        "delete: Retain releases without deleting",
                        RETAIN,
                        was(Reason.Available, ID, "READY", null, S1),
                        Observation.NOT_OBSERVED,
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null),
                arguments(
                        "delete: spec never named an endpoint: release",
                        null,
                        NEW,
                        Observation.NOT_OBSERVED,
                        true,
                        Action.RELEASE,
                        Reason.Deleting,
                        Track.NONE,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(
            String name,
            DesiredEndpoint desired,
            MultiRegionEndpointStatus previous,
            Object observation,
            boolean deleting,
            Action action,
            Reason reason,
            Track track,
            Duration requeue) {
        Instant sweep = name.contains("sweep due") ? NOW.minusSeconds(1) : SWEEP_LATER;
        long generation = name.contains("spec change") || name.contains("new spec") ? 2 : 1;
        Decision.Input in = input(desired, previous, generation, observation, deleting, sweep, null);
        if (action == READS_TAGS_FIRST) {
            assertThat(in.seen()).isInstanceOf(Present.class);
            assertThat(FetchRules.wantsProof(in, (Present) in.seen()))
                    .as("observation reads the tags before deciding")
                    .isTrue();
            return;
        }
        if (in.seen() instanceof Present p) {
            assertThat(FetchRules.wantsProof(in, p))
                    .as("the decision needs nothing observation did not fetch")
                    .isFalse();
        }
        Plan p = Decision.next(in);
        assertThat(p.action()).as("action").isEqualTo(action);
        assertThat(p.requeueAfter()).as("requeue").isEqualTo(requeue);
        if (reason == null) {
            assertThat(p.report()).as("status kept").isNull();
        } else {
            Report r = p.report();
            assertThat(r.reason()).as("reason").isEqualTo(reason);
            assertThat(r.track()).as("track").isEqualTo(track);
            assertThat(r.message()).as("message").isNotBlank();
        }
    }

    /**
     * The contract's central rule, over every combination: a Delete, TagResource or UntagResource is planned only
     * when the tags were read from SES in this very pass and the owner tag names this object (or, for a tag write,
     * the endpoint is unmanaged and marked adoptable by this object). Whatever is remembered. And observation's rule
     * asks for the tags in exactly the cases where the decision would otherwise lack them.
     */
    @Test
    void noDestructiveStepWithoutTheOwnerTagJustReadFromSes() {
        List<MultiRegionEndpointStatus> statuses = List.of(
                NEW,
                was(Reason.Available, ID, "READY", null, S1),
                was(Reason.ProvisioningFailed, ID, "FAILED", 2, Duration.ofHours(2)),
                was(Reason.Creating, ID, "CREATING", null, S1));
        List<Map<String, String>> tagSets = List.of(
                Map.of(),
                OURS,
                Map.of("team", "x", OWNER_TAG, OWNER),
                Map.of(OWNER_TAG, OTHER),
                Map.of(OWNER_TAG, LEGACY),
                Map.of(ADOPTABLE_TAG, "c1/mail/global-mail"),
                Map.of(ADOPTABLE_TAG, "other/x"),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, TO_ME),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c9/mail/global-mail"),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c1/other-ns/global-mail"),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c1/mail/other-name"),
                Map.of(HANDOVER_TAG, TO_ME),
                Map.of("team", "mail", OWNER_TAG, OWNER, HANDOVER_TAG, TO_C2));
        int checked = 0;
        for (DesiredEndpoint d : List.of(D, ADOPT, HANDING_OVER)) {
            for (MultiRegionEndpointStatus prev : statuses) {
                for (String status : List.of("CREATING", "READY", "FAILED", "DELETING")) {
                    for (boolean deleting : List.of(false, true)) {
                        for (long generation : List.of(1L, 2L)) {
                            for (Map<String, String> tags : tagSets) {
                                for (KnownTags k : new KnownTags[] {
                                    null, remembered(tags, S1), remembered(tags, Duration.ofDays(1)), fresh(tags)
                                }) {
                                    Decision.Input in =
                                            input(d, prev, generation, present(status, ID, k), deleting, NOW, null);
                                    Present seen = (Present) in.seen();
                                    if (FetchRules.wantsProof(in, seen)) {
                                        // what observation does: read the tags, then the decision runs on them
                                        in = input(
                                                d,
                                                prev,
                                                generation,
                                                present(status, ID, fresh(tags)),
                                                deleting,
                                                NOW,
                                                null);
                                        seen = (Present) in.seen();
                                        k = fresh(tags);
                                    }
                                    Plan p = Decision.next(in);
                                    checked++;
                                    if (!p.action().needsProof()) {
                                        continue;
                                    }
                                    assertThat(k).as("tags known").isNotNull();
                                    assertThat(seen.proven())
                                            .as("tags read in this pass")
                                            .isTrue();
                                    String owner = k.tags().get(OWNER_TAG);
                                    boolean ours = OWNER.equals(owner);
                                    boolean adoption = owner == null
                                            && d.adoptionPolicy() == AdoptionPolicy.Adopt
                                            && "c1/mail/global-mail"
                                                    .equals(k.tags().get(ADOPTABLE_TAG))
                                            && p.action() == Action.UPDATE_TAGS;
                                    // taken over: another object's owner tag, and its handover tag names exactly
                                    // this cluster, namespace and object
                                    boolean takeOver = owner != null
                                            && TO_ME.equals(k.tags().get(HANDOVER_TAG))
                                            && p.action() == Action.UPDATE_TAGS;
                                    assertThat(p.action() == Action.DELETE && d.handoverTo() != null)
                                            .as("an object handing over never deletes")
                                            .isFalse();
                                    assertThat(ours || adoption || takeOver)
                                            .as("owner %s, action %s", owner, p.action())
                                            .isTrue();
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(2000);
    }

    static Decision.Input withAccount(Decision.Input in, AccountResolver.Resolution r, String id, boolean paused) {
        return new Decision.Input(
                in.desired(),
                in.violations(),
                new AccountResolver.Account(r, id),
                paused,
                in.deleting(),
                in.seen(),
                in.memory(),
                in.generation(),
                in.now(),
                in.timing(),
                in.firstTagSweep(),
                false);
    }

    static final MultiRegionEndpointStatus READY_IN_ACCOUNT = was(Reason.Available, ID, "READY", null, S1);

    @Test
    void accountProblemsStallWithoutAnySesCallAndHoldADeletionThatMayHaveSomethingToDelete() {
        var noSelector = new AccountResolver.NoSelector();
        var ambiguous = new AccountResolver.Ambiguous(List.of("a", "b"));
        for (boolean deleting : List.of(false, true)) {
            Decision.Input in = input(D, READY_IN_ACCOUNT, 1, Observation.NOT_OBSERVED, deleting);
            Plan none = Decision.next(withAccount(in, noSelector, null, false));
            assertThat(none.report().reason()).isEqualTo(Reason.NoRoleSelector);
            assertThat(none.action()).isEqualTo(Action.NONE);
            Plan amb = Decision.next(withAccount(in, ambiguous, null, false));
            assertThat(amb.report().reason()).isEqualTo(Reason.AmbiguousRoleSelector);
            assertThat(amb.report().message())
                    .as("other selectors' names are not the tenant's to read")
                    .doesNotContain("a, b");
            Plan changed = Decision.next(withAccount(in, new AccountResolver.Own(), "999999999999", false));
            assertThat(changed.report().reason()).isEqualTo(Reason.AccountChanged);
            assertThat(changed.report().message()).contains(ACCOUNT).contains("999999999999");
            assertThat(FetchRules.wantsSes(withAccount(in, new AccountResolver.Own(), "999999999999", false)))
                    .isFalse();
        }
        // nothing was ever created: a deletion lets go
        Decision.Input fresh = input(D, NEW, 1, Observation.NOT_OBSERVED, true);
        assertThat(Decision.next(withAccount(fresh, noSelector, null, false)).action())
                .isEqualTo(Action.RELEASE);
        // the same account: no problem
        Decision.Input same = withAccount(
                input(D, READY_IN_ACCOUNT, 1, present("READY"), false), new AccountResolver.Own(), ACCOUNT, false);
        assertThat(FetchRules.wantsSes(same)).isTrue();
        assertThat(Decision.next(same).report().reason()).isEqualTo(Reason.Available);
    }

    @Test
    void pausedMeansNoSesCallNotEvenToDelete() {
        for (boolean deleting : List.of(false, true)) {
            Decision.Input in = withAccount(
                    input(D, READY_IN_ACCOUNT, 2, present("READY"), deleting),
                    new AccountResolver.Own(),
                    ACCOUNT,
                    true);
            Plan p = Decision.next(in);
            assertThat(p.action()).isEqualTo(Action.NONE);
            assertThat(p.report().reason()).isEqualTo(Reason.Paused);
            assertThat(p.requeueAfter())
                    .as("the annotation's removal brings it back")
                    .isNull();
            assertThat(FetchRules.wantsSes(in)).isFalse();
        }
    }

    @Test
    void aRefusedRoleIsNamedInTheAccessDeniedMessage() {
        var role = new AccountResolver.Role(
                "team-a", new AwsIdentity("arn:aws:iam::210987654321:role/ses", null, null, "c1", "mail"));
        Decision.Input in = withAccount(input(D, NEW, 1, Observation.NOT_OBSERVED, false), role, null, false);
        Plan p = Decision.next(in.seeing(
                new Observation.Failed(new SesFailure(Kind.ACCESS_DENIED, "AccessDenied", "not authorized", null))));
        assertThat(p.report().reason()).isEqualTo(Reason.AccessDenied);
        assertThat(p.report().message())
                .as("the role is the administrator's: named in the operator's log, not to the tenant")
                .doesNotContain("arn:aws:iam::210987654321:role/ses")
                .doesNotContain("210987654321")
                .contains("trust policy");
    }

    /**
     * A refused object does not read the endpoint's tags at every resync forever: the refusal is remembered for that
     * endpoint id and re-read at a backoff (resync, doubling, up to the tag resync period); another endpoint id under
     * the name is read at once.
     */
    @Test
    void aRefusalIsRememberedForItsEndpointAndCheckedAgainAtABackoff() {
        Decision.Input first = input(D, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), false);
        Plan refused = Decision.next(first);
        assertThat(refused.report().reason()).isEqualTo(Reason.EndpointNameConflict);
        assertThat(refused.requeueAfter()).isEqualTo(T.resync());
        Memory once = Memory.after(
                Memory.NEW,
                StatusFactory.next(
                        NEW,
                        "global-mail",
                        "us-east-1",
                        1,
                        Reason.EndpointNameConflict,
                        "m",
                        null,
                        null,
                        null,
                        true,
                        NOW),
                false,
                first,
                refused);
        assertThat(once.refusal()).isEqualTo(new Memory.Refusal(ID, 1, NOW));

        Decision.Input soon = withMemory(
                input(D, NEW, 1, present("READY", ID, remembered(Map.of(OWNER_TAG, OTHER), S1)), false),
                once,
                NOW.plus(Duration.ofMinutes(3)));
        assertThat(FetchRules.wantsProof(soon, (Present) soon.seen()))
                .as("within the backoff")
                .isFalse();
        Plan again = Decision.next(soon);
        assertThat(again.report().reason()).isEqualTo(Reason.EndpointNameConflict);
        assertThat(again.action()).isEqualTo(Action.NONE);
        assertThat(again.requeueAfter()).as("until the recheck").isEqualTo(Duration.ofMinutes(7));

        Decision.Input due = withMemory(soon, once, NOW.plus(T.resync()));
        assertThat(FetchRules.wantsProof(due, (Present) due.seen()))
                .as("recheck due")
                .isTrue();
        Decision.Input other = withMemory(
                input(D, NEW, 1, present("READY", "new.id", remembered(Map.of(OWNER_TAG, OTHER), S1)), false),
                once,
                NOW.plus(Duration.ofMinutes(3)));
        assertThat(FetchRules.wantsProof(other, (Present) other.seen()))
                .as("another endpoint")
                .isTrue();

        Memory twice =
                new Memory(null, null, null, null, null, null, null, null, null, 0, new Memory.Refusal(ID, 2, NOW));
        Decision.Input reread =
                withMemory(input(D, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), false), twice, NOW);
        assertThat(Decision.next(reread).requeueAfter()).isEqualTo(T.resync().multipliedBy(4));
        assertThat(T.refusalRecheck(30)).as("capped").isEqualTo(T.tagResync());
    }

    static Decision.Input withMemory(Decision.Input in, Memory m, Instant now) {
        return new Decision.Input(
                in.desired(),
                in.violations(),
                in.account(),
                in.paused(),
                in.deleting(),
                in.seen(),
                m,
                in.generation(),
                now,
                in.timing(),
                in.firstTagSweep(),
                false);
    }

    static final DesiredEndpoint OBSERVE = new DesiredEndpoint(
            AwsIdentity.OWN,
            "global-mail",
            "us-east-1",
            "eu-west-1",
            Map.of(OWNER_TAG, OWNER),
            OWNER,
            "c1/mail/global-mail",
            DeletionPolicy.Delete,
            AdoptionPolicy.Never,
            ManagementPolicy.ObserveOnly,
            null,
            "c1/mail/global-mail");

    /**
     * ObserveOnly never changes anything, needs no owner tag and no tag read: NotFound while absent, SES's status
     * when present (whoever owns it), and a deletion lets go with no SES call.
     */
    @Test
    void anObserveOnlyObjectReportsAndNeverChanges() {
        Plan absent = Decision.next(input(OBSERVE, NEW, 1, ABSENT, false));
        assertThat(absent.action()).isEqualTo(Action.NONE);
        assertThat(absent.report().reason()).isEqualTo(Reason.NotFound);
        assertThat(absent.report().track()).isEqualTo(Track.NONE);
        assertThat(absent.requeueAfter()).isEqualTo(T.resync());
        assertThat(FetchRules.lookup(input(OBSERVE, NEW, 1, ABSENT, false)).beforeCreate())
                .as("looks in the List, never creates without asking")
                .isFalse();
        for (Map<String, String> tags : List.<Map<String, String>>of(Map.of(), Map.of(OWNER_TAG, OTHER), OURS)) {
            for (String status : List.of("CREATING", "READY", "FAILED", "DELETING")) {
                for (KnownTags k : new KnownTags[] {null, remembered(tags, S1), fresh(tags)}) {
                    Decision.Input in = input(OBSERVE, NEW, 2, present(status, ID, k), false);
                    assertThat(FetchRules.wantsProof(in, (Present) in.seen())).isFalse();
                    Plan p = Decision.next(in);
                    assertThat(p.action()).isEqualTo(Action.NONE);
                    assertThat(p.report().track()).isEqualTo(Track.OBSERVED);
                }
            }
        }
        assertThat(Decision.next(input(OBSERVE, NEW, 1, present("READY", ID, null), false))
                        .report()
                        .reason())
                .isEqualTo(Reason.Available);
        Decision.Input deleting = input(OBSERVE, READY_IN_ACCOUNT, 1, Observation.NOT_OBSERVED, true);
        assertThat(FetchRules.wantsSes(withAccount(deleting, new AccountResolver.Own(), ACCOUNT, false)))
                .isFalse();
        assertThat(Decision.next(deleting).action()).isEqualTo(Action.RELEASE);
    }

    @Test
    void conflictMessagesNeverNameTheOtherOwner() {
        Plan p = Decision.next(input(D, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), false));
        String message = p.report().message();
        assertThat(message)
                .contains("owned by another object")
                .doesNotContain(OTHER)
                .doesNotContain("9a8b7c6d");
    }

    /** Owned by another, or by no object: one text, so that a tenant cannot probe which names are managed. */
    @Test
    void aRefusalReadsTheSameWhetherTheNameIsAnotherObjectsOrNobodys() {
        String another = Decision.next(input(D, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), false))
                .report()
                .message();
        String nobodys = Decision.next(input(D, NEW, 1, present("READY", ID, fresh(Map.of("x", "y"))), false))
                .report()
                .message();
        String notMarked = Decision.next(input(ADOPT, NEW, 1, present("READY", ID, fresh(Map.of("x", "y"))), false))
                .report()
                .message();
        assertThat(nobodys).isEqualTo(another);
        assertThat(notMarked).isEqualTo(another);
    }

    @Test
    void aRefusedAdoptionSaysWhatToTag() {
        Plan p = Decision.next(input(ADOPT, NEW, 1, present("READY", ID, fresh(Map.of())), false));
        assertThat(p.report().message()).contains("ses.mre.dev/adoptable=c1/mail/global-mail");
        Plan never = Decision.next(input(D, NEW, 1, present("READY", ID, fresh(Map.of())), false));
        assertThat(never.report().message())
                .contains("adoptionPolicy: Adopt")
                .contains("ses.mre.dev/adoptable=c1/mail/global-mail");
    }

    @Test
    void adoptionAddsTheOwnershipTagAndRemovesTheAdoptableTag() {
        Plan p = Decision.next(input(
                ADOPT,
                NEW,
                1,
                present("READY", ID, fresh(Map.of("team", "mail", ADOPTABLE_TAG, "c1/mail/global-mail"))),
                false));
        assertThat(p.action()).isEqualTo(Action.UPDATE_TAGS);
        TagChanges sync = ((Present) seen(
                        ADOPT,
                        present("READY", ID, fresh(Map.of("team", "mail", ADOPTABLE_TAG, "c1/mail/global-mail")))))
                .tagChanges();
        assertThat(sync.add()).isEqualTo(Map.of(OWNER_TAG, OWNER));
        assertThat(sync.remove()).isEqualTo(Set.of(ADOPTABLE_TAG));
    }

    @Test
    void anOwnerTagInTheOldNameBasedFormIsNeverThisObjects() {
        Plan p = Decision.next(input(
                D,
                was(Reason.Available, ID, "READY", null, S1),
                1,
                present("READY", ID, fresh(Map.of("team", "mail", OWNER_TAG, LEGACY))),
                false));
        assertThat(p.action()).isEqualTo(Action.NONE);
        assertThat(p.report().reason()).isEqualTo(Reason.EndpointNameConflict);
        Plan delete = Decision.next(input(
                D,
                was(Reason.Available, ID, "READY", null, S1),
                1,
                present("READY", ID, fresh(Map.of(OWNER_TAG, LEGACY))),
                true));
        assertThat(delete.action()).as("deleting the object leaves it alone").isEqualTo(Action.RELEASE);
    }

    @Test
    void tagSyncAddsChangesAndRemovesButNeverAwsTags() {
        TagChanges sync = TagChanges.between(
                OURS, Map.of("team", "old", "extra", "x", "aws:cloudformation:stack-name", "s", "AWS:Other", "o"));
        assertThat(sync.add()).isEqualTo(Map.of("team", "mail", OWNER_TAG, OWNER));
        assertThat(sync.remove()).isEqualTo(Set.of("extra"));
        assertThat(TagChanges.between(OURS, OURS).isEmpty()).isTrue();
    }

    @Test
    void anInvalidSpecIsStalledWithoutAnySesStep() {
        Plan p = Decision.next(new Decision.Input(
                null,
                List.of("spec.region: bad"),
                ACCT,
                false,
                false,
                Observation.NOT_OBSERVED,
                Memory.NEW,
                1,
                NOW,
                T,
                NOW,
                false));
        assertThat(p.action()).isEqualTo(Action.NONE);
        assertThat(p.report().reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(p.report().message()).isEqualTo("Invalid spec: spec.region: bad");
        assertThat(p.requeueAfter()).as("only a spec edit brings it back").isNull();
    }

    @Test
    void readyRequeuesForTheTagSweepWhenItComesBeforeTheResync() {
        Instant sweep = NOW.plus(Duration.ofMinutes(3));
        Plan p = Decision.next(
                input(D, was(Reason.Available, ID, "READY", null, S1), 1, present("READY"), false, sweep, null));
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void failedBackoffIsCappedAndCountsFailures() {
        Plan first = Decision.next(input(D, was(Reason.Creating, ID, "CREATING", 9, S1), 1, present("FAILED"), false));
        assertThat(first.report().failedProvisioningAttempts()).isEqualTo(10);
        assertThat(first.requeueAfter()).isEqualTo(T.stalledRetryMax());
        Plan ready = Decision.next(input(
                D, was(Reason.Creating, ID, "CREATING", 3, S1), 1, present("READY", ID, remembered(OURS, S1)), false));
        assertThat(ready.report().failedProvisioningAttempts())
                .as("READY clears the count")
                .isNull();
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
                arguments(Kind.BAD_REQUEST, 1, Reason.InvalidSpec, T.stalledRetryMin()),
                arguments(Kind.BAD_REQUEST, 20, Reason.InvalidSpec, T.stalledRetryMax()));
    }

    static Plan onFailure(
            SesFailure f, int attempt, MultiRegionEndpointStatus prev, long generation, boolean deleting) {
        return Failures.plan(f, attempt, input(D, prev, generation, present("READY"), deleting, NOW, f));
    }

    @ParameterizedTest(name = "{0} attempt {1} -> {2} after {3}")
    @MethodSource("failures")
    void failuresMapToReasonsAndCappedBackoff(Kind kind, int attempt, Reason reason, Duration requeue) {
        Plan p = onFailure(new SesFailure(kind, "Code", "AWS said no", null), attempt, NEW, 1, false);
        Report r = p.report();
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(p.requeueAfter()).isEqualTo(requeue);
        assertThat(p.action()).isEqualTo(Action.NONE);
        assertThat(r.message()).contains("Code: AWS said no");
        assertThat(r.track()).isEqualTo(Track.LAST_KNOWN);
    }

    @Test
    void aTransientFailureOfAReadyObjectKeepsItsStatus() {
        SesFailure throttled = new SesFailure(Kind.THROTTLED, "TooManyRequestsException", "slow down", null);
        SesFailure denied = new SesFailure(Kind.ACCESS_DENIED, "AccessDeniedException", "no", null);
        MultiRegionEndpointStatus ready = was(Reason.Available, ID, "READY", null, S1);
        assertThat(onFailure(throttled, 1, ready, 1, false).report()).isNull();
        assertThat(onFailure(throttled, 1, ready, 2, false).report())
                .as("spec changed")
                .isNotNull();
        assertThat(onFailure(denied, 1, ready, 1, false).report()).isNotNull();
        assertThat(onFailure(throttled, 1, NEW, 1, false).report()).isNotNull();
        assertThat(onFailure(throttled, 1, ready, 1, true).report())
                .as("deleting")
                .isNotNull();
    }

    @Test
    void ownerTagValuesAreBoundedAndUniquePerNamespaceUid() {
        String longName = "n".repeat(253);
        String a = OwnerTag.of("c".repeat(63), "uid-1", longName);
        assertThat(a).hasSizeLessThanOrEqualTo(256).startsWith("c".repeat(63) + "/uid-1/nnn");
        assertThat(OwnerTag.of("c", "uid-2", longName)).isNotEqualTo(OwnerTag.of("c", "uid-1", longName));
        assertThat(OwnerTag.of("c", "uid-1", longName + "x")).isNotEqualTo(OwnerTag.of("c", "uid-1", longName));
        assertThat(OwnerTag.of("c1", "u", "global-mail")).isEqualTo("c1/u/global-mail");
    }

    // ---- handover between clusters (docs/handover.md) --------------------------------------------------------------

    static final MultiRegionEndpointStatus AVAILABLE = was(Reason.Available, ID, "READY", null, S1);

    @Test
    void handoverAnnotationOnTheOwnerWritesTheHandoverTagOnTagsReadNowAndReportsHandedOver() {
        Decision.Input remembered =
                input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, remembered(OURS, S1)), false);
        assertThat(FetchRules.wantsProof(remembered, (Present) remembered.seen()))
                .isTrue();
        Plan p = Decision.next(input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, fresh(OURS)), false));
        assertThat(p.action()).isEqualTo(Action.UPDATE_TAGS);
        assertThat(p.report().reason()).isEqualTo(Reason.HandedOver);
        assertThat(p.report().message()).contains("c2").doesNotContain(OWNER);
        TagChanges sync = ((Present) seen(HANDING_OVER, present("READY", ID, fresh(OURS)))).tagChanges();
        assertThat(sync.add()).isEqualTo(Map.of(HANDOVER_TAG, TO_C2));
        assertThat(sync.remove()).isEmpty();
    }

    @Test
    void handoverTagWrittenAndObjectKept_reportsHandedOverAndAsksNothing() {
        Map<String, String> written = Map.of("team", "mail", OWNER_TAG, OWNER, HANDOVER_TAG, TO_C2);
        Decision.Input in = input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, remembered(written, S1)), false);
        assertThat(FetchRules.wantsProof(in, (Present) in.seen())).isFalse();
        Plan p = Decision.next(in);
        assertThat(p.action()).isEqualTo(Action.NONE);
        assertThat(p.report().reason()).isEqualTo(Reason.HandedOver);
        assertThat(p.requeueAfter()).isEqualTo(T.resync());
    }

    @Test
    void annotationRemovedBeforeDeletion_theTagSyncRemovesTheHandoverTag() {
        Map<String, String> written = Map.of("team", "mail", OWNER_TAG, OWNER, HANDOVER_TAG, TO_C2);
        Decision.Input in =
                input(D, was(Reason.HandedOver, ID, "READY", null, S1), 2, present("READY", ID, fresh(written)), false);
        Plan p = Decision.next(in);
        assertThat(p.action()).isEqualTo(Action.UPDATE_TAGS);
        assertThat(p.report().reason()).isEqualTo(Reason.Available);
        assertThat(((Present) in.seen()).tagChanges().remove()).isEqualTo(Set.of(HANDOVER_TAG));
    }

    @Test
    void deletingAnObjectThatHandsOver_writesTheTagThenReleasesWithoutDelete() {
        Decision.Input before = input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, remembered(OURS, S1)), true);
        assertThat(FetchRules.wantsProof(before, (Present) before.seen())).isTrue();
        Plan write = Decision.next(input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, fresh(OURS)), true));
        assertThat(write.action()).isEqualTo(Action.UPDATE_TAGS);
        assertThat(write.report().reason()).isEqualTo(Reason.HandedOver);
        Map<String, String> written = Map.of("team", "mail", OWNER_TAG, OWNER, HANDOVER_TAG, TO_C2);
        Plan release = Decision.next(input(HANDING_OVER, AVAILABLE, 1, present("READY", ID, fresh(written)), true));
        assertThat(release.action()).isEqualTo(Action.RELEASE);
        // the receiver already took it: not ours any more, released, never deleted
        Plan taken = Decision.next(input(
                HANDING_OVER,
                AVAILABLE,
                1,
                present("READY", ID, fresh(Map.of(OWNER_TAG, "c2/ns-uid-b/global-mail"))),
                true));
        assertThat(taken.action()).isEqualTo(Action.RELEASE);
    }

    @Test
    void theReceiverTakesAnEndpointHandedToItsClusterNamespaceAndName() {
        Map<String, String> handed = Map.of("team", "mail", OWNER_TAG, OTHER, HANDOVER_TAG, TO_ME);
        Decision.Input remembered = input(D, NEW, 1, present("READY", ID, remembered(handed, S1)), false);
        assertThat(FetchRules.wantsProof(remembered, (Present) remembered.seen()))
                .isTrue();
        Decision.Input in = input(D, NEW, 1, present("READY", ID, fresh(handed)), false);
        Plan p = Decision.next(in);
        assertThat(p.action()).isEqualTo(Action.UPDATE_TAGS);
        assertThat(p.report().reason()).isEqualTo(Reason.Available);
        TagChanges sync = ((Present) in.seen()).tagChanges();
        assertThat(sync.add()).isEqualTo(Map.of(OWNER_TAG, OWNER));
        assertThat(sync.remove()).isEqualTo(Set.of(HANDOVER_TAG));
    }

    @Test
    void aHandoverToAnotherClusterNamespaceOrNameOrWithoutAnOwnerTagIsRefused() {
        for (Map<String, String> forged : List.of(
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c9/mail/global-mail"),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c1/other-ns/global-mail"),
                Map.of(OWNER_TAG, OTHER, HANDOVER_TAG, "c1/mail/other-name"),
                Map.of(HANDOVER_TAG, TO_ME))) {
            Plan p = Decision.next(input(D, NEW, 1, present("READY", ID, fresh(forged)), false));
            assertThat(p.action()).as("%s", forged).isEqualTo(Action.NONE);
            assertThat(p.report().reason()).as("%s", forged).isEqualTo(Reason.EndpointNameConflict);
            assertThat(p.report().message()).doesNotContain(OTHER);
        }
    }

    /**
     * The endpoint it handed over, since taken by the receiver: HandedOver ("no longer this object's") in that pass
     * and in every pass after it, never a Stalled EndpointNameConflict. Found by e2e A16: the report of that pass
     * cleared the endpoint the status showed, so the next pass no longer knew which endpoint it had handed over.
     */
    @Test
    void anEndpointHandedOverAndTakenStaysHandedOverInTheNextPassesToo() {
        Map<String, String> taken = Map.of(OWNER_TAG, OTHER);
        MultiRegionEndpointStatus before = was(Reason.HandedOver, ID, "READY", null, S1);
        Plan first = Decision.next(input(HANDING_OVER, before, 1, present("READY", ID, fresh(taken)), false));
        assertThat(first.report().reason()).isEqualTo(Reason.HandedOver);
        assertThat(first.report().message()).contains("no longer this object's");
        // the status that pass writes, as the reconciler computes it (Act shows the endpoint only for OBSERVED)
        Report r = first.report();
        MultiRegionEndpointStatus written = StatusFactory.next(
                before,
                "global-mail",
                "us-east-1",
                1,
                r.reason(),
                r.message(),
                r.failedProvisioningAttempts(),
                r.track() == Track.OBSERVED
                        ? new EndpointFacts(ID, "READY", List.of("us-east-1", "eu-west-1"), null, null, "arn")
                        : null,
                ACCOUNT,
                r.track() == Track.NONE,
                NOW);
        for (KnownTags tags : List.of(remembered(taken, S1), fresh(taken))) {
            Plan next = Decision.next(input(HANDING_OVER, written, 1, present("READY", ID, tags), false));
            assertThat(next.report().reason()).as("%s", tags).isEqualTo(Reason.HandedOver);
            assertThat(next.report().message()).as("%s", tags).contains("no longer this object's");
            assertThat(next.action()).as("%s", tags).isEqualTo(Action.NONE);
        }
    }

    @Test
    void handoverAnnotationOnAnObjectThatDoesNotOwnTheEndpointChangesNothing() {
        Plan p = Decision.next(
                input(HANDING_OVER, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), false));
        assertThat(p.action()).isEqualTo(Action.NONE);
        assertThat(p.report().reason()).isEqualTo(Reason.EndpointNameConflict);
        // the endpoint it showed and handed over, now the receiver's: HandedOver, nothing asked of SES
        Plan taken = Decision.next(input(
                HANDING_OVER,
                was(Reason.HandedOver, ID, "READY", null, S1),
                1,
                present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))),
                false));
        assertThat(taken.action()).isEqualTo(Action.NONE);
        assertThat(taken.report().reason()).isEqualTo(Reason.HandedOver);
        assertThat(taken.report().message()).doesNotContain(OTHER);
        Plan unmanaged = Decision.next(input(HANDING_OVER, NEW, 1, present("READY", ID, fresh(Map.of())), false));
        assertThat(unmanaged.action()).isEqualTo(Action.NONE);
        assertThat(unmanaged.report().reason()).isEqualTo(Reason.EndpointNameConflict);
        Plan delete =
                Decision.next(input(HANDING_OVER, NEW, 1, present("READY", ID, fresh(Map.of(OWNER_TAG, OTHER))), true));
        assertThat(delete.action()).isEqualTo(Action.RELEASE);
    }
}
