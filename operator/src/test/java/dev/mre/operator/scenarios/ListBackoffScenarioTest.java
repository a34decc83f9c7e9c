package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Work that must not repeat forever, the scope's side: a List that fails is retried at a backoff. */
@EnableKubernetesMockClient(crud = true, https = false)
class ListBackoffScenarioTest extends ScenarioTest {

    /**
     * A scope whose List fails (here: denied) is listed again by the event source after a growing pause (1 s, 2 s,
     * 4 s, 8 s), not at every 1 s tick; with the object's own retries that stays well under one List a second.
     */
    @Test
    void aScopeThatCannotBeListedIsListedAtABackoff() {
        harness();
        h.ses.updateSettings(s -> s.withDenyActions(Set.of(Operation.LIST_MULTI_REGION_ENDPOINTS)));
        h.start();
        h.create(mre("mail", "unlisted", s -> {}));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> h.ses.calls().count(Operation.LIST_MULTI_REGION_ENDPOINTS) > 0);
        long start = h.ses.calls().count(Operation.LIST_MULTI_REGION_ENDPOINTS);
        await().during(Duration.ofSeconds(15))
                .atMost(Duration.ofSeconds(20))
                .until(() -> h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT) <= 1);
        assertThat(h.ses.calls().count(Operation.LIST_MULTI_REGION_ENDPOINTS) - start)
                .as("Lists in 15 s")
                .isLessThanOrEqualTo(15);
    }
}
