package dev.mre.operator.aws;

import dev.mre.operator.aws.Observation.KnownTags;
import dev.mre.operator.aws.Observation.Ownership;
import dev.mre.operator.aws.Observation.Present;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The client for the external resource, after crossplane-runtime's {@code ExternalClient}: {@link #observe} answers
 * with one {@link Observation} (absent, or present with its owner as the tags tell and whether it matches the spec),
 * then the reconciler makes at most one of {@link #create}, {@link #updateTags} or {@link #delete}. The two calls
 * that change or remove an endpoint check the proof of ownership themselves, so no caller can reach them without
 * it. Every SES call of a reconciliation goes through here (and on to {@link SesGateway}).
 */
public final class SesEndpoints {

    /**
     * How {@link #observe} may look: before the first Create (whatever the last List said), no older than, or now
     * with a Get and a tag read of its own (a refresh the user asked for).
     */
    public record Lookup(boolean beforeCreate, Duration maxAge, boolean refresh) {
        public static Lookup beforeFirstCreate() {
            return new Lookup(true, Duration.ZERO, false);
        }

        public static Lookup noOlderThan(Duration maxAge) {
            return new Lookup(false, maxAge, false);
        }

        public static Lookup now() {
            return new Lookup(false, Duration.ZERO, true);
        }
    }

    /** What {@link #create} did: made the endpoint, or found the name taken (and looked at who holds it). */
    public sealed interface Created {}

    /** @param endpoint what Create answered (id, status; the regions asked for) */
    public record Made(ObservedEndpoint endpoint) implements Created {}

    /**
     * The name was taken (by this object before a crash, by another, or by someone outside): the endpoint and its
     * tags, read right away. The next {@link #observe} of the object answers with exactly this, so the decision on
     * it rests on tags read for it, as if the endpoint had been seen first.
     */
    public record Taken(Present seen) implements Created {}

    private final SesGateway ses;
    private final EndpointObserver observer;
    private final TagMemory tagMemory = new TagMemory();
    private final Map<ResourceID, Present> taken = new ConcurrentHashMap<>();
    /**
     * Endpoint ids this operator has asked SES to delete, by object. The shared List may still show such an endpoint
     * READY for up to a poll after the Delete: an event-triggered pass in that window would otherwise send a second
     * Delete. An endpoint never leaves DELETING for another status, so the remembered id answers DELETING until SES
     * no longer lists it (or lists another id under the name).
     */
    private final Map<ResourceID, String> deleting = new ConcurrentHashMap<>();

    private final Clock clock;

    public SesEndpoints(SesGateway ses, EndpointObserver observer, Clock clock) {
        this.ses = ses;
        this.observer = observer;
        this.clock = clock;
    }

    /** The account {@code identity} acts in (STS, once per identity; for a role the first AssumeRole). */
    public String account(AwsIdentity identity) {
        return ses.account(identity);
    }

    /**
     * What SES holds for the object's endpoint in {@code account}: from the shared List (or a Get), with the tags
     * the operator remembers for that endpoint id, and with the tags read from SES now when {@code needsProof} says
     * the decision will need them (to refuse, to prove ownership before a change, or for the drift sweep).
     */
    public Observation observe(
            ResourceID id, String account, DesiredEndpoint d, Lookup lookup, Predicate<Present> needsProof) {
        Present justTaken = taken.remove(id);
        if (justTaken != null) {
            return justTaken;
        }
        try {
            ScopeKey scope = new ScopeKey(account, d.primaryRegion());
            Optional<ObservedEndpoint> found = lookup.refresh()
                    ? observer.refresh(id, scope, d.ref())
                    : lookup.beforeCreate()
                            ? observer.beforeCreate(id, scope, d.ref())
                            : observer.observe(id, scope, d.ref(), lookup.maxAge());
            if (found.isEmpty()) {
                tagMemory.forget(d.ref());
                deleting.remove(id);
                return Observation.ABSENT;
            }
            ObservedEndpoint ep = asDeletingIfDeleted(id, found.get());
            Present seen = Observation.present(
                    d, ep, tagMemory.recall(d.ref(), ep.endpointId()).orElse(null));
            return lookup.refresh() || needsProof.test(seen) ? readTags(d, ep) : seen;
        } catch (SesFailure failure) {
            return new Observation.Failed(failure);
        }
    }

    /** CreateMultiRegionEndpoint with the spec's route and tags (the owner tag among them). */
    public Created create(ResourceID id, DesiredEndpoint d) {
        try {
            SesGateway.Created c = ses.create(d.ref(), d.secondaryRegion(), d.tags());
            tagMemory.remember(d.ref(), c.endpointId(), d.tags(), clock.instant());
            return new Made(new ObservedEndpoint(
                    d.name(), c.endpointId(), c.status(), List.of(d.primaryRegion(), d.secondaryRegion()), null, null));
        } catch (SesFailure failure) {
            Optional<ObservedEndpoint> holder =
                    failure.kind() == SesFailure.Kind.ALREADY_EXISTS ? ses.get(d.ref()) : Optional.empty();
            if (holder.isEmpty()) {
                throw failure;
            }
            Present seen = readTags(d, holder.get());
            taken.put(id, seen);
            return new Taken(seen);
        }
    }

    /**
     * TagResource / UntagResource to the spec's tags: only on this object's endpoint, one it may adopt, or one its
     * owner handed over to it. TagResource goes first, so a take-over writes the new owner tag before the handover
     * tag is removed.
     */
    public void updateTags(DesiredEndpoint d, Present seen) {
        requireProof(seen, "change the tags of", Ownership.MINE, Ownership.ADOPTABLE, Ownership.HANDED_OVER);
        Observation.TagChanges changes = seen.tagChanges();
        if (!changes.add().isEmpty()) {
            ses.tag(d.ref(), changes.add());
        }
        if (!changes.remove().isEmpty()) {
            ses.untag(d.ref(), changes.remove());
        }
        tagMemory.remember(
                d.ref(),
                seen.endpoint().endpointId(),
                changes.applyTo(seen.tags().tags()),
                clock.instant());
    }

    /** DeleteMultiRegionEndpoint: only of this object's endpoint. Returns the status SES reports (DELETING). */
    public EndpointStatus delete(ResourceID id, DesiredEndpoint d, Present seen) {
        requireProof(seen, "delete", Ownership.MINE);
        EndpointStatus status = ses.delete(d.ref());
        deleting.put(id, seen.endpoint().endpointId());
        return status;
    }

    private ObservedEndpoint asDeletingIfDeleted(ResourceID id, ObservedEndpoint ep) {
        String deleted = deleting.get(id);
        if (deleted == null) {
            return ep;
        }
        if (!deleted.equals(ep.endpointId())) {
            deleting.remove(id, deleted);
            return ep;
        }
        return ep.status() == EndpointStatus.DELETING ? ep : ep.withStatus(EndpointStatus.DELETING);
    }

    public String arn(DesiredEndpoint d) {
        return ses.arn(d.ref());
    }

    /** The object is released: nothing of it is kept. */
    public void forget(ResourceID id, DesiredEndpoint d) {
        observer.forget(id);
        taken.remove(id);
        deleting.remove(id);
        if (d != null) {
            tagMemory.forget(d.ref());
        }
    }

    private Present readTags(DesiredEndpoint d, ObservedEndpoint ep) {
        Map<String, String> tags = ses.listTags(d.ref());
        var now = clock.instant();
        tagMemory.remember(d.ref(), ep.endpointId(), tags, now);
        return Observation.present(d, ep, new KnownTags(tags, now, true));
    }

    /** A change is made only with the owner tag read from SES in this pass: anything else is a bug, never sent. */
    private static void requireProof(Present seen, String what, Ownership... allowed) {
        if (!seen.proven() || !List.of(allowed).contains(seen.ownership())) {
            throw new IllegalStateException(
                    "refusing to " + what + " endpoint " + seen.endpoint().name()
                            + " without proof of ownership read from SES in this pass (ownership " + seen.ownership()
                            + (seen.proven() ? "" : ", tags not read") + ")");
        }
    }
}
