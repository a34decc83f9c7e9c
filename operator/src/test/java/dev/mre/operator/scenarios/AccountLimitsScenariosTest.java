package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.sesemulator.AccountLimits;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One throttled account does not slow another: calls are paced per account and region. Account A is first held at
 * one call in all (a refill of one call per {@link #HELD} seconds: none in a test's lifetime), so account B must
 * converge while A cannot, however fast or slow the machine is; then A is let go and converges too.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AccountLimitsScenariosTest extends TwoAccountsFixture {

    /** Seconds per call of the held account: about thirty years. */
    static final double HELD = 1e9;

    @Test
    void oneThrottledAccountDoesNotSlowAnother() {
        twoAccounts();
        h.ses.updateSettings(s -> s.withAccount(
                ACCOUNT_A, AccountLimits.inherit().withRateLimit(1 / HELD).withBurst(1)));
        h.start();
        selector("slow", ROLE_A, null, List.of("slow"), null);
        selector("fast", ROLE_B, "team-b-secret", List.of("fast"), null);
        int n = 10;
        IntStream.range(0, n).forEach(i -> {
            h.create(mre("slow", "s-" + i, s -> {}));
            h.create(mre("fast", "f-" + i, s -> {}));
        });
        await().atMost(Duration.ofSeconds(60))
                .until(() -> IntStream.range(0, n).allMatch(i -> "Available".equals(h.reason("fast", "f-" + i))));
        long slowReady = IntStream.range(0, n)
                .filter(i -> "Available".equals(h.reason("slow", "s-" + i)))
                .count();
        assertThat(slowReady)
                .as("the held account has had one call: not one object can be Available (Create, then a read)")
                .isZero();

        h.ses.updateSettings(s -> s.withAccount(ACCOUNT_A, null)); // let go: A converges at its pacer's own pace
        await().atMost(Duration.ofSeconds(90))
                .until(() -> IntStream.range(0, n).allMatch(i -> "Available".equals(h.reason("slow", "s-" + i))));
    }
}
