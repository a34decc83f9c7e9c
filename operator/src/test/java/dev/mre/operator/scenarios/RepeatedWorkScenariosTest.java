package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Work that must not repeat forever: a refusal is re-read at a backoff, a failing scope is listed at a backoff. */
@EnableKubernetesMockClient(crud = true)
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
