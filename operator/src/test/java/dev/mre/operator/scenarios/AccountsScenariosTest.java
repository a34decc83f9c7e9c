package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.NamespaceSelector;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.api.RoleSelectorSpec;
import dev.mre.operator.config.Setting;
import dev.mre.operator.reconcile.Decider;
import dev.mre.sesemulator.AccountLimits;
import dev.mre.sesemulator.CallRecord;
import dev.mre.sesemulator.EndpointView;
import dev.mre.sesemulator.Operation;
import dev.mre.sesemulator.Role;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several AWS accounts from one cluster: RoleSelectors map namespaces to IAM roles the operator assumes (the SES
 * emulator plays STS with trust rules and expiring sessions), the operator never acts in two accounts for one
 * object, and the pause annotation stops every SES call.
 */
@EnableKubernetesMockClient(crud = true)
class AccountsScenariosTest {

    static final String ACCOUNT_A = "210987654321";
    static final String ACCOUNT_B = "310987654321";
    static final String ROLE_A = "arn:aws:iam::" + ACCOUNT_A + ":role/ses-mre-operator";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/ses-mre-operator";

    KubernetesClient client;
    OperatorHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** An emulator with two team accounts whose roles trust the operator's user. */
    OperatorHarness twoAccounts() {
        h = new OperatorHarness(client, s -> {});
        String operatorUser = h.ses.primaryCredentials().userArn();
        h.ses.updateSettings(s -> s
                .role(Role.trusting(ROLE_A, operatorUser).withTagSession(true))
                .role(Role.trusting(ROLE_B, operatorUser).withExternalId("team-b-secret").withTagSession(true)));
        return h;
    }

