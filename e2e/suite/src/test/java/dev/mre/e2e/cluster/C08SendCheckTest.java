package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.MreStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * From an exported endpoint to a sent message, in the cluster: the chart installed with operator.export.enabled=true
 * (its own release, uninstalled at the end; runs alone or after C07), an object with spec.export gets its ConfigMap,
 * and a pod of the operator image that takes that ConfigMap with {@code envFrom} runs {@code send-check}: SigV4a
 * through the endpoint to the emulator, which records the message under the endpoint's id.
 */
@Order(8)
@DisplayName("C08 a pod with envFrom the exported ConfigMap runs send-check; the emulator records the message")
class C08SendCheckTest extends ClusterTest {

    static final String NS = ClusterEnv.EXAMPLES_NAMESPACE;
    static final String NAME = "c08-send";
    static final String CONFIG_MAP = "c08-endpoint";
    static final String DOMAIN = "c08.example.com";

    @Test
    @Order(1)
    void a_pod_with_envFrom_the_exported_configMap_sends_through_the_endpoint() throws Exception {
        String sys = ClusterEnv.SYSTEM_NAMESPACE;
        if (kubectl().getJson("namespace", sys).isEmpty()) {
            kubectl().ok("create", "namespace", sys);
        }
        if (kubectl().getJson("namespace", NS).isEmpty()) {
            kubectl().ok("create", "namespace", NS);
        }
        kubectl().quiet("delete", "secret", ClusterEnv.CREDENTIALS_SECRET, "-n", sys, "--ignore-not-found");
        kubectl()
                .ok(
                        "create",
                        "secret",
                        "generic",
                        ClusterEnv.CREDENTIALS_SECRET,
                        "-n",
                        sys,
                        "--from-literal=secret-access-key=" + ClusterEnv.POD_SECRET_KEY);
        List<String> args = new ArrayList<>(List.of(
                "upgrade",
                "--install",
                ClusterEnv.RELEASE,
                Harness.CHART,
                "-n",
                sys,
                "-f",
                env().valuesFile("c08", 1, env().imageTag()).toString(),
                "--set",
                "operator.export.enabled=true",
                "--wait",
                "--timeout",
                "5m"));
        helm().run(args.toArray(String[]::new)).orThrow();
        try {
            awaitReadyPods(1, READY_TIMEOUT);
            try (SesV2Client us = ses(Region.US_EAST_1);
                    SesV2Client eu = ses(Region.EU_WEST_1)) {
                us.createEmailIdentity(r -> r.emailIdentity(DOMAIN));
                eu.createEmailIdentity(r -> r.emailIdentity(DOMAIN));
            }
            emulator().verifyIdentity("us-east-1", DOMAIN);
            emulator().verifyIdentity("eu-west-1", DOMAIN);
            kubectl()
                    .ok(
                            "apply",
                            "-f",
                            writeManifest("c08-send.yaml", """
                    apiVersion: ses.mre.dev/v1alpha1
                    kind: MultiRegionEndpoint
                    metadata:
                      name: %s
                      namespace: %s
                    spec:
                      region: us-east-1
                      details:
                        routesDetails:
                          - region: eu-west-1
                      export:
                        configMapName: %s
                    """.formatted(NAME, NS, CONFIG_MAP))
                                    .toString());
            MreStatus.awaitReady(kubectl(), NS, NAME, READY_TIMEOUT);
            dev.mre.e2e.harness.Conditions.await(
                    "ConfigMap " + CONFIG_MAP,
                    Duration.ofSeconds(60),
                    () -> kubectl().getJson("configmap", CONFIG_MAP, "-n", NS).isPresent(),
                    () -> kubectl()
                            .run("get", "mre", NAME, "-n", NS, "-o", "yaml")
                            .output());
            JsonNode cm = kubectl().getJson("configmap", CONFIG_MAP, "-n", NS).orElseThrow();
            String endpointId = cm.path("data").path("SES_ENDPOINT_ID").asText();
            assertThat(endpointId).isNotBlank();

            kubectl().quiet("delete", "pod", "c08-send-check", "-n", NS, "--ignore-not-found", "--wait=true");
            kubectl().ok("apply", "-f", writeManifest("c08-pod.yaml", pod()).toString());
            dev.mre.e2e.harness.Conditions.await(
                    "pod c08-send-check Succeeded",
                    Duration.ofMinutes(3),
                    () -> {
                        String phase = phase();
                        if (phase.equals("Failed")) {
                            throw new AssertionError("send-check failed:\n" + logs());
                        }
                        return phase.equals("Succeeded");
                    },
                    () -> phase() + "\n" + logs());
            String out = logs();
            assertThat(out)
                    .contains("sending through endpoint " + endpointId)
                    .contains("sent: MessageId")
                    .containsPattern("answered by region: (us-east-1|eu-west-1)");
            JsonNode messages = emulator().messages(endpointId);
            assertThat(messages.size())
                    .as("messages recorded through %s", endpointId)
                    .isEqualTo(1);
            JsonNode m = messages.get(0);
            assertThat(Json.text(m, "fromEmailAddress")).isEqualTo("check@" + DOMAIN);
            assertThat(Json.text(m, "subject")).isEqualTo("c08 envFrom");
            assertThat(Json.text(m, "accessKeyId")).startsWith(ClusterEnv.POD_KEY_PREFIX);
            assertThat(out).contains(Json.text(m, "messageId"));
        } finally {
            kubectl().quiet("delete", "pod", "c08-send-check", "-n", NS, "--ignore-not-found", "--wait=false");
            kubectl().quiet("delete", "mre", NAME, "-n", NS, "--ignore-not-found", "--wait=false");
            MreStatus.awaitGone(kubectl(), NS, NAME, Duration.ofMinutes(2));
            helm().run("uninstall", ClusterEnv.RELEASE, "-n", sys, "--wait", "--timeout", "2m");
        }
    }

