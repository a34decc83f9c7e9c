package dev.mre.operator;

import dev.mre.operator.aws.EndpointObserver;
import dev.mre.operator.aws.SendingCache;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.config.Setting;
import dev.mre.operator.observe.BatchObserver;
import dev.mre.operator.observe.EndpointEventSource;
import dev.mre.operator.observe.EndpointInventory;
import dev.mre.operator.ops.EndpointStatusGauge;
import dev.mre.operator.ops.SendingReadyGauge;
import dev.mre.operator.reconcile.EndpointStatusListener;
import dev.mre.operator.reconcile.EventRecorder;
import dev.mre.operator.reconcile.Jitter;
import dev.mre.operator.reconcile.MultiRegionEndpointReconciler;
import dev.mre.operator.reconcile.NamespaceFairExecutor;
import dev.mre.operator.reconcile.ReconcileSettings;
import dev.mre.operator.reconcile.SpecValidator;
import dev.mre.operator.reconcile.Timing;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the operator: JOSDK + the reconciler + the SES gateway + metrics. Used by {@link Main} and by tests. */
public final class OperatorApp {

    /** Objects per page of the informer's List (see the watch setup below). */
    static final long INFORMER_PAGE_SIZE = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(OperatorApp.class);

    /** How often the shared List's event source looks for due scopes and new snapshots (idle ticks cost nothing). */
    static final Duration EVENT_TICK = Duration.ofSeconds(1);

    private OperatorApp() {}

    /**
     * This cluster's identity in the ownership tag: the setting, or else the UID of the kube-system namespace,
     * which every cluster has and no two clusters share. Fails with a message saying what to do when neither is
     * available (so two clusters never share a default by accident).
     */
    static ReconcileSettings.Ownership ownership(KubernetesClient client, OperatorConfig config) {
        String clusterId = config.clusterId();
        if (clusterId == null) {
            Namespace kubeSystem;
            try {
                kubeSystem = client.namespaces().withName("kube-system").get();
            } catch (KubernetesClientException e) {
                throw new IllegalStateException(
                        Setting.CLUSTER_ID.env + " is not set and the UID of the kube-system"
                                + " namespace, its default, could not be read (" + e.getCode() + " "
                                + e.getStatus().getReason()
                                + "): grant 'get' on namespaces/kube-system or set " + Setting.CLUSTER_ID.env,
                        e);
            }
            if (kubeSystem == null || kubeSystem.getMetadata().getUid() == null) {
                throw new IllegalStateException(Setting.CLUSTER_ID.env + " is not set and this cluster has no"
                        + " kube-system namespace to take its default from: set " + Setting.CLUSTER_ID.env);
            }
            clusterId = kubeSystem.getMetadata().getUid();
            LOG.info(
                    "cluster id {} (the kube-system namespace's UID; {} overrides it)",
                    clusterId,
                    Setting.CLUSTER_ID.env);
        }
        return new ReconcileSettings.Ownership(clusterId);
    }

    /** Registers the reconciler on a new (not yet started) JOSDK operator, without metrics export. */
    public static Operator create(
            KubernetesClient client, OperatorConfig config, SesGateway ses, Clock clock, Timing timing) {
        return create(client, config, ses, clock, timing, new SimpleMeterRegistry(), new AtomicBoolean(), () -> {});
    }

    /**
     * @param leading set while this replica holds the leader Lease (always false without leader election)
     * @param lostLeadership run when this replica stops leading (Main exits, so that two replicas never act at once)
     */
    public static Operator create(
            KubernetesClient client,
            OperatorConfig config,
            SesGateway ses,
            Clock clock,
            Timing timing,
            MeterRegistry registry,
            AtomicBoolean leading,
            Runnable lostLeadership) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // JSON patches for the finalizer and status: the status is wholly ours, so server-side apply
                    // buys nothing here, and plain patches work on every API server and on the fabric8 mock server
                    .withUseSSAToPatchPrimaryResource(false)
                    .withConcurrentReconciliationThreads(config.reconcileThreads())
                    // namespaces take turns for the reconcile threads, and so for each account's paced SES calls
                    .withExecutorService(new NamespaceFairExecutor(config.reconcileThreads(), "reconciler"))
                    // no per-object meters: a thousand objects must not mean a thousand time series
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            if (config.ops().leaderElection()) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
                        OperatorConfig.Ops.LEASE_NAME,
                        config.ops().leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        config.ops().identity(),
                        new LeaderCallbacks(
                                () -> leading.set(true),
                                () -> {
                                    leading.set(false);
                                    lostLeadership.run();
                                },
                                leader -> {}),
                        // not JOSDK's System.exit on losing the Lease: called while the JVM is already shutting down
                        // (SIGTERM stops the elector from the shutdown hook) it would wait for that hook forever
                        false));
            }
        });
        EndpointInventory inventory = new EndpointInventory(
                (scope, as) -> ses.list(as, scope.region()), ses::callRate, timing.pollMax(), clock);
        EndpointEventSource endpointEvents = new EndpointEventSource(inventory, EVENT_TICK, timing.resync(), clock);
        EndpointObserver observer = config.observation() == OperatorConfig.Observation.BATCH
                ? new BatchObserver(inventory, endpointEvents, ses)
                : EndpointObserver.perObject(ses);
        var reconciler = new MultiRegionEndpointReconciler(
                new SesEndpoints(ses, observer, clock),
                new SendingCache(ses, clock, timing.tagResync(), timing.pollMax()),
                endpointEvents,
                new EventRecorder(client, clock),
                EndpointStatusListener.all(new EndpointStatusGauge(registry), new SendingReadyGauge(registry)),
                new Jitter(() -> ThreadLocalRandom.current().nextDouble()),
                clock,
                new ReconcileSettings(
                        timing,
                        new SpecValidator.Rules(
                                config.defaultRegion(),
                                config.allowedRegions(),
                                config.endpointNamePrefix(),
                                config.retainNamespaces()),
                        ownership(client, config),
                        config.requireRoleSelector(),
                        config.allowReplicaIdentities(),
                        config.allowExport()));
        var registered = operator.register(reconciler, c -> {
            if (!config.watchNamespaces().isEmpty()) {
                c.settingNamespaces(config.watchNamespaces());
            }
            if (!config.watchLabelSelector().isBlank()) {
                c.withLabelSelector(config.watchLabelSelector());
            }
            // the informer keeps what reconciling needs, not kubectl's bookkeeping (see CachePruning)
            c.withItemStore(new TransformingItemStore<>(CachePruning::prune));
            // the informer's initial List (and its relists) in pages: one response holding 10,000 objects would be
            // held as text and as parsed objects at once, the peak that sizes the heap for the rest of the run
            c.withInformerListLimit(INFORMER_PAGE_SIZE);
            // a change that does not bump the generation still counts when it is the pause annotation, or when
            // JOSDK needs it (deletion, finalizer): see WorthReconciling
            c.withGenerationAware(false);
            c.withOnUpdateFilter(WorthReconciling::update);
            // SES errors are handled inside reconcile with their own backoff; this retry covers the rest
            // (API server hiccups while patching status) and never gives up, so nothing is left behind
            c.withRetry(new GenericRetry()
                    .setInitialInterval(1000)
                    .setIntervalMultiplier(2)
                    .setMaxInterval(300_000)
                    .withoutMaxAttempts());
        });
        ProcessorStatePruning pruning = ProcessorStatePruning.of(registered);
        if (pruning != null) {
            reconciler.alsoOnSweep(pruning::prune);
        }
        return operator;
    }
}
