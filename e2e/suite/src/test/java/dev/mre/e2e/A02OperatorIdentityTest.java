package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Json;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator runs as its own process under the chart's ServiceAccount (a token kubeconfig, never admin);
 * and that ServiceAccount has exactly what the operator needs (kubectl auth can-i).
 */
@Order(2)
@DisplayName("A02 operator identity and least privilege")
class A02OperatorIdentityTest extends E2eTest {

    static String sa() {
        return suite().identity().username();
    }

    @Test
    @Order(1)
    void the_operator_is_a_separate_process_with_a_service_account_token_kubeconfig() throws Exception {
        assertOperatorAlive();
        assertThat(operator().pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(operator().env())
                .containsEntry("KUBECONFIG", suite().identity().kubeconfig().toString());

        String kubeconfig = Files.readString(suite().identity().kubeconfig());
        JsonNode cfg = Json.yamlDocuments(kubeconfig).get(0);
        JsonNode user = cfg.path("users").get(0).path("user");
        assertThat(user.path("token").asText()).as("bearer token").isNotBlank();
        assertThat(user.has("client-certificate-data") || user.has("client-key-data"))
                .as("no client certificate")
                .isFalse();

        Cmd.Result whoami = suite().identity().kubectl().ok("auth", "whoami", "-o", "json");
        assertThat(Json.text(Json.parse(whoami.stdout()), "status.userInfo.username"))
                .isEqualTo(sa());
        // the same identity can do its job...
        suite().identity().kubectl().ok("get", "multiregionendpoints", "-A");
        // ...and nothing else
        Cmd.Result secrets = suite().identity().kubectl().run("get", "secrets", "-n", E2eExtension.SYSTEM_NAMESPACE);
        assertThat(secrets.exitCode()).isNotZero();
        assertThat(secrets.stderr()).contains("Forbidden").contains(sa());
        assertThat(operator().logText()).doesNotContain(user.path("token").asText());
    }

    static Stream<Arguments> permissions() {
        List<Arguments> a = new ArrayList<>();
        // what the operator must be able to do, in every namespace
        // exactly the verbs the operator sends: this whole suite runs the operator under these rules
        for (String verb : List.of("get", "list", "watch", "patch")) {
            a.add(Arguments.of("yes", List.of(verb, "multiregionendpoints.ses.mre.dev")));
        }
        a.add(Arguments.of("yes", List.of("patch", "multiregionendpoints.ses.mre.dev", "--subresource=status")));
        a.add(Arguments.of("yes", List.of("create", "events")));
        a.add(Arguments.of("yes", List.of("patch", "events")));
        a.add(Arguments.of("yes", List.of("get", "events")));
        a.add(Arguments.of("yes", List.of("watch", "namespaces")));
        a.add(Arguments.of("no", List.of("update", "multiregionendpoints.ses.mre.dev")));
        a.add(Arguments.of("no", List.of("update", "multiregionendpoints.ses.mre.dev", "--subresource=status")));
        a.add(Arguments.of("no", List.of("update", "multiregionendpoints.ses.mre.dev", "--subresource=finalizers")));
        a.add(Arguments.of("no", List.of("update", "namespaces")));
        // spec.export (the suite's chart has operator.export.enabled=true): get, create, update, nothing more
        for (String verb : List.of("get", "create", "update")) {
            a.add(Arguments.of("yes", List.of(verb, "configmaps")));
        }
        for (String verb : List.of("patch", "delete", "watch", "deletecollection")) {
            a.add(Arguments.of("no", List.of(verb, "configmaps")));
        }
        // what it must not
        a.add(Arguments.of("no", List.of("get", "secrets")));
        a.add(Arguments.of("no", List.of("list", "secrets")));
        a.add(Arguments.of("no", List.of("list", "configmaps")));
        a.add(Arguments.of("no", List.of("create", "customresourcedefinitions.apiextensions.k8s.io")));
        a.add(Arguments.of("no", List.of("delete", "pods")));
        a.add(Arguments.of("no", List.of("create", "pods")));
        a.add(Arguments.of("no", List.of("create", "multiregionendpoints.ses.mre.dev")));
        a.add(Arguments.of("no", List.of("delete", "multiregionendpoints.ses.mre.dev")));
        a.add(Arguments.of("no", List.of("create", "clusterrolebindings.rbac.authorization.k8s.io")));
        a.add(Arguments.of("no", List.of("create", "serviceaccounts", "--subresource=token")));
        a.add(Arguments.of("no", List.of("impersonate", "serviceaccounts")));
        a.add(Arguments.of("no", List.of("*", "*")));
        return a.stream();
    }

    @ParameterizedTest(name = "can-i {1} -> {0}")
    @MethodSource("permissions")
    @Order(2)
    void least_privilege(String expected, List<String> what) {
        // in every namespace, and in namespaces the suite uses (a namespaced grant would show there)
        for (List<String> scope : List.of(
                List.of("--all-namespaces"), List.of("-n", "mail"), List.of("-n", E2eExtension.SYSTEM_NAMESPACE))) {
            List<String> args = new ArrayList<>(List.of("auth", "can-i"));
            args.addAll(what);
            args.addAll(scope);
            args.add("--as=" + sa());
            Cmd.Result r = kubectl().run(args.toArray(String[]::new));
            String answer = r.stdout().trim().split("\\s+")[0];
            assertThat(answer).as("kubectl %s", String.join(" ", args)).isEqualTo(expected);
            if (expected.equals("yes") && scope.get(0).equals("--all-namespaces")) {
                // cluster-wide grant is enough for the namespaced scopes
                break;
            }
        }
    }
}
