package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Ownership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every area: the shared environment ({@link E2eExtension}) and the helpers a user would have (kubectl, the
 * emulator's view). What the suite expects of SES calls and tags sits in the small helpers at the end, so that a
 * change of the operator's tag format or call pattern is adapted in one place.
 */
@ExtendWith(E2eExtension.class)
public abstract class E2eTest {

    /** The operator's finalizer on every object it manages. */
    protected static final String FINALIZER = "ses.mre.dev/finalizer";

    protected static E2eExtension.Suite suite() {
        return E2eExtension.suite();
    }

    protected static Harness harness() {
        return suite().harness();
    }

    protected static Path repo() {
        return harness().repo();
    }

    protected static Kubectl kubectl() {
        return harness().kubectl();
    }

    protected static Emulator emulator() {
        return suite().emulator();
    }

    protected static OperatorProcess operator() {
        return suite().operator();
    }

    /** Writes a manifest under target/e2e/manifests/ (kept for debugging) and returns its path. */
    protected static Path writeManifest(String fileName, String yaml) {
        try {
            Path dir = harness().work().resolve("manifests");
            Files.createDirectories(dir);
            Path f = dir.resolve(fileName);
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static Optional<JsonNode> mre(String ns, String name) {
        return MreStatus.get(kubectl(), ns, name);
    }

    protected static Optional<JsonNode> condition(JsonNode mre, String type) {
        return MreStatus.condition(mre, type);
    }

    /** Ready=True for the current generation (status.observedGeneration == metadata.generation). */
    protected static boolean isReadyAtGeneration(JsonNode mre) {
        return MreStatus.isReadyAtGeneration(mre);
    }

    protected static String describeStatus(JsonNode mre) {
        return MreStatus.describe(mre);
    }

    /** Waits until the object is Ready for its current generation; returns it. */
    protected static JsonNode awaitReady(String ns, String name, Duration timeout) {
        return MreStatus.awaitReady(kubectl(), ns, name, timeout);
    }

    /** Waits until {@code kubectl get} answers NotFound. */
    protected static void awaitGone(String ns, String name, Duration timeout) {
        MreStatus.awaitGone(kubectl(), ns, name, timeout);
    }

    /** Polls (every 300 ms) until the condition holds; the failure names what was awaited and the last state. */
    protected static void await(
            String what, Duration timeout, Callable<Boolean> condition, Supplier<String> lastState) {
        Conditions.await(what, timeout, condition, lastState);
    }

    protected static void assertOperatorAlive() {
        assertThat(operator().isAlive()).as("the operator process is alive").isTrue();
    }

    // ---- what SES must show: tags and calls --------------------------------------------------------------------

    /** The ownership tag value the operator must write for {@code namespace/name}. */
    protected static String owner(String namespace, String name) {
        return Ownership.value(E2eExtension.CLUSTER_ID, Ownership.namespaceUid(kubectl(), namespace), name);
    }

    /** The tags an endpoint must carry: the declared ones plus the ownership tag. */
    protected static Map<String, String> expectedTags(String ns, String name, Map<String, String> declared) {
        return Ownership.expectedTags(
                E2eExtension.CLUSTER_ID, ns, Ownership.namespaceUid(kubectl(), ns), name, declared);
    }

    /** Successful (outcome "200") CreateMultiRegionEndpoint calls for a name, from the emulator's call log. */
    protected static long successfulCreates(List<Emulator.Call> log, String endpointName) {
        return calls(log, "CreateMultiRegionEndpoint", endpointName, "200");
    }

    /** DeleteMultiRegionEndpoint calls for a name, whatever their outcome. */
    protected static long deleteCalls(List<Emulator.Call> log, String endpointName) {
        return calls(log, "DeleteMultiRegionEndpoint", endpointName, null);
    }

    /** Calls of {@code operation} naming {@code endpointName} with {@code outcome} (null: any outcome). */
    protected static long calls(List<Emulator.Call> log, String operation, String endpointName, String outcome) {
        return log.stream()
                .filter(c -> c.is(operation, outcome) && endpointName.equals(c.endpointName()))
                .count();
    }
}
