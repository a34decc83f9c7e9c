package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.aws.EndpointRef;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.observe.EndpointEventSource;
import dev.mre.operator.observe.EndpointObserver;
import dev.mre.operator.reconcile.Observation.KnownTags;
import dev.mre.operator.reconcile.Plan.Report;
import dev.mre.operator.reconcile.Plan.Track;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The JOSDK entry point, kept thin: validate, observe SES, let {@link Decider} choose, make the one SES call it
 * chose (reading the tags first when it asks to, or after Create found the name taken), and hand the resulting
 * status to JOSDK only when it changed. Never waits for SES to change: polls are reschedules and events.
 */
@ControllerConfiguration(name = MultiRegionEndpointReconciler.NAME, finalizerName = MultiRegionEndpoint.FINALIZER)
public class MultiRegionEndpointReconciler implements Reconciler<MultiRegionEndpoint>, Cleaner<MultiRegionEndpoint> {

    public static final String NAME = "multiregionendpoint";
    private static final Logger LOG = LoggerFactory.getLogger(MultiRegionEndpointReconciler.class);
    /** A plan may ask to read the tags once, then decide again; never more SES calls than that in one pass. */
    private static final int MAX_DECISIONS = 3;

    private final SesGateway ses;
    private final boolean requireRoleSelector;
    private InformerEventSource<RoleSelector, MultiRegionEndpoint> roleSelectors;
    private final EndpointObserver observer;
    private final EndpointEventSource endpointEvents;
    private final EventRecorder events;
    private final EndpointStatusListener statusListener;
    private final RetryBackoff backoff;
    private final TagMemory tagMemory;
    private final Clock clock;
    private final Timing timing;
    private final SpecValidator.Rules rules;
    private final Ownership ownership;
    private final Instant started;

    /**
     * @param clusterId this cluster's id in the ownership tag
     * @param legacyClusterId cluster id of owner tags in the legacy form to migrate; null: no migration
     */
    public record Ownership(String clusterId, String legacyClusterId) {}

    /**
     * @param observer how SES is observed (the shared List, or a Get per object)
     * @param endpointEvents the event source over the shared List (registered in both modes; idle per object)
     */
    public MultiRegionEndpointReconciler(
            SesGateway ses,
            EndpointObserver observer,
            EndpointEventSource endpointEvents,
            EventRecorder events,
            EndpointStatusListener statusListener,
            RetryBackoff backoff,
            Clock clock,
            Timing timing,
            SpecValidator.Rules rules,
            Ownership ownership,
            boolean requireRoleSelector) {
        this.ses = ses;
        this.requireRoleSelector = requireRoleSelector;
        this.observer = observer;
        this.endpointEvents = endpointEvents;
        this.events = events;
        this.statusListener = statusListener;
        this.backoff = backoff;
        this.tagMemory = new TagMemory();
        this.clock = clock;
        this.timing = timing;
        this.rules = rules;
        this.ownership = ownership;
        this.started = clock.instant();
    }

