package dev.mre.operator.reconcile;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.reconcile.Decision.Track;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The JOSDK entry point, kept thin: validate, observe SES, let {@link Decider} choose, perform the one step it
 * chose, and hand the resulting status to JOSDK only when it changed. Never blocks waiting for SES: polls are
 * reschedules.
 */
@ControllerConfiguration(name = MultiRegionEndpointReconciler.NAME, finalizerName = MultiRegionEndpoint.FINALIZER)
public class MultiRegionEndpointReconciler implements Reconciler<MultiRegionEndpoint>, Cleaner<MultiRegionEndpoint> {

    public static final String NAME = "multiregionendpoint";
    private static final Logger LOG = LoggerFactory.getLogger(MultiRegionEndpointReconciler.class);

    private final SesGateway ses;
    private final EventRecorder events;
    private final EndpointStatusListener statusListener;
    private final RetryBackoff backoff;
    private final Clock clock;
    private final Timing timing;
    private final String defaultRegion;
    private final String clusterId;

    public MultiRegionEndpointReconciler(SesGateway ses, EventRecorder events, EndpointStatusListener statusListener,
                                         RetryBackoff backoff, Clock clock, Timing timing, String defaultRegion,
                                         String clusterId) {
        this.ses = ses;
        this.events = events;
        this.statusListener = statusListener;
        this.backoff = backoff;
        this.clock = clock;
        this.timing = timing;
        this.defaultRegion = defaultRegion;
        this.clusterId = clusterId;
    }

