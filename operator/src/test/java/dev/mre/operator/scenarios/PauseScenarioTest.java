package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pause annotation stops every SES call for an object, deletion included, until it is removed. */
@EnableKubernetesMockClient(crud = true, https = false)
class PauseScenarioTest extends TwoAccountsFixture {

    @Test
    void thePauseAnnotationStopsEveryCallDeletionIncludedUntilItGoes() {
        twoAccounts().start();
        recordGolden();
        h.create(mre("mail", "held", s -> {}));
        MultiRegionEndpoint ready = h.awaitReady("mail", "held");
        pause("mail", "held", "true");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Paused"
                        .equals(h.condition("mail", "held", "Reconciling")
                                .orElseThrow()
                                .getReason()));
        assertThat(h.condition("mail", "held", "Reconciling").orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(h.condition("mail", "held", "Ready").orElseThrow().getStatus())
                .as("Ready as it was")
                .isEqualTo("True");
        long calls = callsNaming("held");
        MultiRegionEndpoint m = h.get("mail", "held").orElseThrow();
        m.getSpec().setTags(List.of(new dev.mre.operator.api.Tag("team", "paused-edit")));
        client.resource(m).update();
        h.delete("mail", "held");
        // (the shared List of the scope goes on: it serves every object and names none)
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(4))
                .until(() -> h.get("mail", "held").isPresent() && callsNaming("held") == calls);
        assertThat(h.ses.findEndpoint("us-east-1", "held")).isPresent();

        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT))
                .as("no delete while paused")
                .isZero();

        pause("mail", "held", null);
        h.awaitGone("mail", "held");
        assertThat(h.ses.findEndpoint("us-east-1", "held")).isEmpty();
        assertThat(h.ses.calls().count(Operation.DELETE_MULTI_REGION_ENDPOINT))
                .as("one delete once the annotation is gone")
                .isEqualTo(1);
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
        assertThat(ready.getStatus().getEndpointId()).isNotNull();
        assertMatchesGolden();
    }

    long callsNaming(String endpointName) {
        return h.ses.calls().log().stream()
                .filter(c -> endpointName.equals(c.endpointName()))
                .count();
    }

    void pause(String ns, String name, String value) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace(ns)
                .withName(name)
                .edit(m -> {
                    Map<String, String> a = m.getMetadata().getAnnotations() == null
                            ? new HashMap<>()
                            : new HashMap<>(m.getMetadata().getAnnotations());
                    if (value == null) {
                        a.remove(MultiRegionEndpoint.PAUSED_ANNOTATION);
                    } else {
                        a.put(MultiRegionEndpoint.PAUSED_ANNOTATION, value);
                    }
                    m.getMetadata().setAnnotations(a);
                    return m;
                });
    }
}
