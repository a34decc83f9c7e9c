package dev.mre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of every area: the shared environment and the helpers a user would have (kubectl, the emulator's view). */
@ExtendWith(E2eExtension.class)
public abstract class E2eTest {

    protected static E2eEnvironment env() {
        return E2eExtension.environment();
    }

    protected static Kubectl kubectl() {
        return env().kubectl;
    }

    protected static Emulator emulator() {
        return env().emulator;
    }

    /** The ownership tag the operator must add: e2e/<namespace UID>/<name>. */
    protected static String owner(String namespace, String name) {
        String uid = kubectl().getJson("namespace", namespace).orElseThrow().path("metadata").path("uid").asText();
        return E2eEnvironment.CLUSTER_ID + "/" + uid + "/" + name;
    }

    /** Writes a manifest under target/e2e/manifests/ (kept for debugging) and returns its path. */
    protected static Path writeManifest(String fileName, String yaml) {
        try {
            Path dir = env().work.resolve("manifests");
            Files.createDirectories(dir);
            Path f = dir.resolve(fileName);
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl create namespace} unless it exists. */
    protected static void ensureNamespace(String ns) {
        if (kubectl().getJson("namespace", ns).isEmpty()) {
            kubectl().ok("create", "namespace", ns);
        }
    }

    protected static Optional<JsonNode> mre(String ns, String name) {
        return kubectl().getJson("mre", name, "-n", ns);
    }

    protected static Optional<JsonNode> condition(JsonNode mre, String type) {
        for (JsonNode c : mre.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Ready=True for the current generation (status.observedGeneration == metadata.generation). */
    protected static boolean isReadyAtGeneration(JsonNode mre) {
        long gen = mre.path("metadata").path("generation").asLong(-1);
        return condition(mre, "Ready").map(c -> "True".equals(c.path("status").asText())).orElse(false)
                && mre.path("status").path("observedGeneration").asLong(-2) == gen;
    }

    protected static String describeStatus(JsonNode mre) {
        StringBuilder sb = new StringBuilder();
        sb.append("generation ").append(mre.path("metadata").path("generation").asText())
                .append(", observedGeneration ").append(mre.path("status").path("observedGeneration").asText("-"))
                .append(", endpointStatus ").append(mre.path("status").path("endpointStatus").asText("-"));
        for (JsonNode c : mre.path("status").path("conditions")) {
            sb.append(", ").append(c.path("type").asText()).append('=').append(c.path("status").asText())
                    .append('/').append(c.path("reason").asText());
        }
        return sb.toString();
    }

    /** Waits until the object is Ready for its current generation; returns it. */
    protected static JsonNode awaitReady(String ns, String name, Duration timeout) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await("mre " + ns + "/" + name + " Ready at its generation", timeout, () -> {
            Optional<JsonNode> m = mre(ns, name);
            m.ifPresent(last::set);
            return m.map(E2eTest::isReadyAtGeneration).orElse(false);
        }, () -> last.get() == null ? "object not found" : describeStatus(last.get()));
        return last.get();
    }

    /** Waits until {@code kubectl get} answers NotFound. */
    protected static void awaitGone(String ns, String name, Duration timeout) {
        await("mre " + ns + "/" + name + " gone", timeout, () -> mre(ns, name).isEmpty(),
                () -> mre(ns, name).map(E2eTest::describeStatus).orElse("gone"));
    }

    /** Polls (every 300 ms) until the condition holds; the failure names what was awaited and the last state. */
    protected static void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition,
                                Supplier<String> lastState) {
        long t0 = System.nanoTime();
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            String state;
            try {
                state = lastState.get();
            } catch (RuntimeException | AssertionError x) {
                state = "(cannot tell: " + x + ")";
            }
            throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last state: " + state, e);
        }
        Progress.log("  ✓ %s (after %.1f s)", what, (System.nanoTime() - t0) / 1e9);
    }

    /** The tags an endpoint must carry: the declared ones plus the ownership tag. */
    protected static Map<String, String> expectedTags(String ns, String name, Map<String, String> declared) {
        Map<String, String> m = new LinkedHashMap<>(declared);
        m.put(E2eEnvironment.OWNER_TAG, owner(ns, name));
        return m;
    }

    /** Successful (outcome "200") CreateMultiRegionEndpoint calls for a name, from the emulator's call log. */
    protected static long successfulCreates(List<Emulator.Call> log, String endpointName) {
        return log.stream().filter(c -> "CreateMultiRegionEndpoint".equals(c.operation())
                && endpointName.equals(c.endpointName()) && "200".equals(c.outcome())).count();
    }

    protected static void assertOperatorAlive() {
        assertThat(env().operator.isAlive()).as("the operator process is alive").isTrue();
    }
}
