package dev.mre.operator.scenarios;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What every reconciler scenario has: the fabric8 mock API server's client (injected by
 * {@code @EnableKubernetesMockClient(crud = true, https = false)} on the concrete class: plain HTTP, because a TLS mock
 * server makes a new RSA key at every start, which was a fifth of the unit phase's CPU; TLS to a real API server is
 * the end-to-end suites' part) and the operator harness it starts, closed
 * after each test whatever the test did; for the scenarios that have one, the golden record of their condition and
 * Event sequences ({@link GoldenRecord}).
 */
abstract class ScenarioTest {

    KubernetesClient client;
    OperatorHarness h;
    private GoldenRecord golden;
    private String scenario;

    @BeforeEach
    void nameTheScenario(TestInfo info) {
        scenario = getClass().getSimpleName() + "/"
                + info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stopOperatorAndEmulator() {
        if (golden != null) {
            golden.close();
        }
        if (h != null) {
            h.close();
        }
    }

    /** A harness with the fast test timings and no extra settings, kept in {@link #h}. */
    OperatorHarness harness() {
        h = new OperatorHarness(client, s -> s);
        return h;
    }

    /** Starts recording this scenario's condition and Event sequences (call before the first object is created). */
    GoldenRecord recordGolden() {
        golden = new GoldenRecord(client);
        return golden;
    }

    /** Compares what {@link #recordGolden()} recorded with {@code golden/<class>/<method>.txt}. */
    void assertMatchesGolden() {
        golden.verify(scenario);
    }

    String owner(String ns, String name) {
        return h.owner(ns, name);
    }

    List<Event> events(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems();
    }
}
