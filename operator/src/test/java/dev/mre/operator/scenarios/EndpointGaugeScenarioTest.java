package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@code ses_mre_endpoints} gauge follows an endpoint through its deletion: while SES deletes it the object
 * counts as DELETING (not READY until it is gone), and once released it counts nowhere.
 */
@EnableKubernetesMockClient(crud = true)
class EndpointGaugeScenarioTest extends ScenarioTest {

    @Test
    void anEndpointBeingDeletedCountsAsDeleting() {
        h = new OperatorHarness(client, s -> s.deleteDelay(Duration.ofSeconds(4))).start();
        h.create(mre("mail", "gauged", s -> {}));
        h.awaitReady("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 1.0"));

        h.delete("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"DELETING\"} 1.0")
                        && h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 0.0"));

        h.awaitGone("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"DELETING\"} 0.0"));
    }
}
