package dev.mre.e2e.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.Ownership;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every gitops-e2e area: the shared environment ({@link GitOpsExtension}), and what a user reads of ArgoCD
 * (Applications, with kubectl), the cluster and SES (the emulator's admin API).
 */
@ExtendWith(GitOpsExtension.class)
public abstract class GitOpsTest {

    /** The Application that syncs the project's examples/ (created by the examples area, used by the later ones). */
    protected static final String EXAMPLES_APP = "ses-endpoints";

    protected static final String EXAMPLES_NAMESPACE = "mail";
    protected static final String FINALIZER = "ses.mre.dev/finalizer";
    /** How long ArgoCD may take to see a commit and sync it: a resync period, plus slack for a busy machine. */
    protected static final Duration SYNC_TIMEOUT = GitOpsExtension.RESYNC.multipliedBy(6);

    protected static GitOpsExtension.Suite suite() {
        return GitOpsExtension.suite();
    }

    protected static Harness harness() {
        return suite().harness;
    }

    protected static Kubectl kubectl() {
        return harness().kubectl();
    }

    protected static ArgoCd argocd() {
        return suite().argocd;
    }

    protected static GitRepo git() {
        return suite().git;
    }

    protected static Emulator emulator() {
        return suite().emulator;
    }

    protected static void requireOperator() {
        suite().requireOperator();
    }

    protected static Optional<JsonNode> mre(String ns, String name) {
        return kubectl().getJson("mre", name, "-n", ns);
    }

    /** The message of a condition that is True, if it is. */
    protected static Optional<String> trueConditionMessage(JsonNode mre, String type) {
        return MreStatus.condition(mre, type)
                .filter(c -> "True".equals(c.path("status").asText()))
                .map(c -> c.path("message").asText());
    }

    protected static String describeMre(Optional<JsonNode> m) {
        return m.map(x -> MreStatus.describe(x) + ", finalizers "
                        + x.path("metadata").path("finalizers")
                        + (x.path("metadata").has("deletionTimestamp") ? ", being deleted" : ""))
                .orElse("object not found");
    }

    /** The endpoint as the emulator (SES) has it in a region, if any. */
    protected static Optional<Emulator.Endpoint> sesEndpoint(String region, String name) {
        return emulator().endpoint(region, name);
    }

    protected static String sesStatus(String region, String name) {
        return sesEndpoint(region, name).map(Emulator.Endpoint::status).orElse("(none)");
    }

    /** Calls in the emulator's log that change SES (anything but Get and List), for one endpoint name. */
    protected static List<Emulator.Call> mutatingCalls(String endpointName) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()))
                .filter(c -> !c.operation().startsWith("Get") && !c.operation().startsWith("List"))
                .toList();
    }

    /** The tags an endpoint of {@code namespace/name} must carry: the declared ones plus the ownership tag. */
    protected static Map<String, String> expectedTags(String namespace, String name, Map<String, String> declared) {
        return Ownership.expectedTags(
                GitOpsExtension.CLUSTER_ID, namespace, Ownership.namespaceUid(kubectl(), namespace), name, declared);
    }

    /** Waits until the Application satisfies {@code ok}; the failure shows its last state. */
    protected static JsonNode awaitApp(String app, String what, Duration timeout, Predicate<JsonNode> ok) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await(
                "Application " + app + ": " + what,
                timeout,
                () -> {
                    Optional<JsonNode> a = argocd().application(app);
                    a.ifPresent(last::set);
                    return a.map(ok::test).orElse(false);
                },
                () -> last.get() == null ? "no such Application" : ArgoCd.describe(last.get()));
        return last.get();
    }

    /** Waits until the Application is Synced and Healthy at {@code revision} (null: any). */
    protected static JsonNode awaitSyncedAndHealthy(String app, String revision, Duration timeout) {
        return awaitApp(
                app,
                "Synced and Healthy" + (revision == null ? "" : " at " + revision.substring(0, 12)),
                timeout,
                a -> ArgoCd.syncStatus(a).equals("Synced")
                        && ArgoCd.healthStatus(a).equals("Healthy")
                        && (revision == null || ArgoCd.syncedRevision(a).equals(revision)));
    }

    protected static JsonNode awaitMre(String ns, String name, String what, Duration timeout, Predicate<JsonNode> ok) {
        AtomicReference<Optional<JsonNode>> last = new AtomicReference<>(Optional.empty());
        await(
                "mre " + ns + "/" + name + " " + what,
                timeout,
                () -> {
                    Optional<JsonNode> m = mre(ns, name);
                    last.set(m);
                    return m.map(ok::test).orElse(false);
                },
                () -> describeMre(last.get()));
        return last.get().orElseThrow();
    }

    protected static void awaitGone(String ns, String name, Duration timeout) {
        await(
                "mre " + ns + "/" + name + " gone",
                timeout,
                () -> mre(ns, name).isEmpty(),
                () -> describeMre(mre(ns, name)));
    }

    protected static void await(
            String what, Duration timeout, Callable<Boolean> condition, Supplier<String> lastState) {
        Conditions.await(what, timeout, Duration.ofMillis(500), condition, lastState);
    }
}
