package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.SendingCache;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.time.Duration;
import java.util.Objects;

/**
 * What a pass shows after its one SES change, in the order each part depends on the last: the conditions of the
 * plan's reason ({@link StatusFactory}), the refresh annotation's value once SES was asked, SendingReady
 * ({@link SendingStep}), the exported ConfigMap ({@link ExportStep}); and when to look again (the sooner of the plan's
 * schedule and the sending check's, with jitter). {@link #publish} writes it.
 */
final class StatusStep {

    /** @param requeueAfter null: no reschedule (JOSDK's max interval and events bring the object back) */
    record Outcome(MultiRegionEndpointStatus status, Duration requeueAfter) {}

    private final SendingStep sending;
    private final ExportStep export;
    private final Jitter jitter;
    private final String defaultRegion;
    private final EndpointStatusListener statusListener;

    StatusStep(
            SendingCache sendingCache,
            ReconcileSettings settings,
            Jitter jitter,
            EndpointStatusListener statusListener) {
        this.sending = new SendingStep(
                sendingCache,
                settings.allowReplicaIdentities(),
                settings.ownership().clusterId());
        this.export = new ExportStep(settings.allowExport());
        this.jitter = jitter;
        this.defaultRegion = settings.rules().defaultRegion();
        this.statusListener = statusListener;
    }

    Outcome apply(
            KubernetesClient client,
            MultiRegionEndpoint mre,
            MultiRegionEndpointStatus prev,
            Decision.Input in,
            Plan plan,
            EndpointFacts facts) {
        MultiRegionEndpointStatus next =
                plan.report() == null ? prev : StatusFactory.next(prev, mre, defaultRegion, in, plan.report(), facts);
        if (in.refresh() && !(in.seen() instanceof Observation.NotObserved)) {
            next = handledRefresh(next, mre);
        }
        SendingStep.Outcome sent = sending.apply(mre, in, next);
        next = export.apply(client, mre, in, prev, sent.status());
        return new Outcome(next, requeue(plan, sent.requeueAfter()));
    }

    /** The status goes to the metrics in every pass; to the API server only when it changed. */
    void publish(MultiRegionEndpoint mre, Context<MultiRegionEndpoint> ctx, MultiRegionEndpointStatus status) {
        statusListener.observed(mre.getMetadata().getUid(), status);
        if (!status.equals(Objects.requireNonNullElseGet(mre.getStatus(), MultiRegionEndpointStatus::new))) {
            // a patch of the status subresource with optimistic locking, into JOSDK's cache too: the next pass never
            // decides on a stale status (a patch from a stale object is refused, and JOSDK retries)
            PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(mre, ctx, m -> {
                m.setStatus(status);
                return m;
            });
        }
    }

    private Duration requeue(Plan plan, Duration sendingCheck) {
        Duration r = plan.requeueAfter();
        if (sendingCheck != null && (r == null || sendingCheck.compareTo(r) < 0)) {
            return jitter.poll(sendingCheck);
        }
        return r == null ? null : plan.retry() ? jitter.retry(r) : jitter.poll(r);
    }

    /** The status with the refresh annotation's value recorded as handled (SES was asked for it in this pass). */
    private static MultiRegionEndpointStatus handledRefresh(MultiRegionEndpointStatus status, MultiRegionEndpoint mre) {
        MultiRegionEndpointStatus s = StatusFactory.copy(status);
        s.setConditions(status.getConditions());
        s.setLastHandledReconcileAt(
                mre.getMetadata().getAnnotations().get(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION));
        return s;
    }
}
