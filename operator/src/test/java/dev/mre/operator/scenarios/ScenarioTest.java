package dev.mre.operator.scenarios;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What every reconciler scenario has: the fabric8 mock API server's client (injected by
 * {@code @EnableKubernetesMockClient(crud = true)} on the concrete class) and the operator harness it starts, closed
 * after each test whatever the test did.
 */
abstract class ScenarioTest {

    KubernetesClient client;
    OperatorHarness h;

    @AfterEach
    void stopOperatorAndEmulator() {
        if (h != null) {
            h.close();
        }
    }

    /** A harness with the fast test timings and no extra settings, kept in {@link #h}. */
    OperatorHarness harness() {
        h = new OperatorHarness(client, s -> {});
        return h;
    }

    String owner(String ns, String name) {
        return h.owner(ns, name);
    }

    List<Event> events(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems();
    }
}
