package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two replicas with leader election and a PodDisruptionBudget, as the chart README's "High availability" installs
 * them: exactly one pod reconciles (the emulator's call log shows only the Lease holder's access key), deleting the
 * leader hands over within the lease time while the Deployment replaces the pod, no endpoint is created twice, and
 * an eviction that would leave no ready replica is refused by the PodDisruptionBudget.
 */
@Order(4)
@DisplayName("C04 two replicas: one reconciles, the leader's deletion hands over, evictions respect the PDB")
class C04HighAvailabilityTest extends ClusterTest {

    static final List<Mre> FIRST = Mre.numbered(ClusterEnv.NAMESPACE, "ha", 5);
    static final List<Mre> SECOND = Mre.numbered(ClusterEnv.NAMESPACE, "ha-after", 3);
    private static final String PDB = "podDisruptionBudget.enabled=true";
    private static Instant scaledAt;

    @Test
    @Order(1)
    void with_two_replicas_only_the_lease_holder_calls_SES() {
        scaledAt = Instant.now();
        helmRelease("upgrade", 2, env().imageTag(), PDB).orThrow();
        List<JsonNode> pods = awaitReadyPods(2, READY_TIMEOUT);
        JsonNode leader = awaitLeader(READY_TIMEOUT);
        JsonNode standby = pods.stream()
                .filter(p -> !name(p).equals(name(leader)))
                .findFirst()
                .orElseThrow();
        assertThat(podReady(standby))
                .as("the standby is Ready too (rollouts never stall on it)")
                .isTrue();
        assertThat(kubectl().getJson("pdb", ClusterEnv.RELEASE, "-n", ClusterEnv.SYSTEM_NAMESPACE))
                .isPresent();

        Instant t0 = Instant.now();
        apply(FIRST, "ha-first.yaml");
        awaitAllReady(FIRST);
        Map<String, List<Emulator.Call>> byKey = byAccessKey(callsSince(t0));
        assertThat(byKey.keySet())
                .as(
                        "access keys calling SES (leader %s at %s, standby %s at %s)",
                        name(leader), podIp(leader), name(standby), podIp(standby))
                .containsExactly(ClusterEnv.podAccessKey(podIp(leader)));
        assertThat(byAccessKey(callsSince(scaledAt)))
                .as("calls from the standby since it started")
                .doesNotContainKey(ClusterEnv.podAccessKey(podIp(standby)));
        assertOneEndpointAndOneCreateEach(FIRST);
    }

    @Test
    @Order(2)
    void deleting_the_leader_hands_over_within_the_lease_time_and_the_Deployment_replaces_it() {
        JsonNode leader = awaitLeader(READY_TIMEOUT);
        String standby = operatorPods().stream()
                .map(ClusterTest::name)
                .filter(n -> !n.equals(name(leader)))
                .findFirst()
                .orElseThrow();
        JsonNode lease = kubectl()
                .getJson("lease", Harness.LEASE_NAME, "-n", ClusterEnv.SYSTEM_NAMESPACE)
                .orElseThrow();
        int leaseSeconds = lease.path("spec").path("leaseDurationSeconds").asInt();

        Instant deleted = Instant.now();
        kubectl().ok("delete", "pod", name(leader), "-n", ClusterEnv.SYSTEM_NAMESPACE, "--wait=false");
        // the standby, or the pod the Deployment starts in the leader's place, whichever asks first once the
        // leader is gone
        Conditions.await(
                "another replica than " + name(leader) + " holds the Lease",
                Duration.ofSeconds(leaseSeconds + 60),
                Duration.ofMillis(200),
                () -> leaseHolder().filter(h -> !h.equals(name(leader))).isPresent(),
                () -> "holder " + leaseHolder().orElse("(none)"));
        Duration handOver = Duration.between(deleted, Instant.now());
        String newLeader = leaseHolder().orElseThrow();
        Progress.timing("leader pod deleted -> another replica holds the Lease", handOver);
        Progress.log(
                "  the Lease went from %s to %s (%s; the standby was %s)",
                name(leader), newLeader, newLeader.equals(standby) ? "the standby" : "the replacement pod", standby);
        // graceful deletion: the leader stops, its Lease runs out (or is released), another replica takes it
        assertThat(handOver)
                .as("hand-over time, lease duration %d s", leaseSeconds)
                .isLessThanOrEqualTo(Duration.ofSeconds(leaseSeconds + 15));

        List<JsonNode> pods = awaitReadyPods(2, READY_TIMEOUT);
        assertThat(pods)
                .extracting(ClusterTest::name)
                .contains(standby, newLeader)
                .doesNotContain(name(leader));
        JsonNode holder =
                pods.stream().filter(p -> name(p).equals(newLeader)).findFirst().orElseThrow();
        JsonNode other = pods.stream()
                .filter(p -> !name(p).equals(newLeader))
                .findFirst()
                .orElseThrow();

        Instant t0 = Instant.now();
        apply(SECOND, "ha-second.yaml");
        awaitAllReady(SECOND);
        assertThat(byAccessKey(callsSince(t0)).keySet())
                .as("access keys calling SES after the hand-over")
                .containsExactly(ClusterEnv.podAccessKey(podIp(holder)));
        assertThat(byAccessKey(callsSince(deleted)))
                .as("calls from %s, which does not hold the Lease", name(other))
                .doesNotContainKey(ClusterEnv.podAccessKey(podIp(other)));
        List<Mre> all = new ArrayList<>(FIRST);
        all.addAll(SECOND);
        assertOneEndpointAndOneCreateEach(all);
    }

    @Test
    @Order(3)
    void an_eviction_that_would_leave_no_ready_replica_is_refused_by_the_PodDisruptionBudget() {
        List<JsonNode> pods = awaitReadyPods(2, READY_TIMEOUT);
        Cmd.Result first = evict(name(pods.get(0)));
        assertThat(first.ok())
                .as("evicting the first of two ready pods: %s", first.output())
                .isTrue();
        Cmd.Result second = evict(name(pods.get(1)));
        assertThat(second.ok()).as("evicting the last ready pod").isFalse();
        assertThat(second.output()).contains("disruption budget");
        awaitReadyPods(2, READY_TIMEOUT);
        assertThat(operatorPods()).extracting(ClusterTest::name).contains(name(pods.get(1)));
        awaitLeader(READY_TIMEOUT);
    }

    /** The eviction API, as {@code kubectl drain} uses it. */
    static Cmd.Result evict(String pod) {
        String body = """
                {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "%s", "namespace": "%s"}}
                """.formatted(pod, ClusterEnv.SYSTEM_NAMESPACE);
        return kubectl()
                .run(
                        "create",
                        "--raw",
                        "/api/v1/namespaces/" + ClusterEnv.SYSTEM_NAMESPACE + "/pods/" + pod + "/eviction",
                        "-f",
                        writeManifest("eviction-" + pod + ".json", body).toString());
    }
}
