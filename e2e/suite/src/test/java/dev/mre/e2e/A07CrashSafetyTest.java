package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
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
 * kill -9 of the operator while endpoints are CREATING, then a restart: every object converges to Ready and
 * SES created each endpoint exactly once (no duplicate, none lost).
 */
@Order(7)
@DisplayName("A07 crash safety (kill -9 while CREATING)")
class A07CrashSafetyTest extends E2eTest {

    static final String NS = "e2e-crash";
    static final List<Mre> OBJECTS = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> Mre.of(NS, String.format("crash-%02d", i))
                    .secondary(i % 2 == 0 ? "eu-west-1" : "eu-central-1")
                    .tag("batch", "crash")
                    .tag("index", Integer.toString(i)))
            .toList();

    @AfterAll
    static void restoreCreateDelay() {
        emulator().settings(Map.of("createDelay", E2eExtension.CREATE_DELAY));
    }

    @Test
    @Order(1)
    void ten_objects_survive_a_kill_9_while_CREATING_with_exactly_one_create_each() throws Exception {
        // an endpoint stays CREATING this long: far longer than it takes to see one and kill the operator, and the
        // test checks that premise on what SES shows after the kill instead of relying on it
        emulator().settings(Map.of("createDelay", "10s"));
        List<String> names = OBJECTS.stream().map(Mre::effectiveEndpointName).toList();

        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("crash-10.yaml", Mre.documents(OBJECTS)).toString());
        // kill as soon as SES shows an endpoint of the batch CREATING: some are created (maybe without their status
        // written yet), others not yet
        Conditions.await(
                "an endpoint of the batch CREATING in SES",
                Duration.ofSeconds(60),
                Duration.ofMillis(25),
                () -> creating(names) > 0,
                () -> census(names));
        Progress.log("  before the kill: %s", census(names));

        long t0 = System.nanoTime();
        operator().kill9();
        // the operator is gone (SIGKILL, exit status collected): what SES and the cluster show now is the crash state
        String afterKill = census(names);
        Progress.log(
                "  after the kill: %s; objects with an endpoint id in their status: %d of %d",
                afterKill,
                OBJECTS.stream()
                        .filter(m -> mre(NS, m.name())
                                .map(o -> o.path("status").hasNonNull("endpointId"))
                                .orElse(false))
                        .count(),
                OBJECTS.size());
        assertThat(creating(names))
                .as("endpoints CREATING in SES after the kill (the kill landed while CREATING): %s", afterKill)
                .isPositive();
        emulator().settings(Map.of("createDelay", E2eExtension.CREATE_DELAY));
        operator().restart();
        operator().awaitReady(Duration.ofSeconds(90));
        kubectl().ok("wait", "--for=condition=Ready", "mre", "--all", "-n", NS, "--timeout=180s");
        for (Mre m : OBJECTS) {
            awaitReady(NS, m.name(), Duration.ofSeconds(30));
        }
        Progress.timing("kill -9 while CREATING -> restarted -> 10 Ready", Duration.ofNanos(System.nanoTime() - t0));

        List<Emulator.Endpoint> eps = emulator().endpoints().stream()
                .filter(e -> names.contains(e.endpointName()))
                .toList();
        assertThat(eps).as("exactly one endpoint per object").hasSize(10);
        assertThat(eps.stream().map(Emulator.Endpoint::endpointName).distinct().count())
                .isEqualTo(10);
        for (Mre m : OBJECTS) {
            Emulator.Endpoint ep = eps.stream()
                    .filter(e -> e.endpointName().equals(m.effectiveEndpointName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(ep.status()).isEqualTo("READY");
            assertThat(ep.regions()).containsExactly(m.effectiveRegion(), m.secondary());
            assertThat(ep.tags()).isEqualTo(expectedTags(NS, m.name(), m.tags()));
        }
        List<Emulator.Call> log = emulator().calls();
        Map<String, Map<String, Long>> createsByName = log.stream()
                .filter(c -> "CreateMultiRegionEndpoint".equals(c.operation()) && names.contains(c.endpointName()))
                .collect(Collectors.groupingBy(
                        Emulator.Call::endpointName,
                        Collectors.groupingBy(Emulator.Call::outcome, Collectors.counting())));
        Progress.log("  CreateMultiRegionEndpoint outcomes per name: %s", createsByName);
        for (String n : names) {
            assertThat(successfulCreates(log, n))
                    .as("successful creates of %s", n)
                    .isEqualTo(1);
        }
        assertOperatorAlive();
    }

    static long creating(List<String> names) {
        return emulator().endpoints().stream()
                .filter(e -> names.contains(e.endpointName()) && "CREATING".equals(e.status()))
                .count();
    }

    /** One snapshot: how many of the endpoints exist, by status. */
    static String census(List<String> names) {
        Map<String, Long> byStatus = emulator().endpoints().stream()
                .filter(e -> names.contains(e.endpointName()))
                .collect(Collectors.groupingBy(
                        Emulator.Endpoint::status, java.util.TreeMap::new, Collectors.counting()));
        return byStatus.values().stream().mapToLong(Long::longValue).sum() + " of " + names.size() + " endpoints exist "
                + byStatus;
    }
}
