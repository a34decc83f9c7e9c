package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Work that must not repeat forever: a refused object re-reads the tags at a backoff. (The failing scope listed at a
 * backoff is {@link ListBackoffScenarioTest}: a class of its own so that the two long waits run side by side.)
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RepeatedWorkScenariosTest extends ScenarioTest {

    /**
     * A refused object re-reads the endpoint's tags at the resync period, doubling (3 s, 6 s, 12 s here), not at every
     * resync: over 20 s that is at most 4 reads, where every resync would be 7 or more.
     */
    @Test
    void aRefusedObjectReadsTheOthersTagsAtABackoffNotAtEveryResync() {
        h = new OperatorHarness(client, s -> s)
                .timing(BatchObservationTest.NO_SWEEP)
                .start();
        h.create(mre("mail", "taken", s -> {}));
        h.awaitReady("mail", "taken");
        long before = h.ses.calls().count(Operation.LIST_TAGS_FOR_RESOURCE);
        h.create(mre("billing", "taken", s -> {}));
        h.awaitReason("billing", "taken", "EndpointNameConflict", Duration.ofSeconds(20));
        await().during(Duration.ofSeconds(20))
                .atMost(Duration.ofSeconds(30))
                .until(() -> h.condition("billing", "taken", "Stalled")
                        .map(c -> "EndpointNameConflict".equals(c.getReason()))
                        .orElse(false));
        assertThat(h.ses.calls().count(Operation.LIST_TAGS_FOR_RESOURCE) - before)
                .as("tag reads of the refused object")
                .isBetween(1L, 4L);
    }
}
