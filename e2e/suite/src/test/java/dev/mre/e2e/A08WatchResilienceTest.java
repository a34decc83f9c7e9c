package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver restarts (e2e/testenv/testenv.sh restart-apiserver, etcd kept) while objects change: the
 * operator's watches recover, new objects and a tag change made around the restart all converge.
 */
@Order(8)
@DisplayName("A08 watch resilience (kube-apiserver restart)")
class A08WatchResilienceTest extends E2eTest {

    static final String NS = "e2e-watch";

    @Test
    @Order(1)
    void objects_changed_around_an_apiserver_restart_converge() throws Exception {
        assumeTrue(
                harness().controlPlane().canRestartApiserver(),
                "the kube-apiserver of an external cluster (E2E_KUBECONFIG) is not restarted by the suite");
        Mre base = Mre.of(NS, "watch-base").tag("phase", "before");
        kubectl()
                .ok("apply", "-f", writeManifest("watch-base.yaml", base.yaml()).toString());
        awaitReady(NS, base.name(), Duration.ofSeconds(60));

        Mre w1 =
                Mre.of(NS, "watch-1").region("us-west-2").secondary("us-east-1").tag("when", "before-restart");
        Mre w2 = Mre.of(NS, "watch-2").tag("when", "after-restart");
        Mre w3 = Mre.of(NS, "watch-3")
                .endpointName("watch-3-ep")
                .secondary("ap-southeast-2")
                .tag("when", "after-restart");
        Mre retagged = base.copy().tag("phase", "after").tag("extra", "yes");

        long t0 = System.nanoTime();
        kubectl().ok("apply", "-f", writeManifest("watch-1.yaml", w1.yaml()).toString());
        Progress.timing("testenv.sh restart-apiserver", harness().controlPlane().restartApiserver());
        kubectl().ok("apply", "-f", writeManifest("watch-2.yaml", w2.yaml()).toString());
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("watch-base-retagged.yaml", retagged.yaml())
                                .toString());
        kubectl().ok("apply", "-f", writeManifest("watch-3.yaml", w3.yaml()).toString());

        for (Mre m : List.of(w1, w2, w3, retagged)) {
            awaitReady(NS, m.name(), Duration.ofSeconds(120));
        }
        Progress.timing("changes around an apiserver restart -> all Ready", Duration.ofNanos(System.nanoTime() - t0));
        assertOperatorAlive();

        List<Emulator.Call> log = emulator().calls();
        for (Mre m : List.of(w1, w2, w3, retagged)) {
            List<Emulator.Endpoint> eps = emulator().endpointsNamed(m.effectiveEndpointName());
            assertThat(eps).as("endpoints named %s", m.effectiveEndpointName()).hasSize(1);
            assertThat(eps.get(0).status()).isEqualTo("READY");
            assertThat(eps.get(0).regions()).containsExactly(m.effectiveRegion(), m.secondary());
            assertThat(eps.get(0).tags())
                    .as("tags of %s", m.effectiveEndpointName())
                    .isEqualTo(expectedTags(NS, m.name(), m.tags()));
            assertThat(successfulCreates(log, m.effectiveEndpointName())).isEqualTo(1);
        }
    }
}
