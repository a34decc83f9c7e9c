package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.SendingCache;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.observe.EndpointEventSource;
import dev.mre.operator.reconcile.Plan.Action;
import io.fabric8.kubernetes.api.model.Namespace;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JOSDK entry point, kept thin: resolve the account, observe SES ({@link SesEndpoints#observe}), decide once
 * ({@link Decision#next}), make the one SES change it chose, and report the status (written only when it changed)
 * and the Event of a new reason (Ready's, and SendingReady's). Never waits for SES to change: polls are reschedules
 * and events.
 */
@ControllerConfiguration(name = MultiRegionEndpointReconciler.NAME, finalizerName = MultiRegionEndpoint.FINALIZER)
public class MultiRegionEndpointReconciler implements Reconciler<MultiRegionEndpoint>, Cleaner<MultiRegionEndpoint> {

    public static final String NAME = "multiregionendpoint";
    private static final Logger LOG = LoggerFactory.getLogger(MultiRegionEndpointReconciler.class);
    /** After Create found the name taken: decide on what it found in a pass of its own, right away. */
    private static final Duration AT_ONCE = Duration.ofMillis(1);

    /** The outcome of one pass: the status to show, when to come back, whether the finalizer may go. */
    record Pass(MultiRegionEndpointStatus status, Duration requeueAfter, boolean release) {}

    private final SesEndpoints endpoints;
    private final SendingStep sending;
    private final ExportStep export;
    private final EndpointEventSource endpointEvents;
    private final EventRecorder events;
    private final EndpointStatusListener statusListener;
    private final Jitter jitter;
    private final Clock clock;
    private final ReconcileSettings settings;
    private final Instant started;
    private final ObjectState state;
    private InformerEventSource<RoleSelector, MultiRegionEndpoint> roleSelectors;

    public MultiRegionEndpointReconciler(
            SesEndpoints endpoints,
            SendingCache sendingCache,
            EndpointEventSource endpointEvents,
            EventRecorder events,
            EndpointStatusListener statusListener,
            Jitter jitter,
            Clock clock,
            ReconcileSettings settings) {
        this.endpoints = endpoints;
        this.sending = new SendingStep(
                sendingCache,
                settings.allowReplicaIdentities(),
                settings.ownership().clusterId());
        this.export = new ExportStep(settings.allowExport());
        this.endpointEvents = endpointEvents;
        this.events = events;
        this.statusListener = statusListener;
        this.jitter = jitter;
        this.clock = clock;
        this.settings = settings;
        this.started = clock.instant();
        this.state = new ObjectState(endpoints, statusListener);
    }

    @Override
    public List<EventSource<?, MultiRegionEndpoint>> prepareEventSources(EventSourceContext<MultiRegionEndpoint> ctx) {
        roleSelectors = EventSources.roleSelectors(ctx);
        // per-object state of objects deleted without a release (finalizer removed by hand) goes at the next sweep
        endpointEvents.housekeeping(settings.timing().pollMax(), () -> state.sweep(ctx.getPrimaryCache()));
        return List.of(EventSources.namespaces(ctx), roleSelectors, endpointEvents);
    }

    @Override
    public UpdateControl<MultiRegionEndpoint> reconcile(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Pass pass = run(mre, ctx, false);
            report(mre, ctx, pass);
            UpdateControl<MultiRegionEndpoint> control = UpdateControl.noUpdate();
            return pass.requeueAfter() == null ? control : control.rescheduleAfter(pass.requeueAfter());
        }
    }

    @Override
    public DeleteControl cleanup(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Pass pass = run(mre, ctx, true);
            if (pass.release()) {
                return DeleteControl.defaultDelete();
            }
            report(mre, ctx, pass);
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(Objects.requireNonNullElse(
                            pass.requeueAfter(), settings.timing().resync()));
        }
    }

    private Pass run(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx, boolean deleting) {
        MultiRegionEndpointStatus prev = Objects.requireNonNullElseGet(mre.getStatus(), MultiRegionEndpointStatus::new);
        Optional<Namespace> namespace = ctx.getSecondaryResource(Namespace.class);
        if (namespace.isEmpty()) {
            // the namespace informer has not seen it yet (just started): the ownership tag needs its UID
            return new Pass(prev, settings.timing().pollMin(), false);
        }
        String uid = mre.getMetadata().getUid();
        ResourceID id = ResourceID.fromResource(mre);
        Memory memory = state.memory(uid, prev);
        Decision.Input in = ObjectInput.of(
                mre,
                namespace.get(),
                roleSelectors.list().toList(),
                deleting,
                memory,
                settings,
                clock.instant(),
                started);
        in = observe(in, id);
        Plan plan = Decision.next(in);
        SesFailure failure = in.seen() instanceof Observation.Failed f ? f.failure() : null;
        Act.Done done;
        try {
            done = Act.apply(endpoints, id, in, plan);
        } catch (SesFailure f) {
            failure = f;
            plan = Failures.plan(f, memory.failuresInARow() + 1, in);
            done = new Act.Done(null, false);
        }
        if (done.taken()) {
            return new Pass(prev, AT_ONCE, false);
        }
        if (failure != null) {
            // the role and the selectors are for the administrator's log; tenants' messages do not name them
            LOG.info(
                    "SES call failed ({} {}) as {}, attempt {}",
                    failure.kind(),
                    failure.errorCode(),
                    in.account().identity(),
                    memory.failuresInARow() + 1);
        }
        if (in.account().resolution() instanceof AccountResolver.Ambiguous amb) {
            LOG.info(
                    "several RoleSelectors match namespace {}: {}",
                    mre.getMetadata().getNamespace(),
                    amb.selectors());
        }
        EndpointFacts facts = done.facts();
        if (plan.action() == Action.RELEASE) {
            LOG.info("releasing finalizer: {}", plan.report().message());
            state.forget(uid, id, in.desired());
            return new Pass(prev, null, true);
        }
        MultiRegionEndpointStatus next = plan.report() == null
                ? prev
                : StatusFactory.next(prev, mre, settings.rules().defaultRegion(), in, plan.report(), facts);
        if (in.refresh() && !(in.seen() instanceof Observation.NotObserved)) {
            next = handledRefresh(next, mre);
        }
        SendingStep.Outcome sendingOutcome = sending.apply(mre, in, next);
        next = sendingOutcome.status();
        next = export.apply(ctx.getClient(), mre, in, prev, next);
        Memory after = Memory.after(memory, next, failure != null, in, plan);
        state.remember(uid, id, after, in.desired());
        events.transition(mre, memory.reason(), after.reason(), next);
        events.sendingTransition(mre, memory.sendingReason(), after.sendingReason(), next);
        Duration r = plan.requeueAfter();
        if (sendingOutcome.requeueAfter() != null
                && (r == null || sendingOutcome.requeueAfter().compareTo(r) < 0)) {
            return new Pass(next, jitter.poll(sendingOutcome.requeueAfter()), false);
        }
        return new Pass(next, r == null ? null : plan.retry() ? jitter.retry(r) : jitter.poll(r), false);
    }

    /**
     * The account (STS; for a role the first AssumeRole, so a refused one stops before any SES call) and SES's view of
     * the endpoint, each only when {@link FetchRules} says the decision needs it.
     */
    private Decision.Input observe(Decision.Input in, ResourceID id) {
        try {
            if (FetchRules.wantsAccount(in)) {
                in = in.withAccount(
                        in.account().withId(endpoints.account(in.account().identity())));
            }
        } catch (SesFailure f) {
            return in.seeing(new Observation.Failed(f));
        }
        if (!FetchRules.wantsSes(in)) {
            return in;
        }
        Decision.Input asked = in;
        return in.seeing(endpoints.observe(
                id, in.account().id(), in.desired(), FetchRules.lookup(in), p -> FetchRules.wantsProof(asked, p)));
    }

    /** The status with the refresh annotation's value recorded as handled (SES was asked for it in this pass). */
    private static MultiRegionEndpointStatus handledRefresh(MultiRegionEndpointStatus status, MultiRegionEndpoint mre) {
        MultiRegionEndpointStatus s = StatusFactory.copy(status);
        s.setConditions(status.getConditions());
        s.setLastHandledReconcileAt(
                mre.getMetadata().getAnnotations().get(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION));
        return s;
    }

    /** The status is written only when it changed; it goes to the metrics in every pass. */
    private void report(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx, Pass pass) {
        statusListener.observed(mre.getMetadata().getUid(), pass.status());
        if (!pass.status().equals(Objects.requireNonNullElseGet(mre.getStatus(), MultiRegionEndpointStatus::new))) {
            // a patch of the status subresource with optimistic locking, into JOSDK's cache too: the next pass never
            // decides on a stale status (a patch from a stale object is refused, and JOSDK retries)
            PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(mre, ctx, m -> {
                m.setStatus(pass.status());
                return m;
            });
        }
    }
}