    /**
     * The object's namespace (its UID is part of the ownership tag, its labels select a RoleSelector), the
     * RoleSelectors, and the shared List of SES endpoints; a change of any of them reconciles the objects concerned
     * (a RoleSelector change all of them: selectors change rarely, and which objects an edit moves out of its
     * selection is not known from the new selector alone).
     */
    @Override
    public List<EventSource<?, MultiRegionEndpoint>> prepareEventSources(EventSourceContext<MultiRegionEndpoint> ctx) {
        var namespaces = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, MultiRegionEndpoint.class)
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper((Namespace ns) -> ctx.getPrimaryCache()
                                .list(ns.getMetadata().getName())
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((MultiRegionEndpoint mre) ->
                                Set.of(new ResourceID(mre.getMetadata().getNamespace())))
                        .build(),
                ctx);
        roleSelectors = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(RoleSelector.class, MultiRegionEndpoint.class)
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper((RoleSelector rs) -> ctx.getPrimaryCache()
                                .list()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((MultiRegionEndpoint mre) -> Set.of())
                        .build(),
                ctx);
        return List.of(namespaces, roleSelectors, endpointEvents);
    }

    @Override
    public UpdateControl<MultiRegionEndpoint> reconcile(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Result r = run(mre, ctx, false);
            statusListener.observed(mre.getMetadata().getUid(), r.status().getEndpointStatus());
            writeStatusIfChanged(mre, ctx, r.status());
            UpdateControl<MultiRegionEndpoint> control = UpdateControl.noUpdate();
            if (r.requeueAfter() != null) {
                control.rescheduleAfter(r.requeueAfter());
            }
            return control;
        }
    }

    @Override
    public DeleteControl cleanup(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Result r = run(mre, ctx, true);
            if (r.release()) {
                backoff.forget(mre.getMetadata().getUid());
                statusListener.forget(mre.getMetadata().getUid());
                observer.forget(ResourceID.fromResource(mre));
                return DeleteControl.defaultDelete();
            }
            writeStatusIfChanged(mre, ctx, r.status());
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(r.requeueAfter() != null ? r.requeueAfter() : timing.resync());
        }
    }

    /**
     * The one place status is written, from reconcile and cleanup alike: only when it changed, as a patch of the
     * status subresource with optimistic locking (a patch computed from a stale object is refused and JOSDK reads
     * the object again and retries), and into JOSDK's cache, so that the next pass never decides on a stale status.
     */
    private static void writeStatusIfChanged(
            MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx, MultiRegionEndpointStatus next) {
        if (next.equals(previousStatus(mre))) {
            return;
        }
        PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(mre, ctx, m -> {
            m.setStatus(next);
            return m;
        });
    }

    /** The outcome of one pass: the status to show, when to come back, whether the finalizer may go. */
    record Result(MultiRegionEndpointStatus status, Duration requeueAfter, boolean release) {}

    private Result run(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx, boolean deleting) {
        MultiRegionEndpointStatus prev = previousStatus(mre);
        long generation = mre.getMetadata().getGeneration() == null
                ? 0
                : mre.getMetadata().getGeneration();
        String uid = mre.getMetadata().getUid();
        Optional<Namespace> namespace = ctx.getSecondaryResource(Namespace.class);
        if (namespace.isEmpty()) {
            // the namespace informer has not seen it yet (just started): the ownership tag needs its UID
            return new Result(prev, timing.pollMin(), false);
        }
        AccountResolver.Resolution resolution = AccountResolver.resolve(
                mre.getMetadata().getNamespace(),
                namespace.get().getMetadata().getLabels(),
                roleSelectors.list().toList(),
                requireRoleSelector,
                ownership.clusterId());
        AwsIdentity identity = resolution instanceof AccountResolver.Role r ? r.identity() : AwsIdentity.OWN;
        List<String> violations =
                deleting ? SpecValidator.addressViolations(mre, rules) : SpecValidator.validate(mre, rules);
        DesiredEndpoint desired = violations.isEmpty()
                ? DesiredEndpoint.of(
                        mre,
                        identity,
                        rules.defaultRegion(),
                        ownership.clusterId(),
                        namespace.get().getMetadata().getUid(),
                        ownership.legacyClusterId())
                : null;
        Decider.Input in = new Decider.Input(
                desired,
                violations,
                prev,
                generation,
                new Decider.Account(resolution, null),
                isPaused(mre),
                Observation.NOT_OBSERVED,
                deleting,
                null,
                0,
                clock.instant(),
                timing,
                firstTagSweep(uid));
        Plan plan;
        EndpointFacts facts;
        try {
            if (Decider.needsAccount(in)) {
                // for a role, the first AssumeRole happens here: a refused one stops before any SES call
                in = in.withAccount(new Decider.Account(resolution, ses.account(identity)));
            }
            if (Decider.needsSes(in)) {
                in = in.withObservation(observe(in, ResourceID.fromResource(mre)));
            }
            plan = Decider.decide(in);
            for (int decisions = 1; ; decisions++) {
                boolean mayDecideAgain = decisions < MAX_DECISIONS;
                if (plan.step() instanceof Step.ReadTags && mayDecideAgain) {
                    in = in.withObservation(
                            readTags(desired.ref(), ((Observation.Present) in.observation()).endpoint()));
                    plan = Decider.decide(in);
                    continue;
                }
                try {
                    facts = perform(plan, desired, in.observation());
                    break;
                } catch (SesFailure failure) {
                    Optional<ObservedEndpoint> taken = failure.kind() == SesFailure.Kind.ALREADY_EXISTS
                                    && plan.step() instanceof Step.Create
                                    && mayDecideAgain
                            ? ses.get(desired.ref())
                            : Optional.empty();
                    if (taken.isEmpty()) {
                        throw failure;
                    }
                    // the name is taken (by us before a crash, by someone else, or recreated meanwhile): judge
                    // ownership by the endpoint's tags, exactly as if it had been seen first
                    in = in.withObservation(readTags(desired.ref(), taken.get()));
                    plan = Decider.decide(in);
                }
            }
            backoff.succeeded(uid);
        } catch (SesFailure failure) {
            int attempt = backoff.failed(uid);
            plan = Decider.decide(in.withFailure(failure, attempt));
            LOG.info("SES call failed ({} {}), attempt {}", failure.kind(), failure.errorCode(), attempt);
            return transition(
                    mre,
                    prev,
                    next(mre, in, plan, null),
                    plan.requeueAfter() == null ? null : backoff.retryJitter(plan.requeueAfter()),
                    false);
        }
        if (plan.step() instanceof Step.Release) {
            LOG.info("releasing finalizer: {}", plan.status() instanceof Report rep ? rep.message() : "");
            if (desired != null) {
                tagMemory.forget(desired.ref());
            }
            return new Result(prev, null, true);
        }
        Duration requeue = plan.requeueAfter() == null ? null : backoff.pollJitter(plan.requeueAfter());
        return transition(mre, prev, next(mre, in, plan, facts), requeue, false);
    }

    /**
     * What SES holds for the object's endpoint: for a new object, only what is already known (it creates without
     * asking first); otherwise an observation no older than its state needs. The tags come from memory when the
     * operator knows this endpoint id's tags; they are read (in the decision loop) only when a decision needs them.
     */
    private Observation observe(Decider.Input in, ResourceID id) {
        DesiredEndpoint d = in.desired();
        ScopeKey scope = new ScopeKey(in.account().id(), d.primaryRegion());
        MultiRegionEndpointStatus prev = in.previous();
        Optional<ObservedEndpoint> found = prev.getEndpointId() == null && !in.deleting()
                ? observer.beforeCreate(id, scope, d.ref())
                : observer.observe(id, scope, d.ref(), maxAge(in));
        if (found.isEmpty()) {
            tagMemory.forget(d.ref());
            return Observation.ABSENT;
        }
        ObservedEndpoint ep = found.get();
        return Observation.present(
                ep, tagMemory.recall(d.ref(), ep.endpointId()).orElse(null));
    }

    /**
     * How old an observation may be: recent while something is happening to the endpoint (it is polled), up to the
     * resync period when it is settled (the shared List's resync catches any drift and raises an event).
     */
    private Duration maxAge(Decider.Input in) {
        MultiRegionEndpointStatus prev = in.previous();
        Reason reason = Decider.reasonOf(prev);
        boolean moving = in.deleting()
                || "CREATING".equals(prev.getEndpointStatus())
                || "DELETING".equals(prev.getEndpointStatus())
                || reason == Reason.Creating
                || reason == Reason.Deleting
                || reason == Reason.Recreating
                || reason == Reason.DeletedOutOfBand;
        return moving ? timing.pollMin() : timing.resync();
    }

    private Observation readTags(EndpointRef ref, ObservedEndpoint endpoint) {
        Map<String, String> tags = ses.listTags(ref);
        Instant now = clock.instant();
        tagMemory.remember(ref, endpoint.endpointId(), tags, now);
        return Observation.present(endpoint, new KnownTags(tags, now, true));
    }

    /** Makes the plan's SES call; returns the endpoint fields the status should show (null: keep them). */
    private EndpointFacts perform(Plan plan, DesiredEndpoint d, Observation observation) {
        ObservedEndpoint ep = observation instanceof Observation.Present p ? p.endpoint() : null;
        Step step = plan.step();
        if (step instanceof Step.Create) {
            SesGateway.Created created = ses.create(d.ref(), d.secondaryRegion(), d.tags());
            tagMemory.remember(d.ref(), created.endpointId(), d.tags(), clock.instant());
            LOG.info("created endpoint {} ({})", d.name(), created.endpointId());
            return new EndpointFacts(
                    created.endpointId(),
                    created.status().name(),
                    List.of(d.primaryRegion(), d.secondaryRegion()),
                    null,
                    null,
                    ses.arn(d.ref()));
        }
        if (step instanceof Step.Delete) {
            EndpointStatus status = ses.delete(d.ref());
            LOG.info("deleting endpoint {} ({}): {}", d.name(), ep.endpointId(), status);
            return EndpointFacts.of(ep, ses.arn(d.ref())).withStatus(status.name());
        }
        if (step instanceof Step.SyncTags sync) {
            Map<String, String> now =
                    new HashMap<>(((Observation.Present) observation).tags().tags());
            if (!sync.add().isEmpty()) {
                ses.tag(d.ref(), sync.add());
                now.putAll(sync.add());
            }
            if (!sync.remove().isEmpty()) {
                ses.untag(d.ref(), sync.remove());
                now.keySet().removeAll(sync.remove());
            }
            tagMemory.remember(d.ref(), ep.endpointId(), now, clock.instant());
            LOG.info(
                    "tags of {} synced: set {}, removed {}",
                    d.name(),
                    sync.add().keySet(),
                    sync.remove());
        }
        if (plan.status() instanceof Report rep && rep.track() == Track.OBSERVED && ep != null) {
            return EndpointFacts.of(ep, ses.arn(d.ref()));
        }
        return null;
    }

    private MultiRegionEndpointStatus next(MultiRegionEndpoint mre, Decider.Input in, Plan plan, EndpointFacts facts) {
        MultiRegionEndpointStatus prev = in.previous();
        if (!(plan.status() instanceof Report rep)) {
            return prev;
        }
        return StatusFactory.next(
                prev,
                DesiredEndpoint.effectiveName(mre),
                DesiredEndpoint.effectiveRegion(mre.getSpec(), rules.defaultRegion()),
                in.generation(),
                rep.reason(),
                rep.message(),
                rep.failedProvisioningAttempts(),
                rep.track() == Track.LAST_KNOWN ? null : facts,
                in.account().id(),
                rep.track() == Track.NONE,
                clock.instant());
    }

    private static boolean isPaused(MultiRegionEndpoint mre) {
        var annotations = mre.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(Decider.PAUSED_ANNOTATION));
    }

    private Result transition(
            MultiRegionEndpoint mre,
            MultiRegionEndpointStatus prev,
            MultiRegionEndpointStatus next,
            Duration requeue,
            boolean release) {
        Reason before = Decider.reasonOf(prev);
        Reason after = Decider.reasonOf(next);
        if (before != after && after != null) {
            String message = StatusFactory.condition(next, StatusFactory.READY)
                    .map(c -> c.getMessage())
                    .orElse("");
            LOG.info("{} -> {}: {}", before, after, message);
            events.record(mre, after, message);
        }
        return new Result(next, requeue, release);
    }

    /**
     * When a READY endpoint's tags are first checked for drift after the operator started without knowing them:
     * spread over one tag resync period by the object's UID, so a restart does not read every endpoint's tags at
     * once.
     */
    private Instant firstTagSweep(String uid) {
        long period = Math.max(1, timing.tagResync().toMillis());
        return started.plusMillis(Math.floorMod(uid == null ? 0 : uid.hashCode(), period));
    }

    private static MultiRegionEndpointStatus previousStatus(MultiRegionEndpoint mre) {
        return mre.getStatus() == null ? new MultiRegionEndpointStatus() : mre.getStatus();
    }

    /** Structured logging keys for everything logged while reconciling one object. */
    static final class LogKeys implements AutoCloseable {
        static final String NAMESPACE = "mre.namespace";
        static final String NAME = "mre.name";

        static LogKeys put(MultiRegionEndpoint mre) {
            MDC.put(NAMESPACE, mre.getMetadata().getNamespace());
            MDC.put(NAME, mre.getMetadata().getName());
            return new LogKeys();
        }

        @Override
        public void close() {
            MDC.remove(NAMESPACE);
            MDC.remove(NAME);
        }
    }
}
