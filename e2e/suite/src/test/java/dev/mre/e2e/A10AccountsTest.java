package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Several AWS accounts from one cluster, driven with kubectl only: cluster-scoped RoleSelectors map namespaces (by
 * name and by label) to IAM roles the operator assumes (the SES emulator plays STS with trust rules); the same
 * endpoint name in two namespaces lands in two accounts; relabelling a namespace to another account stalls the
 * object without any SES call until restored; a role that cannot be assumed is AccessDenied (the role named only in the
 * operator's log), and recovers when its trust is fixed; the pause annotation stops every call, deletion included; a
 * namespace wrongly labelled for another team is refused by that team's trust policy.
 */
@Order(10)
@DisplayName("A10 several AWS accounts (RoleSelectors) and the pause annotation")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class A10AccountsTest extends E2eTest {

    static final String ACCOUNT_A = "210987654321";
    static final String ACCOUNT_B = "310987654321";
    static final String ACCOUNT_C = "410987654321";
    static final String ROLE_A = "arn:aws:iam::" + ACCOUNT_A + ":role/e2e-team-a";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/e2e-team-b";
    static final String ROLE_C = "arn:aws:iam::" + ACCOUNT_C + ":role/e2e-team-c";
    static final String OPERATOR_USER = "arn:aws:iam::" + Emulator.ACCOUNT_ID + ":user/emulator";
    static final String NS_A = "e2e-team-a";
    static final String NS_B = "e2e-team-b";
    static final String NS_C = "e2e-team-c";
    static final String SHARED = "e2e-shared";

    static Map<String, Object> role(String... trusted) {
        return Map.of("trustedPrincipals", List.of(trusted), "allowTagSession", true);
    }

    static String roleSelector(String name, String roleArn, String namespaceSelector) {
        return "apiVersion: ses.mre.dev/v1alpha1\nkind: RoleSelector\nmetadata:\n  name: " + name + "\nspec:\n"
                + "  roleArn: " + roleArn + "\n  sessionDuration: 1h\n  namespaceSelector:\n" + namespaceSelector;
    }

    static String object(String ns, String name, String endpointName) {
        return "apiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n  name: " + name
                + "\n  namespace: " + ns + "\nspec:\n  endpointName: " + endpointName + "\n  region: us-east-1\n"
                + "  details:\n    routesDetails:\n      - region: eu-west-1\n";
    }

    static void apply(String file, String yaml) {
        kubectl().ok("apply", "-f", writeManifest(file, yaml).toString());
    }

    static String reason(String ns, String name) {
        return mre(ns, name)
                .flatMap(m -> condition(m, "Ready"))
                .map(c -> c.path("reason").asText())
                .orElse("");
    }

    static long sesCallsNaming(String endpointName, String account) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()) && account.equals(c.accountId()))
                .count();
    }

    @Test
    @Order(1)
    void two_namespaces_mapped_to_two_accounts_get_their_own_endpoint_of_the_same_name() {
        emulator()
                .settings(Map.of(
                        "roles",
                        Map.of(
                                ROLE_A,
                                role(OPERATOR_USER),
                                ROLE_B,
                                role(OPERATOR_USER),
                                ROLE_C,
                                role("arn:aws:iam::999999999999:root"))));
        for (String ns : List.of(NS_A, NS_B, NS_C)) {
            harness().namespace(ns);
        }
        kubectl().ok("label", "namespace", NS_B, "team=b", "--overwrite");
        apply("rs-team-a.yaml", roleSelector("e2e-team-a", ROLE_A, "    names: [" + NS_A + "]\n"));
        apply("rs-team-b.yaml", roleSelector("e2e-team-b", ROLE_B, "    matchLabels: {team: b}\n"));
        apply("rs-team-c.yaml", roleSelector("e2e-team-c", ROLE_C, "    names: [" + NS_C + "]\n"));
        assertThat(kubectl().ok("get", "roleselectors").stdout())
                .contains(ROLE_A)
                .contains(ROLE_B);

        apply("mre-a.yaml", object(NS_A, "mail", SHARED));
        apply("mre-b.yaml", object(NS_B, "mail", SHARED));
        JsonNode a = awaitReady(NS_A, "mail", Duration.ofSeconds(90));
        JsonNode b = awaitReady(NS_B, "mail", Duration.ofSeconds(90));
        assertThat(a.path("status").path("accountId").asText()).isEqualTo(ACCOUNT_A);
        assertThat(b.path("status").path("accountId").asText()).isEqualTo(ACCOUNT_B);
        List<Emulator.Endpoint> endpoints = emulator().endpointsNamed(SHARED);
        Progress.log("  endpoints named %s: %s", SHARED, endpoints);
        assertThat(endpoints).extracting(Emulator.Endpoint::accountId).containsExactlyInAnyOrder(ACCOUNT_A, ACCOUNT_B);
        assertThat(emulator().calls())
                .filteredOn(c -> SHARED.equals(c.endpointName()))
                .allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(ACCOUNT_A.equals(c.accountId()) ? ROLE_A : ROLE_B));
    }

    @Test
    @Order(2)
    void relabelling_a_namespace_to_another_account_stalls_without_any_call_until_restored() {
        kubectl().ok("label", "namespace", NS_B, "team-", "--overwrite");
        kubectl().ok("label", "namespace", NS_B, "ns=moved");
        // no selector matches any more: the operator's own account, not the one the endpoint lives in
        await(
                "AccountChanged after the relabel",
                Duration.ofSeconds(60),
                () -> "AccountChanged".equals(reason(NS_B, "mail")),
                () -> reason(NS_B, "mail"));
        JsonNode stalled = mre(NS_B, "mail").orElseThrow();
        String message =
                condition(stalled, "Stalled").orElseThrow().path("message").asText();
        assertThat(message).contains(ACCOUNT_B).contains(Emulator.ACCOUNT_ID);
        long inB = sesCallsNaming(SHARED, ACCOUNT_B);
        long inOwn = sesCallsNaming(SHARED, Emulator.ACCOUNT_ID);
        kubectl().ok("delete", "mre", "mail", "-n", NS_B, "--wait=false");
        // held for a while: the finalizer stays and nothing is called in either account
        Awaitility.await()
                .during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .until(() -> mre(NS_B, "mail").isPresent()
                        && sesCallsNaming(SHARED, ACCOUNT_B) == inB
                        && sesCallsNaming(SHARED, Emulator.ACCOUNT_ID) == inOwn);
        assertThat(emulator().endpointsNamed(SHARED))
                .extracting(Emulator.Endpoint::accountId)
                .contains(ACCOUNT_B);

        kubectl().ok("label", "namespace", NS_B, "team=b");
        awaitGone(NS_B, "mail", Duration.ofSeconds(90));
        assertThat(emulator().endpointsNamed(SHARED))
                .extracting(Emulator.Endpoint::accountId)
                .as("deleted in its own account, nothing created elsewhere")
                .containsExactly(ACCOUNT_A);
    }

    @Test
    @Order(3)
    void a_role_that_cannot_be_assumed_is_access_denied_without_naming_it_and_recovers_when_trusted() {
        apply("mre-c.yaml", object(NS_C, "mail", "e2e-team-c-mail"));
        await(
                "AccessDenied",
                Duration.ofSeconds(60),
                () -> "AccessDenied".equals(reason(NS_C, "mail")),
                () -> reason(NS_C, "mail"));
        String message = condition(mre(NS_C, "mail").orElseThrow(), "Stalled")
                .orElseThrow()
                .path("message")
                .asText();
        // the role's ARN goes to the operator's log for the administrator, never to a tenant's status: a namespace
        // wrongly labelled for another team would otherwise read that team's role
        assertThat(message).contains("AccessDenied").doesNotContain(ROLE_C).doesNotContain("arn:aws:iam::");
        assertThat(emulator().endpointsNamed("e2e-team-c-mail")).isEmpty();

        emulator().settings(Map.of("roles", Map.of(ROLE_C, role(OPERATOR_USER))));
        // the stalled retry backs off from 1 min; a spec-free nudge is not needed, the retry comes by itself
        JsonNode ready = awaitReady(NS_C, "mail", Duration.ofSeconds(150));
        assertThat(ready.path("status").path("accountId").asText()).isEqualTo(ACCOUNT_C);
    }

    @Test
    @Order(4)
    void the_pause_annotation_stops_every_call_deletion_included_until_removed() {
        kubectl().ok("annotate", "mre", "mail", "-n", NS_A, "ses.mre.dev/paused=true");
        await(
                "Reconciling=False/Paused, Ready kept",
                Duration.ofSeconds(30),
                () -> mre(NS_A, "mail")
                        .map(m -> condition(m, "Reconciling")
                                        .map(c -> "Paused"
                                                        .equals(c.path("reason").asText())
                                                && "False"
                                                        .equals(c.path("status").asText()))
                                        .orElse(false)
                                && condition(m, "Ready")
                                        .map(c -> "True".equals(c.path("status").asText()))
                                        .orElse(false))
                        .orElse(false),
                () -> mre(NS_A, "mail").map(E2eTest::describeStatus).orElse("gone"));
        long before = sesCallsNaming(SHARED, ACCOUNT_A);
        kubectl().ok("delete", "mre", "mail", "-n", NS_A, "--wait=false");
        // paused: the finalizer holds and nothing is called, for a while
        Awaitility.await()
                .during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .until(() -> mre(NS_A, "mail").isPresent() && sesCallsNaming(SHARED, ACCOUNT_A) == before);
        assertThat(emulator().endpointsNamed(SHARED)).isNotEmpty();

        kubectl().ok("annotate", "mre", "mail", "-n", NS_A, "ses.mre.dev/paused-");
        awaitGone(NS_A, "mail", Duration.ofSeconds(90));
        assertThat(emulator().endpointsNamed(SHARED)).isEmpty();
    }

    /**
     * Label selectors are only as strong as the right to label namespaces: a namespace labelled to match team B's
     * selector gets team B's role picked, and only the role's trust policy (the documented one, binding the session
     * tag ses.mre.dev/namespace to team B's namespaces) can refuse it. Refused: Stalled/AccessDenied, and not one SES
     * call in team B's account for that object; team B's own namespace still works under the same policy.
     */
    @Test
    @Order(5)
    void a_namespace_wrongly_labelled_for_another_team_is_refused_by_that_teams_trust_policy() throws Exception {
        String policy = java.nio.file.Files.readString(
                        dev.mre.e2e.harness.Repo.root().resolve("docs/iam/team-role-trust-policy.json"))
                .replace("arn:aws:iam::111122223333:role/ses-mre-operator", OPERATOR_USER)
                .replace("EXAMPLE-EXTERNAL-ID", "team-b-external-id")
                .replace("\"prod-eu\"", "\"" + E2eExtension.CLUSTER_ID + "\"")
                .replace("[\"team-a\", \"team-a-staging\"]", "[\"" + NS_B + "\"]");
        emulator().settings(Map.of("roles", Map.of(ROLE_B, Map.of("trustPolicy", policy))));
        apply(
                "rs-team-b.yaml",
                roleSelector("e2e-team-b", ROLE_B, "    matchLabels: {team: b}\n")
                        + "  externalId: team-b-external-id\n");
        String intruder = "e2e-not-team-b";
        harness().namespace(intruder);
        kubectl().ok("label", "namespace", intruder, "team=b", "--overwrite");

        apply("mre-b-own.yaml", object(NS_B, "own", "e2e-b-own"));
        apply("mre-intruder.yaml", object(intruder, "mail", "e2e-b-intruder"));
        JsonNode own = awaitReady(NS_B, "own", Duration.ofSeconds(90));
        assertThat(own.path("status").path("accountId").asText()).isEqualTo(ACCOUNT_B);
        await(
                "AccessDenied for the wrongly labelled namespace",
                Duration.ofSeconds(60),
                () -> "AccessDenied".equals(reason(intruder, "mail")),
                () -> reason(intruder, "mail"));
        assertThat(condition(mre(intruder, "mail").orElseThrow(), "Stalled")
                        .orElseThrow()
                        .path("status")
                        .asText())
                .isEqualTo("True");
        assertThat(emulator().calls())
                .as("no SES call for the intruder's object in any account")
                .filteredOn(c -> "e2e-b-intruder".equals(c.endpointName()))
                .isEmpty();
        assertThat(emulator().endpointsNamed("e2e-b-intruder")).isEmpty();

        // the administrator's fix: the label goes; then the deletion releases (nothing was ever made)
        kubectl().ok("delete", "mre", "mail", "-n", intruder, "--wait=false");
        kubectl().ok("label", "namespace", intruder, "team-");
        awaitGone(intruder, "mail", Duration.ofSeconds(90));
        kubectl().ok("delete", "mre", "own", "-n", NS_B, "--wait=false");
        awaitGone(NS_B, "own", Duration.ofSeconds(90));
        assertThat(emulator().endpointsNamed("e2e-b-own")).isEmpty();
        assertThat(emulator().endpointsNamed("e2e-b-intruder")).isEmpty();
    }

    @AfterAll
    static void cleanUp() {
        kubectl().quiet("delete", "mre", "--all", "-n", NS_C, "--wait=true", "--timeout=90s");
        kubectl().quiet("delete", "roleselectors", "e2e-team-a", "e2e-team-b", "e2e-team-c", "--ignore-not-found");
    }
}
