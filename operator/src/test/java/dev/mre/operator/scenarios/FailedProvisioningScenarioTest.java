package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle scenario of an endpoint SES fails to make (a class of its own: its backoff waits are the longest of
 * the lifecycle scenarios and run beside the others; its golden record moved with it, unchanged).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class FailedProvisioningScenarioTest extends ScenarioTest {

    @Test
    void failedProvisioningIsStalledAndRecreatedOnlyWithBackoff() {
        harness();
        h.ses.updateSettings(s -> s.withFailProvisioningNames(java.util.regex.Pattern.compile("^doomed$")));
        h.start();
        recordGolden().collapseCycles(); // the rounds of recreation while SES fails depend on timing
        h.create(mre("mail", "doomed", s -> {}));
        MultiRegionEndpoint failed = h.awaitReason("mail", "doomed", "ProvisioningFailed", Duration.ofSeconds(20));
        assertThat(failed.getStatus().getEndpointStatus()).isEqualTo("FAILED");
        assertThat(failed.getStatus().getFailedProvisioningAttempts()).isEqualTo(1);
        assertThat(h.condition("mail", "doomed", "Stalled").orElseThrow().getStatus())
                .isEqualTo("True");

        // while SES keeps failing, recreation follows the growing backoff (1s, 2s, 4s, 4s...), not a loop: a
        // second create comes, and over the next seconds there are never more than a few
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT) >= 2);
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(6))
                .until(() -> h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT) <= 4);

        h.ses.updateSettings(s -> s.withFailProvisioningNames(null));
        MultiRegionEndpoint ready = h.awaitReady("mail", "doomed");
        assertThat(ready.getStatus().getFailedProvisioningAttempts()).isNull();
        assertThat(h.ses.endpoints()).hasSize(1);
        assertMatchesGolden();
    }
}
