package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.aws.SendingCache;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.observe.EndpointEventSource;
import dev.mre.operator.reconcile.Plan.Action;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
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
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The JOSDK entry point, kept thin: the object's input ({@link ObjectInput}: account, spec checks, memory), observe
 * ({@link SesStep#observe}: STS and SES, only what the decision needs), decide once ({@link Decision#next}), make the one
 * SES change it chose ({@link SesStep#act}), then the status ({@link StatusStep}; written only when it changed) and the
 * Event of a new reason (Ready's, and SendingReady's). Never waits for SES to change: polls are reschedules and events.
 */
@ControllerConfiguration(name = MultiRegionEndpointReconciler.NAME, finalizerName = MultiRegionEndpoint.FINALIZER)
public class MultiRegionEndpointReconciler implements Reconciler<MultiRegionEndpoint>, Cleaner<MultiRegionEndpoint> {

    public static final String NAME = "multiregionendpoint";
    /** After Create found the name taken: decide on what it found in a pass of its own, right away. */
    private static final Duration AT_ONCE = Duration.ofMillis(1);

    /** The outcome of one pass: the status to show, when to come back, whether the finalizer may go. */
    record Pass(MultiRegionEndpointStatus status, Duration requeueAfter, boolean release) {}

    private final SesEndpoints endpoints;
    private final StatusStep status;
    private final EndpointEventSource endpointEvents;
    private final EventRecorder events;
    private final Clock clock;
    private final ReconcileSettings settings;
    private final Instant started;
    private final ObjectState state;
    /** Run after each sweep with the objects JOSDK still holds (OperatorApp: JOSDK's own per-object state). */
    private volatile Consumer<Predicate<ResourceID>> alsoOnSweep = present -> {};

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
        this.status = new StatusStep(sendingCache, settings, jitter, statusListener);
        this.endpointEvents = endpointEvents;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.started = clock.instant();
        this.state = new ObjectState(endpoints, statusListener);
    }

    /** A task for the periodic sweep of per-object state, given which objects are still there. */
    public void alsoOnSweep(Consumer<Predicate<ResourceID>> task) {
        this.alsoOnSweep = task;
    }

    @Override
    public List<EventSource<?, MultiRegionEndpoint>> prepareEventSources(EventSourceContext<MultiRegionEndpoint> ctx) {
        roleSelectors = EventSources.roleSelectors(ctx);
        // per-object state of objects deleted without a release (finalizer removed by hand) goes at the next sweep
        endpointEvents.housekeeping(settings.timing().pollMax(), () -> {
            state.sweep(ctx.getPrimaryCache());
            alsoOnSweep.accept(id -> ctx.getPrimaryCache().get(id).isPresent());
        });
        return List.of(EventSources.namespaces(ctx), roleSelectors, endpointEvents);
    }

    @Override
    public UpdateControl<MultiRegionEndpoint> reconcile(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Pass pass = run(mre, ctx, false);
            status.publish(mre, ctx, pass.status());
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
            status.publish(mre, ctx, pass.status());
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
        in = SesStep.observe(endpoints, in, id);
        SesStep.Done done = SesStep.act(endpoints, id, in, Decision.next(in));
        if (done.taken()) {
            return new Pass(prev, AT_ONCE, false);
        }
        AdminLog.problems(mre, in, done.failure());
        if (done.plan().action() == Action.RELEASE) {
            AdminLog.released(done.plan());
            state.forget(uid, id, in.desired());
            return new Pass(prev, null, true);
        }
        StatusStep.Outcome out = status.apply(ctx.getClient(), mre, prev, in, done.plan(), done.facts());
        Memory after = Memory.after(memory, out.status(), done.failure() != null, in, done.plan());
        state.remember(uid, id, after, in.desired());
        events.transition(mre, memory.reason(), after.reason(), out.status());
        events.sendingTransition(mre, memory.sendingReason(), after.sendingReason(), out.status());
        return new Pass(out.status(), out.requeueAfter(), false);
    }
}
