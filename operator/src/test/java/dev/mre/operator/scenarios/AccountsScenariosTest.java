package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.config.Setting;
import dev.mre.sesemulator.EndpointView;
import dev.mre.sesemulator.Role;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several AWS accounts from one cluster: RoleSelectors map namespaces to IAM roles the operator assumes (the SES
 * emulator plays STS with trust rules and expiring sessions), the operator never acts in two accounts for one
 * object, and the pause annotation stops every SES call.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AccountsScenariosTest extends TwoAccountsFixture {

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
        assertThat(h.ses.findEndpoint("us-east-1", "shared"))
                .as("nothing in the operator's own account")
                .isEmpty();
        // every SES call in account A was made as role A, in B as role B
        assertThat(sesCallsIn(ACCOUNT_A))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(ROLE_A));
        assertThat(sesCallsIn(ACCOUNT_B))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(ROLE_B));
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
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "shared"))
                .as("team A's account untouched")
                .isEmpty();
        assertThat(sesCallsIn(ACCOUNT_A)).isEmpty();
        h.stopOperator();

        h.setting(Setting.REQUIRE_ROLE_SELECTOR, "true").start();
        long before = h.ses.calls().total();
        h.create(mre("team-d", "mail", s -> {}));
        h.awaitReason("team-d", "mail", "NoRoleSelector", Duration.ofSeconds(20));
        assertThat(h.condition("team-d", "mail", "Stalled").orElseThrow().getStatus())
                .isEqualTo("True");
        assertThat(h.ses.calls().log().stream().skip(before).filter(x -> "mail".equals(x.endpointName())))
                .isEmpty();
    }

    @Test
    void remappingANamespaceToAnotherAccountStallsWithoutAnyCallUntilRestored() {
        twoAccounts().start();
        selector("team-a", ROLE_A, null, null, Map.of("team", "a"));
        selector("team-b", ROLE_B, "team-b-secret", null, Map.of("team", "b"));
        label("moving", Map.of("team", "a"));
        h.create(mre("moving", "mail", s -> {}));
        h.awaitReady("moving", "mail");
        long callsInA = endpointCallsIn(ACCOUNT_A).size();

        label("moving", Map.of("team", "b"));
        h.awaitReason("moving", "mail", "AccountChanged", Duration.ofSeconds(20));
        assertThat(message("moving", "mail")).contains(ACCOUNT_A).contains(ACCOUNT_B);
        // a tag change and a delete request while stalled: nothing happens in either account
        MultiRegionEndpoint m = h.get("moving", "mail").orElseThrow();
        m.getSpec().setTags(List.of(new dev.mre.operator.api.Tag("team", "moved")));
        client.resource(m).update();
        h.delete("moving", "mail");
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> h.get("moving", "mail").isPresent());
        assertThat(endpointCallsIn(ACCOUNT_A)).hasSize((int) callsInA);
        assertThat(sesCallsIn(ACCOUNT_B)).isEmpty();

        label("moving", Map.of("team", "a"));
        h.awaitGone("moving", "mail");
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "mail"))
                .as("deleted in its own account")
                .isEmpty();
    }

    @Test
    void severalMatchingSelectorsAreAmbiguousWithoutNamingThem() {
        twoAccounts().start();
        selector("by-name", ROLE_A, null, List.of("both"), null);
        selector("by-label", ROLE_B, "team-b-secret", null, Map.of("team", "b"));
        label("both", Map.of("team", "b"));
        h.create(mre("both", "mail", s -> {}));
        h.awaitReason("both", "mail", "AmbiguousRoleSelector", Duration.ofSeconds(20));
        assertThat(message("both", "mail"))
                .contains("Several RoleSelectors")
                .as("selector names are the administrator's, not the tenant's")
                .doesNotContain("by-label")
                .doesNotContain("by-name");
        assertThat(h.ses.endpoints()).isEmpty();
    }

    @Test
    void aRefusedAssumeRoleIsAccessDeniedWithoutNamingTheRoleAndRecoversWhenTheTrustIsFixed() {
        twoAccounts().start();
        h.ses.updateSettings(s -> s.withRole(
                Role.trusting(ROLE_A, "arn:aws:iam::999999999999:root").withTagSession(true)));
        selector("team-a", ROLE_A, null, List.of("team-a"), null);
        h.create(mre("team-a", "mail", s -> {}));
        h.awaitReason("team-a", "mail", "AccessDenied", Duration.ofSeconds(20));
        assertThat(h.condition("team-a", "mail", "Stalled").orElseThrow().getMessage())
                .doesNotContain(ROLE_A)
                .contains("trust policy");
        assertThat(h.ses.endpoints()).isEmpty();

        String operatorUser = h.ses.primaryCredentials().userArn();
        h.ses.updateSettings(s -> s.withRole(Role.trusting(ROLE_A, operatorUser).withTagSession(true)));
        // the stalled retry is 1 s doubling to 4 s in these timings
        h.awaitReady("team-a", "mail");
        assertThat(h.ses.findEndpoint(ACCOUNT_A, "us-east-1", "mail")).isPresent();
    }
}
