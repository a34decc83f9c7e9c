package dev.mre.e2e.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ArgoCD's application controller, repo server and Redis as processes ({@code e2e/argocd/argocd.sh up}) against the
 * suite's control plane, and what a user reads of its Applications with kubectl.
 */
public final class ArgoCd implements AutoCloseable {

    public static final String NAMESPACE = "argocd";

    private final Path script;
    private final Path repo;
    private final Map<String, String> scriptEnv = new LinkedHashMap<>();
    private final Kubectl kubectl;
    private Map<String, String> running = Map.of();
    private boolean started;

    /**
     * @param workDir ARGOCD_WORK_DIR (pids, logs, Redis config, the repo server's clones)
     * @param kubectl admin kubectl of the cluster ArgoCD is installed into and manages (its in-cluster destination)
     * @param resync  every Application's resync period (argocd-cm's timeout.reconciliation)
     */
    public ArgoCd(Path repo, Path workDir, Kubectl kubectl, Duration resync) {
        this.repo = repo;
        this.script = repo.resolve("e2e/argocd/argocd.sh");
        this.kubectl = kubectl;
        scriptEnv.put("KUBECONFIG", kubectl.kubeconfig().toString());
        scriptEnv.put("KUBECTL", kubectl.binary());
        scriptEnv.put("ARGOCD_WORK_DIR", workDir.toString());
        scriptEnv.put("ARGOCD_APP_RESYNC_SECONDS", Long.toString(resync.toSeconds()));
    }

    /** Builds if needed, installs ArgoCD's CRDs and config, starts the three processes, waits until they answer. */
    public void start() {
        started = true;
        Cmd.Result up = script(Duration.ofMinutes(40), "up").orThrow();
        String line = up.stdout()
                .lines()
                .filter(l -> l.startsWith("argocd ready: "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("argocd.sh up printed no ready line: " + up.output()));
        Map<String, String> kv = new LinkedHashMap<>();
        for (String pair : line.substring("argocd ready: ".length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                kv.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        running = Map.copyOf(kv);
        Progress.log("  ArgoCD %s: %s", version(), running);
    }

    public String version() {
        return running.getOrDefault("ARGOCD_VERSION", "?");
    }

    /** The folder of the application controller's and repo server's logs. */
    public Path logs() {
        return Path.of(running.getOrDefault(
                "ARGOCD_LOGS", repo.resolve(".work/argocd/logs").toString()));
    }

    public Cmd.Result script(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env(scriptEnv).dir(repo).timeout(timeout).run();
        Progress.command(r);
        return r;
    }

    /** {@code kubectl apply} of an Application (or AppProject) manifest into the argocd namespace. */
    public void apply(String yaml) {
        kubectl.runWithStdin(yaml, "apply", "-n", NAMESPACE, "-f", "-").orThrow();
    }

    public Optional<JsonNode> application(String name) {
        return kubectl.getJson("applications.argoproj.io", name, "-n", NAMESPACE);
    }

    public JsonNode requireApplication(String name) {
        return application(name).orElseThrow(() -> new AssertionError("no Application " + name));
    }

    /** Asks the controller to compare again now (the annotation argocd's CLI and UI set for "Refresh"). */
    public void refresh(String name) {
        kubectl.ok(
                "annotate",
                "applications.argoproj.io",
                name,
                "-n",
                NAMESPACE,
                "--overwrite",
                "argocd.argoproj.io/refresh=normal");
    }

    public void deleteApplication(String name) {
        kubectl.run(
                "delete",
                "applications.argoproj.io",
                name,
                "-n",
                NAMESPACE,
                "--ignore-not-found",
                "--wait=true",
                "--timeout=120s");
    }

    // ---------------------------------------------------------------------------------------------------------
    // reading an Application's status

    public static String syncStatus(JsonNode app) {
        return app.path("status").path("sync").path("status").asText("");
    }

    public static String healthStatus(JsonNode app) {
        return app.path("status").path("health").path("status").asText("");
    }

    /** The revision ArgoCD compared with (single source). */
    public static String syncedRevision(JsonNode app) {
        return app.path("status").path("sync").path("revision").asText("");
    }

    public static String operationPhase(JsonNode app) {
        return app.path("status").path("operationState").path("phase").asText("");
    }

    public static String operationMessage(JsonNode app) {
        return app.path("status").path("operationState").path("message").asText("");
    }

    /** The revision of the last sync operation (single source). */
    public static String operationRevision(JsonNode app) {
        return app.path("status")
                .path("operationState")
                .path("syncResult")
                .path("revision")
                .asText("");
    }

    public static String reconciledAt(JsonNode app) {
        return app.path("status").path("reconciledAt").asText("");
    }

    /** An entry of status.resources: sync status and (persisted) health of one managed object. */
    public static Optional<JsonNode> resource(JsonNode app, String kind, String namespace, String name) {
        for (JsonNode r : app.path("status").path("resources")) {
            if (kind.equals(r.path("kind").asText())
                    && name.equals(r.path("name").asText())
                    && namespace.equals(r.path("namespace").asText(""))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * An entry of the last sync operation's results for one object; {@code namespace} null for a cluster-scoped
     * object (ArgoCD records those with the Application's destination namespace).
     */
    public static Optional<JsonNode> syncResult(JsonNode app, String kind, String namespace, String name) {
        for (JsonNode r :
                app.path("status").path("operationState").path("syncResult").path("resources")) {
            if (kind.equals(r.path("kind").asText())
                    && name.equals(r.path("name").asText())
                    && (namespace == null
                            || namespace.equals(r.path("namespace").asText("")))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** One line for failure messages: sync, health, operation and every resource's state. */
    public static String describe(JsonNode app) {
        StringBuilder sb = new StringBuilder();
        sb.append("sync ")
                .append(syncStatus(app))
                .append(" @ ")
                .append(abbrev(syncedRevision(app)))
                .append(", health ")
                .append(healthStatus(app))
                .append(", operation ")
                .append(operationPhase(app).isEmpty() ? "-" : operationPhase(app))
                .append(operationMessage(app).isEmpty() ? "" : " (" + operationMessage(app) + ")")
                .append(", reconciledAt ")
                .append(reconciledAt(app));
        for (JsonNode r : app.path("status").path("resources")) {
            sb.append("\n    ")
                    .append(r.path("kind").asText())
                    .append(' ')
                    .append(r.path("namespace").asText(""))
                    .append('/')
                    .append(r.path("name").asText())
                    .append(": ")
                    .append(r.path("status").asText("-"))
                    .append(", ")
                    .append(r.path("health").path("status").asText("-"));
            String msg = r.path("health").path("message").asText("");
            if (!msg.isEmpty()) {
                sb.append(" \"").append(msg).append('"');
            }
        }
        for (JsonNode c : app.path("status").path("conditions")) {
            sb.append("\n    condition ")
                    .append(c.path("type").asText())
                    .append(": ")
                    .append(c.path("message").asText());
        }
        return sb.toString();
    }

    private static String abbrev(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** Stops the processes (ArgoCD's objects stay in the cluster, which goes with the suite's control plane). */
    @Override
    public void close() {
        if (started) {
            script(Duration.ofMinutes(2), "down");
        }
    }
}
