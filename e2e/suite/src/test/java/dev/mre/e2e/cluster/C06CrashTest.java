package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The leader pod dies without a chance to clean up while endpoints are CREATING, in the two ways a pod dies hard:
 * {@code kubectl delete pod --force --grace-period=0}, and the kernel's OOM killer (a real one: a process joins the
 * leader container's memory cgroup and takes memory until the cgroup is full; the kernel kills the process with the
 * highest OOM score there, the JVM, which the kubelet gave a Burstable pod's score). After each, every object
 * converges and no endpoint exists twice or was created twice.
 */
@Order(6)
@DisplayName("C06 a pod killed by kubectl delete --force or by the OOM killer loses nothing")
class C06CrashTest extends ClusterTest {

    @Test
    @Order(1)
    void kubectl_delete_force_of_the_leader_while_endpoints_are_CREATING() {
        List<Mre> objects = Mre.numbered(ClusterEnv.NAMESPACE, "force", 10);
        JsonNode leader = awaitLeader(READY_TIMEOUT);
        apply(objects, "force.yaml");
        awaitCreating(objects);
        kubectl().ok("delete", "pod", name(leader), "-n", ClusterEnv.SYSTEM_NAMESPACE, "--force", "--grace-period=0");
        awaitAllReady(objects);
        assertOneEndpointAndOneCreateEach(objects);
        awaitReadyPods(2, READY_TIMEOUT);
    }

    @Test
    @Order(2)
    void the_OOM_killer_kills_the_leader_while_endpoints_are_CREATING() {
        assumeTrue(env().local(), "needs the node's cgroups (the local one-node cluster)");
        List<Mre> objects = Mre.numbered(ClusterEnv.NAMESPACE, "oom", 10);
        JsonNode leader = awaitLeader(READY_TIMEOUT);
        int restartsBefore = restarts(leader);
        String containerId = leader.path("status")
                .path("containerStatuses")
                .path(0)
                .path("containerID")
                .asText()
                .replaceFirst("^containerd://", "");
        Path cgroup = memoryCgroupOf(containerId)
                .orElseThrow(() -> new AssertionError("no memory cgroup of container " + containerId
                        + " under /sys/fs/cgroup/memory/" + env().node().get("TESTENV_NODE_CGROUP_ROOT")));
        apply(objects, "oom.yaml");
        awaitCreating(objects);

        Path hog = harness().controlPlane().toolsDir().resolve("nodecheck");
        Cmd.Result r = Cmd.of(hog.toString(), "hog", "--cgroup", cgroup.toString(), "--timeout", "90s")
                .timeout(Duration.ofMinutes(2))
                .run();
        Progress.command(r);
        // 0: it saw the JVM go; 137: runc killed what was left in the container's cgroup (the hog) when the
        // container ended, before the hog noticed. Either way the pod's status below says what ended the JVM.
        assertThat(r.exitCode()).as("nodecheck hog: %s", r.output()).isIn(0, 137);

        Conditions.await(
                "pod " + name(leader) + " restarted after an OOM kill",
                Duration.ofMinutes(2),
                Duration.ofSeconds(1),
                () -> kubectl()
                        .getJson("pod", name(leader), "-n", ClusterEnv.SYSTEM_NAMESPACE)
                        .map(p -> restarts(p) > restartsBefore)
                        .orElse(false),
                ClusterTest::describePods);
        JsonNode after = kubectl()
                .getJson("pod", name(leader), "-n", ClusterEnv.SYSTEM_NAMESPACE)
                .orElseThrow();
        JsonNode terminated = after.path("status")
                .path("containerStatuses")
                .path(0)
                .path("lastState")
                .path("terminated");
        assertThat(terminated.path("reason").asText())
                .as("why the container ended: %s", terminated)
                .isEqualTo("OOMKilled");
        assertThat(terminated.path("exitCode").asInt()).isEqualTo(137);

        awaitAllReady(objects);
        assertOneEndpointAndOneCreateEach(objects);
        awaitReadyPods(2, READY_TIMEOUT);
    }

    /** /sys/fs/cgroup/memory/&lt;node cgroup root&gt;/.../&lt;container id&gt; (cgroup v1, the kubelet's cgroupfs driver). */
    static Optional<Path> memoryCgroupOf(String containerId) {
        Path root = Path.of("/sys/fs/cgroup/memory", env().node().get("TESTENV_NODE_CGROUP_ROOT"));
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().equals(containerId) && Files.isDirectory(p))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
