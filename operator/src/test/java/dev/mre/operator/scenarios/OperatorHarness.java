package dev.mre.operator.scenarios;

import static org.awaitility.Awaitility.await;

import dev.mre.operator.OperatorApp;
import dev.mre.operator.api.EndpointDetails;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.aws.OwnerTag;
import dev.mre.operator.aws.SdkSesGateway;
import dev.mre.operator.aws.SesGateway;
import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.config.Setting;
import dev.mre.operator.ops.SesCallMetrics;
import dev.mre.operator.reconcile.StatusFactory;
import dev.mre.operator.reconcile.Timing;
import dev.mre.sesemulator.SesEmulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
    static final Timing FAST = new Timing(
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(4));

    final KubernetesClient client;
    final SesEmulator ses;
    private Operator operator;
    private SesGateway gateway;
    private Timing timing = FAST;
    private double maxCallRate = 50;
    private boolean adaptive = true;
    private final Map<String, String> extraSettings = new HashMap<>();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Whether {@link #close()} stops the emulator: not when it is another harness's ({@link #sharingTheEmulator}). */
    private final boolean ownsEmulator;

    private OperatorHarness(KubernetesClient client, SesEmulator shared) {
        this.client = client;
        this.ses = shared;
        this.ownsEmulator = false;
    }

    /**
     * A second operator on the same emulator and API server, with its own settings (a different
     * {@code SES_MRE_CLUSTER_ID}, and a watch label selector so that each object is reconciled by one operator):
     * two clusters sharing one AWS account.
     */
    OperatorHarness sharingTheEmulator() {
        OperatorHarness other = new OperatorHarness(client, ses);
        other.timing = timing;
        return other;
    }

    OperatorHarness(KubernetesClient client, UnaryOperator<dev.mre.sesemulator.Settings> emulatorSettings) {
        this.ownsEmulator = true;
        this.client = client;
        this.ses = SesEmulator.builder()
                .port(0)
                .settings(s -> emulatorSettings.apply(
                        s.withCreateDelay(Duration.ofMillis(500)).withDeleteDelay(Duration.ofMillis(500))))
                .build()
                .start();
        installCrd(client);
    }

    static void installCrd(KubernetesClient client) {
        try {
            CustomResourceDefinition crd = client.getKubernetesSerialization()
                    .unmarshal(
                            Files.readString(Path.of("../crds/multiregionendpoints.ses.mre.dev-v1.yml")),
                            CustomResourceDefinition.class);
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(crd)
                    .createOr(r -> r.update());
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

    /** Extra operator settings (environment variable name to value), as a user would set them. */
    OperatorHarness setting(Setting s, String value) {
        extraSettings.put(s.env, value);
        return this;
    }

    OperatorConfig config() {
        Map<String, String> env = new HashMap<>(Map.of(
                Setting.DEFAULT_REGION.env,
                "us-east-1",
                Setting.SES_ENDPOINT.env,
                ses.endpoint().toString(),
                Setting.ALLOW_INSECURE_ENDPOINT.env,
                "true",
                Setting.RESYNC_PERIOD.env,
                timing.resync().toMillis() + "ms",
                Setting.MAX_CALL_RATE.env,
                Double.toString(maxCallRate),
                Setting.ADAPTIVE_RATE_LIMIT.env,
                Boolean.toString(adaptive),
                Setting.CLUSTER_ID.env,
                CLUSTER_ID,
                // the scenarios keep endpoints with Retain in any namespace; TenantBoundaryScenariosTest narrows it
                Setting.RETAIN_NAMESPACES.env,
                "*",
                Setting.RECONCILE_THREADS.env,
                "8",
                Setting.OPS_PORT.env,
                "-1"));
        // the emulator also plays STS; STS never follows the SES override by itself
        env.put(Setting.STS_ENDPOINT.env, ses.endpoint().toString());
        env.putAll(extraSettings);
        return OperatorConfig.from(env);
    }

    static final String CLUSTER_ID = "test-cluster";

    /** The namespace (created when missing, as a cluster has it before objects go in) and its UID. */
    String namespaceUid(String name) {
        Namespace ns = client.namespaces().withName(name).get();
        if (ns == null) {
            ns = client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .build())
                    .create();
        }
        return ns.getMetadata().getUid();
    }

    /** The owner tag the operator writes for object {@code namespace/name}. */
    String owner(String namespace, String name) {
        return OwnerTag.of(CLUSTER_ID, namespaceUid(namespace), name);
    }

    AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ses.accessKeyId(), ses.secretAccessKey()));
    }

    OperatorHarness start() {
        return start(credentials(), g -> g);
    }

    /** Starts the operator; {@code wrap} may decorate the real gateway (for example to crash after a call). */
    OperatorHarness start(AwsCredentialsProvider credentials, UnaryOperator<SesGateway> wrap) {
        SdkSesGateway sdk = new SdkSesGateway(config(), credentials, new SesCallMetrics(registry)); // as Main does
        gateway = wrap.apply(sdk);
        operator = OperatorApp.create(
                client, config(), gateway, Clock.systemUTC(), timing, registry, new AtomicBoolean(), () -> {});
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
        if (ownsEmulator) {
            ses.close();
        }
    }

    // ---- objects -----------------------------------------------------------------------------------

    static MultiRegionEndpoint mre(String namespace, String name, Consumer<MultiRegionEndpointSpec> edit) {
        MultiRegionEndpoint m = new MultiRegionEndpoint();
        m.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        MultiRegionEndpointSpec s = new MultiRegionEndpointSpec();
        s.setRegion("us-east-1");
        s.setDetails(new EndpointDetails(List.of(new RouteDetails("eu-west-1"))));
        s.setTags(List.of(new Tag("team", "mail")));
        edit.accept(s);
        m.setSpec(s);
        return m;
    }

    MultiRegionEndpoint create(MultiRegionEndpoint m) {
        namespaceUid(m.getMetadata().getNamespace());
        return client.resource(m).create();
    }

    Optional<MultiRegionEndpoint> get(String namespace, String name) {
        return Optional.ofNullable(client.resources(MultiRegionEndpoint.class)
                .inNamespace(namespace)
                .withName(name)
                .get());
    }

    void delete(String namespace, String name) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace(namespace)
                .withName(name)
                .delete();
    }

    Optional<Condition> condition(String namespace, String name, String type) {
        return get(namespace, name).flatMap(m -> StatusFactory.condition(m.getStatus(), type));
    }

    String reason(String namespace, String name) {
        return condition(namespace, name, StatusFactory.READY)
                .map(Condition::getReason)
                .orElse(null);
    }

    MultiRegionEndpoint awaitReason(String namespace, String name, String reason, Duration timeout) {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> reason.equals(reason(namespace, name)));
        return get(namespace, name).orElseThrow();
    }

    MultiRegionEndpoint awaitReady(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> condition(namespace, name, "Ready")
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false));
        return get(namespace, name).orElseThrow();
    }

    void awaitGone(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get(namespace, name).isEmpty());
    }
}
