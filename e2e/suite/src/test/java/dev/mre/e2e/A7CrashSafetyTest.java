package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.support.E2eTest;
import dev.mre.e2e.support.Emulator;
import dev.mre.e2e.support.Mre;
import dev.mre.e2e.support.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * 8. kill -9 of the operator while endpoints are CREATING, then a restart: every object converges to Ready and
 * SES created each endpoint exactly once (no duplicate, none lost).
 */
@Order(7)
@DisplayName("8. crash safety (kill -9 while CREATING)")
class A7CrashSafetyTest extends E2eTest {

    static final String NS = "e2e-crash";
    static final List<Mre> OBJECTS = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> Mre.of(NS, String.format("crash-%02d", i)).secondary(i % 2 == 0 ? "eu-west-1" : "eu-central-1")
                    .tag("batch", "crash").tag("index", Integer.toString(i)))
            .toList();

    @AfterAll
    static void restoreCreateDelay() {
        emulator().settings(Map.of("createDelay", "2s"));
    }

    @Test
    @Order(1)
    void ten_objects_survive_a_kill_9_while_CREATING_with_exactly_one_create_each() throws Exception {
        ensureNamespace(NS);
        emulator().settings(Map.of("createDelay", "5s"));
        List<String> names = OBJECTS.stream().map(Mre::effectiveEndpointName).toList();

        kubectl().ok("apply", "-f", writeManifest("crash-10.yaml", Mre.documents(OBJECTS)).toString());
        // kill as soon as SES shows the first endpoint CREATING: some are created (maybe without their status
        // written yet), others not yet; polled tightly so the kill lands in the middle of the batch
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (creating(names) == 0) {
            assertThat(System.nanoTime()).as("an endpoint CREATING within 60 s").isLessThan(deadline);
            Thread.sleep(25);
        }
        Progress.log("  before the kill: %s", census(names));

        long t0 = System.nanoTime();
        env().operator.kill9();
        Progress.log("  after the kill: %s", census(names));
        env().operator.start();
        env().operator.awaitStarted(Duration.ofSeconds(90));
        kubectl().ok("wait", "--for=condition=Ready", "mre", "--all", "-n", NS, "--timeout=180s");
        for (Mre m : OBJECTS) {
            awaitReady(NS, m.name(), Duration.ofSeconds(30));
        }
        Progress.timing("kill -9 while CREATING -> restarted -> 10 Ready", Duration.ofNanos(System.nanoTime() - t0));

        List<Emulator.Endpoint> eps = emulator().endpoints().stream().filter(e -> names.contains(e.endpointName())).toList();
        assertThat(eps).as("exactly one endpoint per object").hasSize(10);
        assertThat(eps.stream().map(Emulator.Endpoint::endpointName).distinct().count()).isEqualTo(10);
        for (Mre m : OBJECTS) {
            Emulator.Endpoint ep = eps.stream().filter(e -> e.endpointName().equals(m.effectiveEndpointName()))
                    .findFirst().orElseThrow();
            assertThat(ep.status()).isEqualTo("READY");
            assertThat(ep.regions()).containsExactly(m.effectiveRegion(), m.secondary());
            assertThat(ep.tags()).isEqualTo(expectedTags(NS, m.name(), m.tags()));
        }
        List<Emulator.Call> log = emulator().calls();
        Map<String, Map<String, Long>> createsByName = log.stream()
                .filter(c -> "CreateMultiRegionEndpoint".equals(c.operation()) && names.contains(c.endpointName()))
                .collect(Collectors.groupingBy(Emulator.Call::endpointName,
                        Collectors.groupingBy(Emulator.Call::outcome, Collectors.counting())));
        Progress.log("  CreateMultiRegionEndpoint outcomes per name: %s", createsByName);
        for (String n : names) {
            assertThat(successfulCreates(log, n)).as("successful creates of %s", n).isEqualTo(1);
        }
        assertOperatorAlive();
    }

    static long creating(List<String> names) {
        return emulator().endpoints().stream()
                .filter(e -> names.contains(e.endpointName()) && "CREATING".equals(e.status())).count();
    }

    /** One snapshot: how many of the endpoints exist, by status. */
    static String census(List<String> names) {
        Map<String, Long> byStatus = emulator().endpoints().stream().filter(e -> names.contains(e.endpointName()))
                .collect(Collectors.groupingBy(Emulator.Endpoint::status, java.util.TreeMap::new, Collectors.counting()));
        return byStatus.values().stream().mapToLong(Long::longValue).sum() + " of " + names.size()
                + " endpoints exist " + byStatus;
    }
}
