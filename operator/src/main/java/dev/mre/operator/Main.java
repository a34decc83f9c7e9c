package dev.mre.operator;

import dev.mre.operator.aws.SdkSesGateway;
import dev.mre.operator.config.KubernetesClientConfig;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.ops.OperatorStateGauges;
import dev.mre.operator.ops.OpsServer;
import dev.mre.operator.ops.SesCallMetrics;
import dev.mre.operator.reconcile.Timing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Starts the operator with settings from the environment (see README, "Configuration"). */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("send-check")) {
            // a diagnostic, not the operator: sends one message through a global endpoint (see docs/sending.md)
            System.exit(dev.mre.operator.sendcheck.SendCheck.run(
                    java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out, System.err, null));
            return;
        }
        long startNanos = System.nanoTime();
        OperatorConfig config;
        try {
            config = OperatorConfig.fromEnv();
        } catch (IllegalArgumentException e) {
            System.err.println("ses-mre-operator: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info(
                "starting: default region {}, namespaces {}, SES endpoint {}, resync {}, max {} SES calls/s,"
                        + " adaptive limiting {}, cluster id {}, leader election {}",
                config.defaultRegion(),
                config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
                config.sesEndpoint() == null ? "AWS" : config.sesEndpoint(),
                config.resyncPeriod(),
                config.maxCallRate(),
                config.adaptiveRateLimit(),
                config.clusterId() == null ? "(kube-system UID)" : config.clusterId(),
                config.ops().leaderElection());

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(KubernetesClientConfig.load())
                .build();
        SdkSesGateway ses =
                new SdkSesGateway(config, DefaultCredentialsProvider.builder().build(), new SesCallMetrics(registry));
        AtomicBoolean leading = new AtomicBoolean();
        AtomicBoolean stopping = new AtomicBoolean();
        Operator operator;
        try {
            operator = OperatorApp.create(
                    client,
                    config,
                    ses,
                    Clock.systemUTC(),
                    Timing.defaults(config.resyncPeriod(), config.tagResyncPeriod()),
                    registry,
                    leading,
                    () -> exitUnlessStopping(
                            stopping,
                            "lost the leader Lease: exiting so that two replicas never act"
                                    + " at once (the Deployment starts a new one)"));
        } catch (IllegalStateException e) {
            System.err.println("ses-mre-operator: cannot start: " + e.getMessage());
            ses.close();
            client.close();
            System.exit(2);
            return;
        }
        OpsServer ops = config.ops().port() < 0
                ? null
                : new OpsServer(
                        config.ops().port(),
                        () -> !stopping.get() && operator.getRuntimeInfo().isStarted(),
                        () -> readiness(config, operator, leading, stopping),
                        registry);
        OperatorStateGauges.register(
                registry,
                () -> config.ops().leaderElection()
                        ? leading.get()
                        : operator.getRuntimeInfo().isStarted() && !stopping.get(),
                () -> readiness(config, operator, leading, stopping));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // graceful: stop taking work, let running reconciliations finish (JOSDK waits), then close
                            // clients
                            stopping.set(true);
                            LOG.info("stopping");
                            operator.stop();
                            ses.close();
                            client.close();
                            if (ops != null) {
                                ops.close();
                            }
                        },
                        "shutdown"));
        try {
            operator.start();
        } catch (RuntimeException e) {
            // for example the RBAC check of the Lease: a process that cannot work must not look alive
            LOG.error("cannot start: {}", e.getMessage(), e);
            System.exit(1);
        }
        LOG.info(
                "started in {} ms{}",
                (System.nanoTime() - startNanos) / 1_000_000,
                ops == null ? "" : "; health, readiness and metrics on port " + ops.port());
    }

    /**
     * Exits with status 1, from a thread of its own (System.exit waits for the shutdown hooks, so it must never run
     * on a thread a hook waits for), unless the operator is already stopping.
     */
    static void exitUnlessStopping(AtomicBoolean stopping, String why) {
        if (stopping.get()) {
            return;
        }
        LOG.warn(why);
        new Thread(() -> System.exit(1), "exit").start();
    }

    /** Null when ready; otherwise why not. A standby replica is ready: it must not block rollouts. */
    public static String readiness(
            OperatorConfig config, Operator operator, AtomicBoolean leading, AtomicBoolean stopping) {
        if (stopping.get()) {
            return "stopping";
        }
        if (!operator.getRuntimeInfo().isStarted()) {
            return "starting";
        }
        if (config.ops().leaderElection() && !leading.get()) {
            return null;
        }
        return operator.getRuntimeInfo().allEventSourcesAreHealthy()
                ? null
                : "informers not healthy: "
                        + operator.getRuntimeInfo().unhealthyEventSources().keySet();
    }
}