    /** The operator image, args [send-check], envFrom the exported ConfigMap; the emulator as SES, as for the chart. */
    static String pod() {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: c08-send-check
                  namespace: %s
                spec:
                  restartPolicy: Never
                  hostAliases:
                    - ip: "%s"
                      hostnames: [%s]
                  containers:
                    - name: send-check
                      image: %s:%s
                      imagePullPolicy: IfNotPresent
                      args: [send-check, --subject, "c08 envFrom"]
                      envFrom:
                        - configMapRef: {name: %s}
                      env:
                        - name: POD_IP
                          valueFrom: {fieldRef: {fieldPath: status.podIP}}
                        - name: AWS_ACCESS_KEY_ID
                          value: "%s$(POD_IP)"
                        - name: AWS_SECRET_ACCESS_KEY
                          value: "%s"
                        - name: SES_FROM
                          value: "check@%s"
                        - name: SES_ENDPOINT_URL
                          value: "http://%s:%d"
                """.formatted(
                        NS,
                        emulator().host(),
                        ClusterEnv.EMULATOR_NAME,
                        env().imageRepository(),
                        env().imageTag(),
                        CONFIG_MAP,
                        ClusterEnv.POD_KEY_PREFIX,
                        ClusterEnv.POD_SECRET_KEY,
                        DOMAIN,
                        ClusterEnv.EMULATOR_NAME,
                        emulator().port());
    }

    static String phase() {
        Optional<JsonNode> p = kubectl().getJson("pod", "c08-send-check", "-n", NS);
        return p.map(n -> n.path("status").path("phase").asText()).orElse("(none)");
    }

    static String logs() {
        Cmd.Result r = kubectl().run("logs", "c08-send-check", "-n", NS);
        return r.output();
    }

    static SesV2Client ses(Region region) {
        return SesV2Client.builder()
                .endpointOverride(emulator().endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Emulator.ACCESS_KEY, Emulator.SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }
}