    @Override
    public UpdateControl<MultiRegionEndpoint> reconcile(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Result r = run(mre, false);
            statusListener.observed(mre.getMetadata().getUid(), r.status().getEndpointStatus());
            UpdateControl<MultiRegionEndpoint> control;
            if (r.status().equals(previousStatus(mre))) {
                control = UpdateControl.noUpdate();
            } else {
                mre.setStatus(r.status());
                control = UpdateControl.patchStatus(mre);
            }
            if (r.requeueAfter() != null) {
                control.rescheduleAfter(r.requeueAfter());
            }
            return control;
        }
    }

    @Override
    public DeleteControl cleanup(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx) {
        try (var ignored = LogKeys.put(mre)) {
            Result r = run(mre, true);
            if (r.release()) {
                backoff.forget(mre.getMetadata().getUid());
                statusListener.forget(mre.getMetadata().getUid());
                return DeleteControl.defaultDelete();
            }
            if (!r.status().equals(previousStatus(mre))) {
                // JOSDK does not patch status from cleanup; the object still exists until the finalizer goes
                mre.setStatus(r.status());
                ctx.getClient().resource(mre).patchStatus();
            }
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(r.requeueAfter() != null ? r.requeueAfter() : timing.resync());
        }
    }

    /** The outcome of one pass: the status to show, when to come back, whether the finalizer may go. */
    record Result(MultiRegionEndpointStatus status, Duration requeueAfter, boolean release) {}

    private Result run(MultiRegionEndpoint mre, boolean deleting) {
        MultiRegionEndpointStatus prev = previousStatus(mre);
        long generation = mre.getMetadata().getGeneration() == null ? 0 : mre.getMetadata().getGeneration();
        String uid = mre.getMetadata().getUid();
        List<String> violations = SpecValidator.validate(mre, defaultRegion);
        if (!violations.isEmpty()) {
            // never call AWS for an invalid spec; on deletion nothing of ours can exist, so let go
            if (deleting) {
                return new Result(prev, null, true);
            }
            String message = "Invalid spec: " + String.join("; ", violations);
            MultiRegionEndpointStatus next = statusOf(mre, prev, generation, Reason.InvalidSpec, message,
                    prev.getFailedProvisioningAttempts(), null, false);
            return transition(mre, prev, next, null, deleting);
        }
        DesiredEndpoint desired = DesiredEndpoint.of(mre, defaultRegion, clusterId);
        if (deleting && desired.deletionPolicy() == DeletionPolicy.Retain) {
            LOG.info("deletionPolicy Retain: endpoint {} stays in SES", desired.name());
            return new Result(prev, null, true);
        }
        try {
            Observation observation = observe(desired, prev, generation, deleting);
            Decision decision = Decider.decide(new Decider.Input(desired, prev, generation, observation, deleting,
                    clock.instant(), timing));
            EndpointFacts facts = perform(decision, desired, observation);
            backoff.succeeded(uid);
            if (decision.step() instanceof Step.Release) {
                LOG.info("releasing finalizer: {}", decision.message());
                return new Result(prev, null, true);
            }
            MultiRegionEndpointStatus next = statusOf(mre, prev, generation, decision.reason(), decision.message(),
                    decision.failedProvisioningAttempts(), facts, decision.track() == Track.NONE);
            Duration requeue = decision.requeueAfter() == null ? null : backoff.pollJitter(decision.requeueAfter());
            return transition(mre, prev, next, requeue, deleting);
        } catch (SesFailure failure) {
            int attempt = backoff.failed(uid);
            Decision decision = Decider.onFailure(failure, attempt, prev, timing);
            Duration requeue = backoff.retryJitter(decision.requeueAfter());
            LOG.info("SES call failed ({} {}), attempt {}, retry in {}", failure.kind(), failure.errorCode(), attempt,
                    requeue);
            if (Decider.keepsStatusOn(failure, prev, generation)) {
                return new Result(prev, requeue, false);
            }
            MultiRegionEndpointStatus next = statusOf(mre, prev, generation, decision.reason(), decision.message(),
                    decision.failedProvisioningAttempts(), null, false);
            return transition(mre, prev, next, requeue, deleting);
        }
    }

    /** Get by name, plus the tags when the decision needs them (see {@link Decider#needsTags}). */
    private Observation observe(DesiredEndpoint d, MultiRegionEndpointStatus prev, long generation, boolean deleting) {
        Optional<ObservedEndpoint> found = ses.get(d.primaryRegion(), d.name());
        if (found.isEmpty()) {
            return Observation.absent();
        }
        ObservedEndpoint ep = found.get();
        Map<String, String> tags = Decider.needsTags(prev, generation, ep, deleting)
                ? ses.listTags(d.primaryRegion(), ses.arn(d.primaryRegion(), d.name()))
                : null;
        return Observation.present(ep, tags);
    }

    /** Performs the decision's step; returns the endpoint fields the status should show (null: keep them). */
    private EndpointFacts perform(Decision decision, DesiredEndpoint d, Observation observation) {
        ObservedEndpoint ep = observation instanceof Observation.Present p ? p.endpoint() : null;
        Step step = decision.step();
        if (step instanceof Step.Create) {
            SesGateway.Created created = ses.create(d.primaryRegion(), d.name(), d.secondaryRegion(), d.tags());
            LOG.info("created endpoint {} ({})", d.name(), created.endpointId());
            return new EndpointFacts(created.endpointId(), created.status(),
                    List.of(d.primaryRegion(), d.secondaryRegion()), null, null, ses.arn(d.primaryRegion(), d.name()));
        }
        if (step instanceof Step.Delete) {
            String status = ses.delete(d.primaryRegion(), d.name());
            LOG.info("deleting endpoint {} ({}): {}", d.name(), ep.endpointId(), status);
            return EndpointFacts.of(ep, ses.arn(d.primaryRegion(), d.name())).withStatus(status);
        }
        if (step instanceof Step.SyncTags sync) {
            String arn = ses.arn(d.primaryRegion(), d.name());
            if (!sync.add().isEmpty()) {
                ses.tag(d.primaryRegion(), arn, sync.add());
            }
            if (!sync.remove().isEmpty()) {
                ses.untag(d.primaryRegion(), arn, sync.remove());
            }
            LOG.info("tags of {} synced: set {}, removed {}", d.name(), sync.add().keySet(), sync.remove());
        }
        if (decision.track() == Track.OBSERVED && ep != null) {
            return EndpointFacts.of(ep, ses.arn(d.primaryRegion(), d.name()));
        }
        return null;
    }

    private Result transition(MultiRegionEndpoint mre, MultiRegionEndpointStatus prev, MultiRegionEndpointStatus next,
                              Duration requeue, boolean deleting) {
        Reason before = Decider.reasonOf(prev);
        Reason after = Decider.reasonOf(next);
        String message = StatusFactory.condition(next, StatusFactory.READY).map(c -> c.getMessage()).orElse("");
        if (before != after) {
            LOG.info("{} -> {}: {}", before, after, message);
            events.record(mre, after, message);
        }
        return new Result(next, requeue, false);
    }

    private MultiRegionEndpointStatus statusOf(MultiRegionEndpoint mre, MultiRegionEndpointStatus prev, long generation,
                                               Reason reason, String message, Integer failures, EndpointFacts facts,
                                               boolean clearEndpoint) {
        return StatusFactory.next(prev, DesiredEndpoint.effectiveName(mre),
                DesiredEndpoint.effectiveRegion(mre.getSpec(), defaultRegion), generation, reason, message, failures,
                facts, clearEndpoint, clock.instant());
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