    RoleSelector selector(String name, String roleArn, String externalId, List<String> names,
                          Map<String, String> labels) {
        RoleSelector rs = new RoleSelector();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).build());
        RoleSelectorSpec spec = new RoleSelectorSpec();
        spec.setRoleArn(roleArn);
        spec.setExternalId(externalId);
        NamespaceSelector ns = new NamespaceSelector();
        ns.setNames(names);
        ns.setMatchLabels(labels);
        spec.setNamespaceSelector(ns);
        rs.setSpec(spec);
        return client.resource(rs).createOr(r -> r.update());
    }

    void label(String namespace, Map<String, String> labels) {
        h.namespaceUid(namespace);
        client.namespaces().withName(namespace).edit(n -> {
            n.getMetadata().setLabels(new HashMap<>(labels));
            return n;
        });
    }

    String message(String ns, String name) {
        return h.condition(ns, name, "Ready").orElseThrow().getMessage();
    }

    List<CallRecord> sesCallsIn(String account) {
        return h.ses.calls().log().stream().filter(c -> account.equals(c.accountId()))
                .filter(c -> !c.operation().equals(Operation.GET_CALLER_IDENTITY.wireName())
                        && !c.operation().equals(Operation.ASSUME_ROLE.wireName()))
                .toList();
    }

    @Test
    void twoNamespacesMappedToTwoAccountsEachGetTheirOwnEndpointOfTheSameName() {
        twoAccounts().start();
        selector("team-a", ROLE_A, null, List.of("team-a"), null);
        selector("team-b", ROLE_B, "team-b-secret", null, Map.of("team", "b"));
        label("team-b", Map.of("team", "b"));
        h.create(mre("team-a", "mail", s -> s.setEndpointName("shared")));
        h.create(mre("team-b", "mail", s -> s.setEndpointName("shared")));
        MultiRegionEndpoint a = h.awaitReady("team-a", "mail");
        MultiRegionEndpoint b = h.awaitReady("team-b", "mail");

        assertThat(a.getStatus().getAccountId()).isEqualTo(ACCOUNT_A);
        assertThat(b.getStatus().getAccountId()).isEqualTo(ACCOUNT_B);
        assertThat(a.getStatus().getArn()).contains(":" + ACCOUNT_A + ":");
        EndpointView inA = h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "shared").orElseThrow();
        EndpointView inB = h.ses.findEndpoint(ACCOUNT_B, "us-east-1", "shared").orElseThrow();
        assertThat(inA.endpointId()).isEqualTo(a.getStatus().getEndpointId()).isNotEqualTo(inB.endpointId());
        assertThat(h.ses.findEndpoint("us-east-1", "shared")).as("nothing in the operator's own account").isEmpty();
        // every SES call in account A was made as role A, in B as role B
        assertThat(sesCallsIn(ACCOUNT_A)).isNotEmpty().allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(ROLE_A));
        assertThat(sesCallsIn(ACCOUNT_B)).isNotEmpty().allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(ROLE_B));
        assertThat(h.ses.sessions()).anySatisfy(s -> {
            assertThat(s.roleArn()).isEqualTo(ROLE_A);
            assertThat(s.sessionName()).startsWith("ses-mre." + OperatorHarness.CLUSTER_ID + ".team-a");
            assertThat(s.tags()).containsEntry("ses.mre.dev/namespace", "team-a");
        });
    }

    @Test
    void aNamespaceNoSelectorMatchesUsesTheOperatorsOwnAccountOrNothingWhenSelectorsAreRequired() {
        twoAccounts().start();
        selector("team-a", ROLE_A, null, List.of("team-a"), null);
        h.create(mre("team-c", "mail", s -> s.setEndpointName("shared")));
        MultiRegionEndpoint c = h.awaitReady("team-c", "mail");
        assertThat(c.getStatus().getAccountId()).isEqualTo(h.ses.accountId());
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "shared")).as("team A's account untouched").isEmpty();
        assertThat(sesCallsIn(ACCOUNT_A)).isEmpty();
        h.stopOperator();

        h.setting(Setting.REQUIRE_ROLE_SELECTOR, "true").start();
        long before = h.ses.calls().total();
        h.create(mre("team-d", "mail", s -> {}));
        h.awaitReason("team-d", "mail", "NoRoleSelector", Duration.ofSeconds(20));
        assertThat(h.condition("team-d", "mail", "Stalled").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(h.ses.calls().log().stream().skip(before).filter(x -> "mail".equals(x.endpointName()))).isEmpty();
    }

    @Test
    void remappingANamespaceToAnotherAccountStallsWithoutAnyCallUntilRestored() {
        twoAccounts().start();
        selector("team-a", ROLE_A, null, null, Map.of("team", "a"));
        selector("team-b", ROLE_B, "team-b-secret", null, Map.of("team", "b"));
        label("moving", Map.of("team", "a"));
        h.create(mre("moving", "mail", s -> {}));
        h.awaitReady("moving", "mail");
        long callsInA = sesCallsIn(ACCOUNT_A).size();

        label("moving", Map.of("team", "b"));
        h.awaitReason("moving", "mail", "AccountChanged", Duration.ofSeconds(20));
        assertThat(message("moving", "mail")).contains(ACCOUNT_A).contains(ACCOUNT_B);
        // a tag change and a delete request while stalled: nothing happens in either account
        MultiRegionEndpoint m = h.get("moving", "mail").orElseThrow();
        m.getSpec().setTags(List.of(new dev.mre.operator.api.Tag("team", "moved")));
        client.resource(m).update();
        h.delete("moving", "mail");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> h.get("moving", "mail").isPresent());
        assertThat(sesCallsIn(ACCOUNT_A)).hasSize((int) callsInA);
        assertThat(sesCallsIn(ACCOUNT_B)).isEmpty();

        label("moving", Map.of("team", "a"));
        h.awaitGone("moving", "mail");
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "mail")).as("deleted in its own account").isEmpty();
    }

    @Test
    void severalMatchingSelectorsAreAmbiguousAndNamed() {
        twoAccounts().start();
        selector("by-name", ROLE_A, null, List.of("both"), null);
        selector("by-label", ROLE_B, "team-b-secret", null, Map.of("team", "b"));
        label("both", Map.of("team", "b"));
        h.create(mre("both", "mail", s -> {}));
        h.awaitReason("both", "mail", "AmbiguousRoleSelector", Duration.ofSeconds(20));
        assertThat(message("both", "mail")).contains("by-label, by-name");
        assertThat(h.ses.endpoints()).isEmpty();
    }

    @Test
    void aRefusedAssumeRoleIsAccessDeniedNamingTheRoleAndRecoversWhenTheTrustIsFixed() {
        twoAccounts().start();
        h.ses.updateSettings(s -> s.role(Role.trusting(ROLE_A, "arn:aws:iam::999999999999:root").withTagSession(true)));
        selector("team-a", ROLE_A, null, List.of("team-a"), null);
        h.create(mre("team-a", "mail", s -> {}));
        h.awaitReason("team-a", "mail", "AccessDenied", Duration.ofSeconds(20));
        assertThat(h.condition("team-a", "mail", "Stalled").orElseThrow().getMessage()).contains(ROLE_A)
                .contains("trust policy");
        assertThat(h.ses.endpoints()).isEmpty();

        String operatorUser = h.ses.primaryCredentials().userArn();
        h.ses.updateSettings(s -> s.role(Role.trusting(ROLE_A, operatorUser).withTagSession(true)));
        // the stalled retry is 1 s doubling to 4 s in these timings
        h.awaitReady("team-a", "mail");
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "mail")).isPresent();
    }

    @Test
    void sessionsExpiringDuringABurstAreRenewedAndNothingFails() {
        twoAccounts();
        h.ses.updateSettings(s -> s.sessionDuration(Duration.ofSeconds(3)).createDelay(Duration.ofSeconds(1)));
        h.start();
        selector("team-a", ROLE_A, null, List.of("burst"), null);
        int n = 60;
        IntStream.range(0, n).forEach(i -> h.create(mre("burst", "ep-" + i, s -> {})));
        await().atMost(Duration.ofSeconds(90)).until(() -> IntStream.range(0, n)
                .allMatch(i -> "Available".equals(h.reason("burst", "ep-" + i))));
        assertThat(h.ses.sessions().size()).as("sessions renewed during the burst").isGreaterThan(1);
        assertThat(h.ses.calls().log()).noneMatch(c -> c.outcome().startsWith("Expired"));
        assertThat(h.ses.endpoints().stream().filter(e -> ACCOUNT_A.equals(e.accountId()))).hasSize(n);
    }

    @Test
    void oneThrottledAccountDoesNotSlowAnother() {
        twoAccounts();
        h.ses.updateSettings(s -> s.account(ACCOUNT_A, AccountLimits.inherit().withRateLimit(1).withBurst(1)));
        h.start();
        selector("slow", ROLE_A, null, List.of("slow"), null);
        selector("fast", ROLE_B, "team-b-secret", List.of("fast"), null);
        int n = 10;
        IntStream.range(0, n).forEach(i -> {
            h.create(mre("slow", "s-" + i, s -> {}));
            h.create(mre("fast", "f-" + i, s -> {}));
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, n)
                .allMatch(i -> "Available".equals(h.reason("fast", "f-" + i))));
        long slowReady = IntStream.range(0, n).filter(i -> "Available".equals(h.reason("slow", "s-" + i))).count();
        assertThat(slowReady).as("the throttled account is still converging at 1 call/s").isLessThan(n);
        await().atMost(Duration.ofSeconds(90)).until(() -> IntStream.range(0, n)
                .allMatch(i -> "Available".equals(h.reason("slow", "s-" + i))));
    }

    @Test
    void thePauseAnnotationStopsEveryCallDeletionIncludedUntilItGoes() {
        twoAccounts().start();
        h.create(mre("mail", "held", s -> {}));
        MultiRegionEndpoint ready = h.awaitReady("mail", "held");
        pause("mail", "held", "true");
        await().atMost(Duration.ofSeconds(20)).until(() -> "Paused".equals(
                h.condition("mail", "held", "Reconciling").orElseThrow().getReason()));
        assertThat(h.condition("mail", "held", "Reconciling").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(h.condition("mail", "held", "Ready").orElseThrow().getStatus()).as("Ready as it was")
                .isEqualTo("True");
        long calls = callsNaming("held");
        MultiRegionEndpoint m = h.get("mail", "held").orElseThrow();
        m.getSpec().setTags(List.of(new dev.mre.operator.api.Tag("team", "paused-edit")));
        client.resource(m).update();
        h.delete("mail", "held");
        // (the shared List of the scope goes on: it serves every object and names none)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> h.get("mail", "held").isPresent() && callsNaming("held") == calls);
        assertThat(h.ses.findEndpoint("us-east-1", "held")).isPresent();

        pause("mail", "held", null);
        h.awaitGone("mail", "held");
        assertThat(h.ses.findEndpoint("us-east-1", "held")).isEmpty();
        assertThat(ready.getStatus().getEndpointId()).isNotNull();
    }

    long callsNaming(String endpointName) {
        return h.ses.calls().log().stream().filter(c -> endpointName.equals(c.endpointName())).count();
    }

    void pause(String ns, String name, String value) {
        client.resources(MultiRegionEndpoint.class).inNamespace(ns).withName(name).edit(m -> {
            Map<String, String> a = m.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(m.getMetadata().getAnnotations());
            if (value == null) {
                a.remove(Decider.PAUSED_ANNOTATION);
            } else {
                a.put(Decider.PAUSED_ANNOTATION, value);
            }
            m.getMetadata().setAnnotations(a);
            return m;
        });
    }
}
