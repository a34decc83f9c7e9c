package dev.mre.operator;

import dev.mre.operator.aws.SdkSesGateway;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.reconcile.Timing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import org.slf4j.LoggerFactory;

/** Starts the operator with settings from the environment (see README, "Configuration"). */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        OperatorConfig config;
        try {
            config = OperatorConfig.fromEnv();
        } catch (IllegalArgumentException e) {
            System.err.println("ses-mre-operator: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("starting: default region {}, namespaces {}, SES endpoint {}, resync {}, max {} SES calls/s,"
                        + " adaptive limiting {}, cluster id {}", config.defaultRegion(),
                config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
                config.sesEndpoint() == null ? "AWS" : config.sesEndpoint(), config.resyncPeriod(),
                config.maxCallRate(), config.adaptiveRateLimit(), config.clusterId());
        KubernetesClient client = new KubernetesClientBuilder().build();
        SesGateway ses = new SdkSesGateway(config, DefaultCredentialsProvider.builder().build(), List.of());
        Operator operator = OperatorApp.create(client, config, ses, Clock.systemUTC(),
                Timing.defaults(config.resyncPeriod()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            operator.stop();
            ses.close();
            client.close();
        }, "shutdown"));
        operator.start();
        LOG.info("started");
    }

}
