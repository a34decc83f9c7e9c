package dev.mre.operator.scenarios;

import static org.awaitility.Awaitility.await;

import dev.mre.operator.OperatorApp;
import dev.mre.operator.api.EndpointDetails;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.aws.SdkSesGateway;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.ops.SesCallMetrics;
import dev.mre.operator.reconcile.StatusFactory;
import dev.mre.operator.reconcile.Timing;
import dev.mre.sesemulator.SesEmulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The real operator (JOSDK + reconciler + AWS SDK gateway) against the fabric8 mock API server in CRUD mode
 * and the SES emulator over HTTP. Only the API server is a stand-in here; the e2e suite uses a real one.
 */
final class OperatorHarness implements AutoCloseable {

    /** Short intervals so scenarios take seconds; the decision logic is the production one. */
    static final Timing FAST = new Timing(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofSeconds(4));

    final KubernetesClient client;
    final SesEmulator ses;
    private Operator operator;
    private SesGateway gateway;
    private Timing timing = FAST;
    private double maxCallRate = 50;
    private boolean adaptive = true;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    OperatorHarness(KubernetesClient client, Consumer<dev.mre.sesemulator.Settings> emulatorSettings) {
        this.client = client;
        this.ses = SesEmulator.builder().port(0).settings(s -> {
            s.createDelay(Duration.ofMillis(500)).deleteDelay(Duration.ofMillis(500));
            emulatorSettings.accept(s);
        }).build().start();
        installCrd(client);
    }

    static void installCrd(KubernetesClient client) {
        try {
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(
                    Files.readString(Path.of("../crds/multiregionendpoints.ses.mre.dev-v1.yml")),
                    CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(r -> r.update());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    OperatorHarness timing(Timing t) {
        this.timing = t;
        return this;
    }

    OperatorHarness adaptive(boolean on) {
        this.adaptive = on;
        return this;
    }

    OperatorHarness maxCallRate(double rate) {
        this.maxCallRate = rate;
        return this;
    }

    OperatorConfig config() {
        return new OperatorConfig("us-east-1", Set.of(), ses.endpoint(), ses.endpoint(), timing.resync(),
                maxCallRate, adaptive, "test-cluster", 8);
    }

    AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ses.accessKeyId(), ses.secretAccessKey()));
    }

    OperatorHarness start() {
        return start(credentials(), g -> g);
    }

    /** Starts the operator; {@code wrap} may decorate the real gateway (for example to crash after a call). */
    OperatorHarness start(AwsCredentialsProvider credentials, UnaryOperator<SesGateway> wrap) {
        SdkSesGateway sdk = new SdkSesGateway(config(), credentials, List.of(new SesCallMetrics(registry)));
        SesCallMetrics.rateGauge(registry, sdk::callRate); // as Main does
        gateway = wrap.apply(sdk);
        operator = OperatorApp.create(client, config(), gateway, Clock.systemUTC(), timing, registry,
                new AtomicBoolean());
        operator.start();
        return this;
    }

    Operator operator() {
        return operator;
    }

    void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    @Override
    public void close() {
        stopOperator();
        ses.close();
    }

    // ---- objects -----------------------------------------------------------------------------------

    static MultiRegionEndpoint mre(String namespace, String name, Consumer<MultiRegionEndpointSpec> edit) {
        MultiRegionEndpoint m = new MultiRegionEndpoint();
        m.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        MultiRegionEndpointSpec s = new MultiRegionEndpointSpec();
        s.setRegion("us-east-1");
        s.setDetails(new EndpointDetails(List.of(new RouteDetails("eu-west-1"))));
        s.setTags(List.of(new Tag("team", "mail")));
        edit.accept(s);
        m.setSpec(s);
        return m;
    }

    MultiRegionEndpoint create(MultiRegionEndpoint m) {
        return client.resource(m).create();
    }

    Optional<MultiRegionEndpoint> get(String namespace, String name) {
        return Optional.ofNullable(client.resources(MultiRegionEndpoint.class).inNamespace(namespace).withName(name).get());
    }

    void delete(String namespace, String name) {
        client.resources(MultiRegionEndpoint.class).inNamespace(namespace).withName(name).delete();
    }

    Optional<Condition> condition(String namespace, String name, String type) {
        return get(namespace, name).flatMap(m -> StatusFactory.condition(m.getStatus(), type));
    }

    String reason(String namespace, String name) {
        return condition(namespace, name, StatusFactory.READY).map(Condition::getReason).orElse(null);
    }

    MultiRegionEndpoint awaitReason(String namespace, String name, String reason, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> reason.equals(reason(namespace, name)));
        return get(namespace, name).orElseThrow();
    }

    MultiRegionEndpoint awaitReady(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> condition(namespace, name, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false));
        return get(namespace, name).orElseThrow();
    }

    void awaitGone(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(namespace, name).isEmpty());
    }
}
