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

/** Assumed-role sessions that expire in the middle of a burst are renewed without a single failed call. */
@EnableKubernetesMockClient(crud = true)
class SessionRenewalScenarioTest extends TwoAccountsFixture {

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
}
