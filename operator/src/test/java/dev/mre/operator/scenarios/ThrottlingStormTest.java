package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.reconcile.Timing;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A burst of objects while SES accepts far fewer requests per second than the operator's ceiling: every object
 * converges, no endpoint is created twice, and the operator does not hot-loop on 429s. Sized so that its floor is
 * seconds (the full-size storm is the benchmark's job, see e2e/suite/perf.mk); how the adaptive rate settles is
 * proved in simulated time by AdaptiveCallRateTest. Prints the SES calls made against the minimum convergence
 * needs (and writes them to target/throttling-storm.txt). The production timing is used, not the fast test timing.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ThrottlingStormTest extends ScenarioTest {

    // -Dstorm.objects / -Dstorm.rate / -Dstorm.adaptive / -Dstorm.ceiling for experiments; the defaults are the test
    static final int OBJECTS = Integer.getInteger("storm.objects", 12);
    static final double RATE = Double.parseDouble(System.getProperty("storm.rate", "4"));

    @Test
    void aBurstOfObjectsAgainstATightSesLimitAllBecomeReadyWithoutAStorm() throws Exception {
        h = new OperatorHarness(
                client,
                s -> s.withRateLimit(RATE)
                        .withBurst((int) Math.max(1, RATE))
                        .withQuota(10 * OBJECTS)
                        .withCreateDelay(Duration.ofSeconds(1)));
        h.timing(Timing.defaults(Duration.ofMinutes(10), Duration.ofHours(6)))
                .maxCallRate(Double.parseDouble(System.getProperty("storm.ceiling", "50")))
                .adaptive(Boolean.parseBoolean(System.getProperty("storm.adaptive", "true")))
                .start();
        long start = System.nanoTime();
        IntStream.range(0, OBJECTS).forEach(i -> h.create(mre("storm", "ep-" + i, s -> {})));
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        IntStream.range(0, OBJECTS).allMatch(i -> "Available".equals(h.reason("storm", "ep-" + i))));
        double seconds = (System.nanoTime() - start) / 1e9;

        var calls = h.ses.calls();
        long creates = calls.count(Operation.CREATE_MULTI_REGION_ENDPOINT);
        long throttled = calls.countOutcome("TooManyRequestsException");
        long sesCalls = calls.total() - calls.count(Operation.GET_CALLER_IDENTITY);
        long accepted = sesCalls - throttled;
        long minimum = 3L * OBJECTS; // Get (NotFound), Create, Get (READY) per object
        String report = String.format(
                "throttling storm: %d objects, SES at %.1f request/s%n"
                        + "  all Ready after %.0f s (lower bound %.0f s)%n"
                        + "  SES requests: %d (accepted %d, answered 429: %d); minimum needed %d; ratio %.2f%n"
                        + "  by operation: %s%n",
                OBJECTS,
                RATE,
                seconds,
                minimum / RATE,
                sesCalls,
                accepted,
                throttled,
                minimum,
                (double) accepted / minimum,
                calls.byOperation());
        System.out.println(report);
        Files.writeString(Path.of("target/throttling-storm.txt"), report);

        assertThat(h.ses.endpoints()).hasSize(OBJECTS);
        assertThat(creates - calls.count(Operation.CREATE_MULTI_REGION_ENDPOINT, "TooManyRequestsException"))
                .as("accepted creates: one per object, never two")
                .isEqualTo(OBJECTS);
        assertThat(accepted)
                .as("accepted SES calls stay near the minimum (no polling storm)")
                .isLessThan(3 * minimum);
        assertThat(throttled)
                .as("429s stay bounded: the operator slows down instead of hammering")
                .isLessThan(2 * sesCalls / 3);
    }
}
