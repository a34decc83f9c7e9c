package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * kstatus compatibility: the status Flux, kstatus-based tooling and `kubectl wait` read is computed by
 * sigs.k8s.io/cli-utils from our conditions, with no glue: InProgress while creating, Current when Ready,
 * Failed when Stalled. Uses gitops/kstatus (built by `make kstatus-tool`) against the live objects.
 */
@Order(9)
@DisplayName("A09 kstatus of live objects (Flux, cli-utils)")
class A09KstatusTest extends E2eTest {

    static final String NS = "e2e-kstatus";

    static Path kstatusBinary() {
        Path bin = repo().resolve(".tools/kstatus/kstatus");
        if (!Files.isExecutable(bin)) {
            Cmd.of("make", "-s", "kstatus-tool")
                    .dir(repo())
                    .timeout(Duration.ofMinutes(5))
                    .run()
                    .orThrow();
        }
        return bin;
    }

    static String kstatus(String name) {
        Cmd.Result r = Cmd.of(
                        kstatusBinary().toString(),
                        "--kubeconfig",
                        harness().controlPlane().adminKubeconfig().toString(),
                        "--namespace",
                        NS,
                        name)
                .timeout(Duration.ofSeconds(30))
                .run()
                .orThrow();
        return r.stdout().trim();
    }

    @Test
    @Order(1)
    void in_progress_while_creating_then_current_when_ready_and_failed_when_stalled() {
        kstatusBinary();
        emulator().settings(Map.of("createDelay", "6s"));
        try {
            Mre first = Mre.of(NS, "kstatus-a").endpointName("kstatus-shared");
            kubectl().runWithStdin(first.yaml(), "apply", "-f", "-").orThrow();
            AtomicReference<String> seen = new AtomicReference<>("");
            await(
                    "kstatus InProgress while SES is CREATING",
                    Duration.ofSeconds(30),
                    () -> {
                        seen.set(kstatus("kstatus-a"));
                        return seen.get().startsWith("kstatus-a InProgress");
                    },
                    seen::get);
            Progress.log("  creating: %s", seen.get());

            awaitReady(NS, "kstatus-a", Duration.ofSeconds(60));
            assertThat(kstatus("kstatus-a")).startsWith("kstatus-a Current");
            Progress.log("  ready:    %s", kstatus("kstatus-a"));

            // same endpoint name in the same namespace and region, other object: Stalled/EndpointNameConflict
            Mre second = Mre.of(NS, "kstatus-b").endpointName("kstatus-shared");
            kubectl().runWithStdin(second.yaml(), "apply", "-f", "-").orThrow();
            await(
                    "kstatus Failed when Stalled",
                    Duration.ofSeconds(60),
                    () -> {
                        seen.set(kstatus("kstatus-b"));
                        return seen.get().startsWith("kstatus-b Failed");
                    },
                    seen::get);
            // the message says the name is taken, without naming the object that owns it
            assertThat(seen.get()).contains("owned by another object").doesNotContain("kstatus-a");
            Progress.log("  stalled:  %s", seen.get());
        } finally {
            emulator().settings(Map.of("createDelay", E2eExtension.CREATE_DELAY));
        }
        kubectl().ok("delete", "mre", "kstatus-b", "-n", NS, "--timeout=60s");
        kubectl().ok("delete", "mre", "kstatus-a", "-n", NS, "--timeout=60s");
        assertThat(emulator().endpointsNamed("kstatus-shared")).isEmpty();
        assertThat(List.of(kstatus("kstatus-a"))).allMatch(s -> s.contains("NotFound"));
    }
}
