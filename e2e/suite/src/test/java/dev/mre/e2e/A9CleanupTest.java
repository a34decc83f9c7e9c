package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.e2e.support.E2eEnvironment;
import dev.mre.e2e.support.E2eTest;
import dev.mre.e2e.support.Emulator;
import dev.mre.e2e.support.Progress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The end: every object deleted through the operator, no endpoint left but the retained one, then a clean emulator. */
@Order(100)
@DisplayName("end. everything deleted")
class A9CleanupTest extends E2eTest {

    @Test
    @Order(1)
    void deleting_every_object_leaves_only_retained_endpoints() {
        long t0 = System.nanoTime();
        kubectl().ok("delete", "mre", "--all", "--all-namespaces", "--timeout=180s");
        await("no MultiRegionEndpoint left", Duration.ofSeconds(60),
                () -> kubectl().quiet("get", "mre", "-A", "-o", "name").stdout().isBlank(),
                () -> kubectl().quiet("get", "mre", "-A").output());
        Progress.timing("kubectl delete mre --all -A -> all released", Duration.ofNanos(System.nanoTime() - t0));

        List<Emulator.Endpoint> left = emulator().endpoints();
        Progress.log("  endpoints left in the emulator: %s", left);
        // only what deletionPolicy: Retain kept (examples/retained.yaml), still tagged with its owner
        assertThat(left).extracting(Emulator.Endpoint::endpointName).containsExactly("marketing-global");
        assertThat(left.get(0).tags()).containsEntry(E2eEnvironment.OWNER_TAG, owner("mail", "marketing"));
        assertThat(left).noneMatch(e -> "DELETING".equals(e.status()));
        assertOperatorAlive();
    }

    @Test
    @Order(2)
    void the_retained_endpoint_is_removed_with_the_emulator_reset() {
        emulator().reset();
        assertThat(emulator().endpoints()).isEmpty();
    }
}
