package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator jar starts with every kind of kubeconfig kubectl accepts and works against the real kube-apiserver
 * with it: its informers start (/readyz) and an object of its namespace becomes Ready (list, watch, status patch).
 * Client certificates with RSA and EC keys in each PEM form (issued by the cluster's CSR signer), the cluster's own
 * admin kubeconfig (an EC key in PKCS#8 form on the local node: what made the jar die with "Invalid DER: object is
 * not integer"), a bearer token, and exec credential plugins returning a token (as {@code aws eks get-token} does)
 * or a client certificate. The in-cluster ServiceAccount is what the pods of C03 and later use.
 */
@Order(2)
@DisplayName("C02 every kubeconfig credential kind starts the operator jar against the real kube-apiserver")
class C02CredentialsTest extends ClusterTest {

    private static final String NS = "cluster-creds";
    private static final String RELEASE = "ses-mre-operator-creds";
    private static Harness.OperatorIdentity identity;
    /**
     * The operators of this class run on the host, not in pods: they get an emulator of their own on loopback (the
     * suite's is on the pod network's gateway address, and the operator accepts plain http only to loopback and
     * cluster-local names).
     */
    private static Emulator loopbackEmulator;
    private static ClientCredentials credentials;
    private static final List<String> bindings = new ArrayList<>();

    @BeforeAll
    static void rbacAndNamespace() throws Exception {
        harness().namespace(NS);
        // the chart's ServiceAccount and RBAC (no Deployment): the rights every identity below is given
        identity = harness().installOperatorRbac(RELEASE, "ses-mre-creds", "2h", "leaderElection.enabled=false");
        credentials = new ClientCredentials(kubectl(), harness().work().resolve("credentials"));
        loopbackEmulator = harness().startEmulator("emulator-creds", List.of("--create-delay", "1s"));
    }

    @AfterAll
    static void removeBindings() {
        for (String b : bindings) {
            kubectl().quiet("delete", "clusterrolebinding", b, "--ignore-not-found");
        }
    }

    @ParameterizedTest(name = "client certificate, {0} key as {1}")
    @Order(1)
    @CsvSource({"RSA, PKCS1", "RSA, PKCS8", "EC, SEC1", "EC, PKCS8"})
    void a_client_certificate(String algorithm, String form) throws Exception {
        String user = "ses-mre-cert-" + algorithm.toLowerCase() + "-" + form.toLowerCase();
        bindToTheOperatorsRoles(user);
        ClientCredentials.KeyAndCert kc = credentials.issue(user, algorithm, form);
        assertThat(kc.keyPem())
                .startsWith("-----BEGIN "
                        + switch (form) {
                            case "PKCS1" -> "RSA PRIVATE KEY";
                            case "SEC1" -> "EC PRIVATE KEY";
                            default -> "PRIVATE KEY";
                        }
                        + "-----");
        runOperatorWith(user, credentials.withClientCertificate(user + ".kubeconfig", user, kc));
    }

    @Test
    @Order(2)
    void the_clusters_own_admin_kubeconfig() throws Exception {
        Path admin = harness().controlPlane().adminKubeconfig();
        if (env().local()) {
            String key = new String(java.util.Base64.getDecoder()
                    .decode(kubectl()
                            .ok(
                                    "config",
                                    "view",
                                    "--raw",
                                    "--minify",
                                    "-o",
                                    "jsonpath={.users[0].user.client-key-data}")
                            .stdout()
                            .trim()));
            assertThat(key)
                    .as("the local node's admin key: EC in PKCS#8 form, as envtest and client-go write it")
                    .startsWith("-----BEGIN PRIVATE KEY-----");
        }
        runOperatorWith("admin", admin);
    }

    @Test
    @Order(3)
    void a_bearer_token() throws Exception {
        // the token kubeconfig the harness wrote for the chart's ServiceAccount (kubectl create token)
        assertThat(Files.readString(identity.kubeconfig())).contains("token:");
        runOperatorWith("token", identity.kubeconfig());
    }

    @Test
    @Order(4)
    void an_exec_credential_plugin_returning_a_token() throws Exception {
        // like `aws eks get-token`: asks for a short-lived token each time and says when it expires
        String script = """
                #!/bin/sh
                # exec credential plugin of the cluster suite: a fresh ServiceAccount token, as an ExecCredential
                set -e
                token="$(KUBECONFIG='%s' '%s' create token '%s' -n '%s' --duration 10m)"
                expires="$(date -u -d '+10 min' +%%Y-%%m-%%dT%%H:%%M:%%SZ)"
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%%s","expirationTimestamp":"%%s"}}\\n' "$token" "$expires"
                """.formatted(
                        kubectl().kubeconfig(), kubectl().binary(), identity.serviceAccount(), identity.namespace());
        runOperatorWith(
                "exec-token",
                credentials.withExecPlugin("exec-token.kubeconfig", "exec-token", "exec-token.sh", script));
    }

    @Test
    @Order(5)
    void an_exec_credential_plugin_returning_a_client_certificate() throws Exception {
        String user = "ses-mre-exec-cert";
        bindToTheOperatorsRoles(user);
        // an EC key in PKCS#8 form from a plugin: fabric8 gives keys from exec plugins no algorithm at all
        ClientCredentials.KeyAndCert kc = credentials.issue(user, "EC", "PKCS8");
        Path json = Files.writeString(
                harness().work().resolve("credentials/exec-cert.json"),
                ClientCredentials.execCredentialWithCertificate(kc));
        String script =
                "#!/bin/sh\n# exec credential plugin of the cluster suite: a client certificate\ncat '" + json + "'\n";
        runOperatorWith("exec-cert", credentials.withExecPlugin("exec-cert.kubeconfig", user, "exec-cert.sh", script));
    }

    /**
     * ClusterRoleBindings of a certificate user to the ClusterRoles the chart binds its ServiceAccount to (read from
     * the release's bindings, so that the test follows the chart's RBAC as it changes).
     */
    private static void bindToTheOperatorsRoles(String user) {
        List<String> roles = new ArrayList<>();
        kubectl()
                .getJson("clusterrolebindings")
                .orElseThrow()
                .path("items")
                .forEach(b -> b.path("subjects").forEach(sub -> {
                    if ("ServiceAccount".equals(sub.path("kind").asText())
                            && identity.serviceAccount().equals(sub.path("name").asText())
                            && identity.namespace().equals(sub.path("namespace").asText())) {
                        roles.add(b.path("roleRef").path("name").asText());
                    }
                }));
        assertThat(roles).as("ClusterRoles of the release's ServiceAccount").isNotEmpty();
        for (String role : roles) {
            String binding = user + "-" + role;
            kubectl().quiet("delete", "clusterrolebinding", binding, "--ignore-not-found");
            kubectl().ok("create", "clusterrolebinding", binding, "--clusterrole=" + role, "--user=" + user);
            bindings.add(binding);
        }
        // the API server's authorizer learns of new bindings through its informers, a moment later
        Conditions.await(
                "RBAC of " + user + " in effect",
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                () -> kubectl()
                                .quiet("auth", "can-i", "get", "namespaces/kube-system", "--as=" + user)
                                .ok()
                        && kubectl()
                                .quiet(
                                        "auth",
                                        "can-i",
                                        "watch",
                                        "multiregionendpoints.ses.mre.dev",
                                        "-n",
                                        NS,
                                        "--as=" + user)
                                .ok(),
                () -> kubectl().quiet("auth", "can-i", "--list", "--as=" + user).output());
    }

    /**
     * Starts the operator jar with only this kubeconfig (watching this area's namespace), waits for /readyz, applies
     * an object and waits until the operator made it Ready; stops the operator.
     */
    private static void runOperatorWith(String kind, Path kubeconfig) throws Exception {
        String name = "cred-" + kind.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        OperatorProcess op = harness()
                .startOperator(
                        "operator-" + name,
                        Repo.operatorJar(),
                        identity,
                        loopbackEmulator,
                        Map.of(
                                "KUBECONFIG",
                                kubeconfig.toString(),
                                "SES_MRE_WATCH_NAMESPACES",
                                NS,
                                "SES_MRE_LEADER_ELECTION",
                                "false"));
        try {
            Duration ready = op.awaitReady(Duration.ofSeconds(90));
            assertThat(op.grep("Invalid DER")).as("client errors in the log").isEmpty();
            Mre m = Mre.of(NS, name);
            apply(List.of(m), name + ".yaml");
            MreStatus.awaitReady(kubectl(), NS, name, READY_TIMEOUT);
            Progress.timing("operator ready with a " + kind + " kubeconfig", ready);
        } finally {
            op.stop();
        }
    }
}
