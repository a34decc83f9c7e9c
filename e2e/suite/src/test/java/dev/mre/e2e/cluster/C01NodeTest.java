package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The one-node cluster itself (e2e/testenv, `make cluster-up`), with pods of the nodecheck test image (a static
 * program from e2e/testenv/runner/cmd/nodecheck) under the restricted Pod Security profile: Ready node of the pinned
 * release on containerd, Service and pod networking through kube-proxy, the "kubernetes" Service reaching the
 * kube-apiserver with the pods' ServiceAccount. Only on the local node (an external cluster is the user's).
 */
@Order(1)
@DisplayName("C01 the node: Ready, a Service reachable from a pod, the kubernetes Service through kube-proxy")
class C01NodeTest extends ClusterTest {

    private static final String NS = "cluster-node";
    private static final String IMAGE = "ses-mre.local/nodecheck:1";

    @BeforeAll
    static void localNodeOnly() {
        assumeTrue(env().local(), "checks of the local one-node cluster (E2E_KUBECONFIG names another cluster)");
        harness().namespace(NS);
        kubectl().ok("label", "namespace", NS, "--overwrite", "pod-security.kubernetes.io/enforce=restricted");
    }

    @Test
    @Order(1)
    void the_node_is_Ready_with_the_pinned_kubelet_on_containerd() {
        JsonNode node = kubectl().getJson("nodes").orElseThrow().path("items").path(0);
        assertThat(node.path("status").path("conditions")).anySatisfy(c -> {
            assertThat(c.path("type").asText()).isEqualTo("Ready");
            assertThat(c.path("status").asText()).isEqualTo("True");
        });
        JsonNode info = node.path("status").path("nodeInfo");
        String version = kubectl().ok("version", "-o", "json").stdout();
        String server = dev.mre.e2e.harness.Json.parse(version)
                .path("serverVersion")
                .path("gitVersion")
                .asText();
        assertThat(info.path("kubeletVersion").asText())
                .as("kubelet of the same release as kube-apiserver")
                .isEqualTo(server);
        assertThat(info.path("kubeProxyVersion").asText("")).isIn(server, "");
        assertThat(info.path("containerRuntimeVersion").asText()).startsWith("containerd://");
        assertThat(node.path("status").path("addresses")).anySatisfy(a -> {
            assertThat(a.path("type").asText()).isEqualTo("InternalIP");
            assertThat(a.path("address").asText()).isEqualTo(env().node().get("TESTENV_NODE_IP"));
        });
    }

    @Test
    @Order(2)
    void a_pod_behind_a_ClusterIP_Service_is_reachable_from_another_pod() {
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("nodecheck-server.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: server, namespace: %s, labels: {app: nodecheck}}
                spec:
                  %s
                  containers:
                    - name: server
                      image: %s
                      imagePullPolicy: Never
                      args: ["serve", ":8080"]
                      ports: [{containerPort: 8080}]
                      readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
                      %s
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: nodecheck, namespace: %s}
                spec:
                  selector: {app: nodecheck}
                  ports: [{port: 80, targetPort: 8080}]
                """.formatted(
                                                NS, POD_SECURITY, IMAGE, CONTAINER_SECURITY, NS))
                                .toString());
        kubectl().ok("wait", "pod/server", "-n", NS, "--for=condition=Ready", "--timeout=90s");
        String serverIp = kubectl()
                .ok("get", "pod", "server", "-n", NS, "-o", "jsonpath={.status.podIP}")
                .stdout()
                .trim();

        // through the Service's ClusterIP (kube-proxy's rules), and to the pod's address directly
        assertThat(runClient(
                        "client-service",
                        "get",
                        "http://$(NODECHECK_SERVICE_HOST):$(NODECHECK_SERVICE_PORT)/",
                        "--expect",
                        "nodecheck server"))
                .contains("200 nodecheck server");
        assertThat(runClient("client-pod", "get", "http://" + serverIp + ":8080/", "--expect", "nodecheck server"))
                .contains("200 nodecheck server");
    }

    @Test
    @Order(3)
    void the_kubernetes_Service_reaches_the_apiserver_through_kube_proxy_with_the_pods_ServiceAccount() {
        JsonNode svc =
                kubectl().getJson("service", "kubernetes", "-n", "default").orElseThrow();
        String clusterIp = svc.path("spec").path("clusterIP").asText();
        String endpoints = kubectl()
                .ok(
                        "get",
                        "endpointslices",
                        "-n",
                        "default",
                        "-l",
                        "kubernetes.io/service-name=kubernetes",
                        "-o",
                        "jsonpath={.items[0].endpoints[0].addresses[0]}")
                .stdout();
        assertThat(endpoints)
                .as("the kubernetes Service's endpoint: the node's bridge address")
                .isEqualTo(env().node().get("TESTENV_NODE_IP"));
        // the pod verifies the apiserver with the ServiceAccount's CA and authenticates with its token
        String out = runClient(
                "client-apiserver",
                "get",
                "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)/version",
                "--ca",
                "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                "--token-file",
                "/var/run/secrets/kubernetes.io/serviceaccount/token",
                "--expect",
                "gitVersion");
        assertThat(out).startsWith("200");
        String serviceRange = env().node().get("TESTENV_SERVICE_CIDR");
        assertThat(clusterIp)
                .as("the kubernetes Service's ClusterIP: the first address of %s", serviceRange)
                .isEqualTo(serviceRange.substring(0, serviceRange.lastIndexOf('.') + 1) + "1");
    }

    /** The restricted profile's requirements, as flow mappings (one line each, indented where they are used). */
    private static final String POD_SECURITY =
            "securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}";

    private static final String CONTAINER_SECURITY =
            "securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}";

    /** Runs a nodecheck client pod to completion; returns its log. */
    private static String runClient(String name, String... args) {
        StringBuilder a = new StringBuilder();
        for (String x : args) {
            a.append(a.isEmpty() ? "" : ", ").append('"').append(x).append('"');
        }
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("nodecheck-" + name + ".yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  restartPolicy: Never
                  %s
                  containers:
                    - name: client
                      image: %s
                      imagePullPolicy: Never
                      args: [%s, "--timeout", "30s"]
                      %s
                """.formatted(
                                                name, NS, POD_SECURITY, IMAGE, a, CONTAINER_SECURITY))
                                .toString());
        Cmd.Result waited = kubectl()
                .run(
                        Duration.ofMinutes(2),
                        "wait",
                        "pod/" + name,
                        "-n",
                        NS,
                        "--for=jsonpath={.status.phase}=Succeeded",
                        "--timeout=60s");
        String log = kubectl().run("logs", name, "-n", NS).output();
        assertThat(waited.ok()).as("pod %s succeeded; its log:\n%s", name, log).isTrue();
        return log;
    }
}
