package dev.mre.e2e.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.support.Emulator;
import dev.mre.e2e.support.Kubectl;
import dev.mre.e2e.support.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of every gitops-e2e area: the shared environment, and what a user reads of ArgoCD, the cluster and SES. */
@ExtendWith(GitOpsExtension.class)
public abstract class GitOpsTest {

    /** The Application that syncs the project's examples/ (created by the examples area, used by the later ones). */
    protected static final String EXAMPLES_APP = "ses-endpoints";
    protected static final String EXAMPLES_NAMESPACE = "mail";
    /** How long ArgoCD may take to see a commit and sync it: two resync periods and some slack for a busy machine. */
    protected static final Duration SYNC_TIMEOUT = GitOpsEnvironment.RESYNC.multipliedBy(6);

    protected static GitOpsEnvironment env() {
        return GitOpsExtension.environment();
    }

    protected static Kubectl kubectl() {
        return env().kubectl;
    }

    protected static ArgoCd argocd() {
        return env().argocd;
    }

    protected static GitRepo git() {
        return env().git;
    }

    protected static Emulator emulator() {
        return env().emulator;
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

    protected static boolean conditionTrue(JsonNode mre, String type) {
        return condition(mre, type).map(c -> "True".equals(c.path("status").asText())).orElse(false);
    }

    /** Ready=True for the current generation (status.observedGeneration == metadata.generation). */
    protected static boolean isReadyAtGeneration(JsonNode mre) {
        return conditionTrue(mre, "Ready")
                && mre.path("status").path("observedGeneration").asLong(-2) == mre.path("metadata").path("generation").asLong(-1);
    }

    protected static String describeMre(Optional<JsonNode> m) {
        if (m.isEmpty()) {
            return "object not found";
        }
        JsonNode mre = m.get();
        StringBuilder sb = new StringBuilder();
        sb.append("generation ").append(mre.path("metadata").path("generation").asText())
                .append(", observedGeneration ").append(mre.path("status").path("observedGeneration").asText("-"))
                .append(", endpointStatus ").append(mre.path("status").path("endpointStatus").asText("-"))
                .append(", finalizers ").append(mre.path("metadata").path("finalizers"))
                .append(mre.path("metadata").has("deletionTimestamp") ? ", being deleted" : "");
        for (JsonNode c : mre.path("status").path("conditions")) {
            sb.append(", ").append(c.path("type").asText()).append('=').append(c.path("status").asText())
                    .append('/').append(c.path("reason").asText());
        }
        return sb.toString();
    }

    /** The endpoint as the emulator (SES) has it in a region, if any. */
    protected static Optional<Emulator.Endpoint> sesEndpoint(String region, String name) {
        return emulator().endpoint(region, name);
    }

    protected static String sesStatus(String region, String name) {
        return sesEndpoint(region, name).map(Emulator.Endpoint::status).orElse("(none)");
    }

    /** Calls of the emulator's log that change SES (anything but Get/List), for one endpoint name. */
    protected static List<Emulator.Call> mutatingCalls(String endpointName) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()))
                .filter(c -> !c.operation().startsWith("Get") && !c.operation().startsWith("List"))
                .toList();
    }

    /** Waits until the Application satisfies {@code ok}; the failure shows its last state. */
    protected static JsonNode awaitApp(String app, String what, Duration timeout, Predicate<JsonNode> ok) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await("Application " + app + ": " + what, timeout, () -> {
            Optional<JsonNode> a = argocd().application(app);
            a.ifPresent(last::set);
            return a.map(ok::test).orElse(false);
        }, () -> last.get() == null ? "no such Application" : ArgoCd.describe(last.get()));
        return last.get();
    }

    protected static JsonNode awaitMre(String ns, String name, String what, Duration timeout, Predicate<JsonNode> ok) {
        AtomicReference<Optional<JsonNode>> last = new AtomicReference<>(Optional.empty());
        await("mre " + ns + "/" + name + " " + what, timeout, () -> {
            Optional<JsonNode> m = mre(ns, name);
            last.set(m);
            return m.map(ok::test).orElse(false);
        }, () -> describeMre(last.get()));
        return last.get().orElseThrow();
    }

    /** Polls (every 500 ms) until the condition holds; the failure names what was awaited and the last state. */
    protected static void await(String what, Duration timeout, Callable<Boolean> condition, Supplier<String> lastState) {
        long t0 = System.nanoTime();
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last state: "
                    + safe(lastState), e);
        }
        Progress.log("  ✓ %s (after %.1f s)", what, (System.nanoTime() - t0) / 1e9);
    }

    static String safe(Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException | AssertionError x) {
            return "(cannot tell: " + x + ")";
        }
    }
}
