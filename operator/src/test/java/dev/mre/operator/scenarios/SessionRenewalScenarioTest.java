package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Assumed-role sessions that expire in the middle of a burst are renewed without a single failed call. */
@EnableKubernetesMockClient(crud = true, https = false)
class SessionRenewalScenarioTest extends TwoAccountsFixture {

    @Test
    void sessionsExpiringDuringABurstAreRenewedAndNothingFails() {
        twoAccounts();
        h.ses.updateSettings(s -> s.withSessionDuration(Duration.ofSeconds(3)).withCreateDelay(Duration.ofSeconds(1)));
        h.start();
        selector("team-a", ROLE_A, null, List.of("burst"), null);
        int n = 60;
        IntStream.range(0, n).forEach(i -> h.create(mre("burst", "ep-" + i, s -> {})));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> IntStream.range(0, n).allMatch(i -> "Available".equals(h.reason("burst", "ep-" + i))));
        assertThat(h.ses.sessions().size())
                .as("sessions renewed during the burst")
                .isGreaterThan(1);
        assertThat(h.ses.calls().log()).noneMatch(c -> c.outcome().startsWith("Expired"));
        assertThat(h.ses.endpoints().stream().filter(e -> ACCOUNT_A.equals(e.accountId())))
                .hasSize(n);
    }
}
