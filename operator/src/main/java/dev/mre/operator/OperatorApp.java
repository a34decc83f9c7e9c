package dev.mre.operator;

import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.reconcile.EventRecorder;
import dev.mre.operator.reconcile.MultiRegionEndpointReconciler;
import dev.mre.operator.reconcile.RetryBackoff;
import dev.mre.operator.reconcile.Timing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/** Wires the operator: JOSDK + the reconciler + the SES gateway. Used by {@link Main} and by tests. */
public final class OperatorApp {

    private OperatorApp() {}

    /** Registers the reconciler on a new (not yet started) JOSDK operator. */
    public static Operator create(KubernetesClient client, OperatorConfig config, SesGateway ses, Clock clock,
                                  Timing timing) {
        Operator operator = new Operator(o -> o
                .withKubernetesClient(client)
                .withCloseClientOnStop(false)
                // JSON patches for the finalizer and status: the status is wholly ours, so server-side apply
                // buys nothing here, and plain patches work on every API server and on the fabric8 mock server
                .withUseSSAToPatchPrimaryResource(false)
                .withConcurrentReconciliationThreads(config.reconcileThreads()));
        var reconciler = new MultiRegionEndpointReconciler(ses, new EventRecorder(client, clock),
                new RetryBackoff(() -> ThreadLocalRandom.current().nextDouble()), clock, timing,
                config.defaultRegion(), config.clusterId());
        operator.register(reconciler, c -> {
            if (!config.watchNamespaces().isEmpty()) {
                c.settingNamespaces(config.watchNamespaces());
            }
            // SES errors are handled inside reconcile with their own backoff; this retry covers the rest
            // (API server hiccups while patching status) and never gives up, so nothing is left behind
            c.withRetry(new GenericRetry().setInitialInterval(1000).setIntervalMultiplier(2)
                    .setMaxInterval(300_000).withoutMaxAttempts());
        });
        return operator;
    }
}
