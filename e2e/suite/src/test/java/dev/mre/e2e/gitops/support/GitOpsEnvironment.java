package dev.mre.e2e.gitops.support;

import dev.mre.e2e.support.Cmd;
import dev.mre.e2e.support.Emulator;
import dev.mre.e2e.support.Helm;
import dev.mre.e2e.support.Kubectl;
import dev.mre.e2e.support.OperatorProcess;
import dev.mre.e2e.support.Progress;
import dev.mre.e2e.support.TokenKubeconfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the gitops-e2e areas share, started once: a control plane of its own (e2e/testenv in a separate work dir,
 * always fresh: the first area needs a cluster where the MultiRegionEndpoint CRD does not exist yet, and ArgoCD's
 * cluster-wide install and watches must not reach the other suites' clusters), ArgoCD as processes, the local Git
 * repository holding the project's {@code examples/} and {@code helm/ses-mre-operator/}, and the SES emulator. The
 * operator is started by {@link #startOperator} once ArgoCD has installed the chart (its ServiceAccount and RBAC):
 * it runs under that ServiceAccount's token, as in the e2e suite.
 *
 * <p>Seams to the shared e2e harness: the control plane ({@link #testenv}), the emulator and the operator process
 * types, {@link TokenKubeconfig}, {@link Kubectl}, {@link Helm#binary} and {@link Progress} are the e2e suite's own.
 */
public final class GitOpsEnvironment implements AutoCloseable {

    public static final String CLUSTER_ID = "gitops";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String OWNER_TAG = "ses.mre.dev/owner";
    public static final String FINALIZER = "ses.mre.dev/finalizer";
    public static final String CRD_NAME = "multiregionendpoints.ses.mre.dev";
    public static final String ACCESS_KEY = "AKIDEMULATOR";
    public static final String SECRET_KEY = "emulator-secret";
    /** Every Application's resync period (argocd-cm timeout.reconciliation); also how often Git is polled. */
    public static final Duration RESYNC = Duration.ofSeconds(10);

    public final Path repo;
    public final Path work;
    public final Path logs;
    public Kubectl kubectl;
    public Path adminKubeconfig;
    public ArgoCd argocd;
    public GitRepo git;
    public Emulator emulator;
    public OperatorProcess operator;
    public Path operatorKubeconfig;
    private final Path testenvSh;
    private final Map<String, String> testenvEnv = new LinkedHashMap<>();
    private boolean testenvStarted;
    private boolean closed;

    private GitOpsEnvironment() {
        this.repo = repoRoot();
        this.work = Path.of(System.getProperty("gitops.work", repo.resolve("e2e/suite/target/gitops").toString()))
                .toAbsolutePath().normalize();
        this.logs = work.resolve("logs");
        this.testenvSh = repo.resolve("e2e/testenv/testenv.sh");
    }

    static Path repoRoot() {
        String prop = System.getProperty("e2e.repo");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("e2e/argocd/argocd.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (set -De2e.repo=...)");
        }
        return p;
    }

    public Path operatorJar() {
        return repo.resolve("operator/target/ses-mre-operator-0.1.0-SNAPSHOT-all.jar");
    }

    public Path emulatorJar() {
        return repo.resolve("e2e/ses-emulator/target/ses-emulator-0.1.0-SNAPSHOT-all.jar");
    }

    /** Starts everything but the operator; on failure stops what was started and rethrows. */
    public static GitOpsEnvironment start() {
        GitOpsEnvironment env = new GitOpsEnvironment();
        Runtime.getRuntime().addShutdownHook(new Thread(env::close, "gitops-teardown"));
        try {
            env.doStart();
            return env;
        } catch (Throwable e) {
            Progress.log("environment setup FAILED: %s", e);
            env.dumpDiagnostics("setup failed");
            env.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException("environment setup failed", e);
        }
    }

    private void doStart() throws Exception {
        Progress.log("gitops-e2e suite: repository %s, work dir %s", repo, work);
        Files.createDirectories(logs);
        try (Stream<Path> old = Files.list(logs)) {
            for (Path f : old.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Progress.step("check the jars are built", () -> {
            for (Path jar : List.of(operatorJar(), emulatorJar())) {
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " is missing: build the jars first with "
                            + "`./mvnw -B -DskipTests install` (or `make gitops-e2e`)");
                }
            }
        });

        String twd = Optional.ofNullable(System.getenv("GITOPS_TESTENV_WORK_DIR")).filter(s -> !s.isBlank())
                .orElse(repo.resolve(".work/testenv-gitops").toString());
        testenvEnv.put("TESTENV_WORK_DIR", twd);
        Progress.step("control plane: e2e/testenv/testenv.sh down + up (fresh, TESTENV_WORK_DIR=" + twd + ")", () -> {
            testenv(Duration.ofMinutes(2), "down");
            testenvStarted = true;
            Cmd.Result up = testenv(Duration.ofMinutes(40), "up").orThrow();
            String line = up.stdout().lines().filter(l -> l.startsWith("testenv ready: KUBECONFIG=")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no KUBECONFIG in: " + up.output()));
            adminKubeconfig = Path.of(line.substring("testenv ready: KUBECONFIG=".length()).trim());
        });
        String toolsDir = testenv(Duration.ofSeconds(30), "tools-dir").orThrow().stdout().trim();
        String kubectlBin = Optional.ofNullable(System.getenv("KUBECTL")).filter(s -> !s.isBlank())
                .orElse(Files.isExecutable(Path.of(toolsDir, "kubectl")) ? toolsDir + "/kubectl" : "kubectl");
        kubectl = new Kubectl(kubectlBin, adminKubeconfig, repo);
        // the helm ArgoCD's repo server runs to render the chart
        String helmBin = Helm.binary(() -> toolsDir).toString();
        kubectl.ok("version");

        Progress.step("ArgoCD: e2e/argocd/argocd.sh up (CRDs, argocd-cm with health.lua, Redis, repo server, "
                + "application controller)", () -> {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("HELM", helmBin);
            extra.put("KUBECTL", kubectlBin);
            argocd = new ArgoCd(repo, repo.resolve(".work/argocd-gitops"), kubectl, RESYNC, extra);
            argocd.start();
        });

        Progress.step("Git: a local repository with the project's examples/ and helm/ses-mre-operator/", () -> {
            git = GitRepo.create(work.resolve("git"));
            git.copyFrom(repo, "examples").copyFrom(repo, "helm/ses-mre-operator");
            git.commitAndPush("the project's examples and chart");
        });

        Progress.step("SES emulator: java -jar ses-emulator-*-all.jar --port 0", () -> {
            emulator = Emulator.start(emulatorJar(), logs.resolve("emulator.log"),
                    List.of("--create-delay", "2s", "--delete-delay", "2s", "--threads", "8"));
            Progress.log("  emulator at %s", emulator.endpoint());
        });
    }

    /**
     * Starts the operator jar under the token of {@code namespace/serviceAccount} (installed by ArgoCD from the
     * chart), with the emulator as SES; waits until it logged "started".
     */
    public synchronized void startOperator(String namespace, String serviceAccount) throws Exception {
        if (operator != null && operator.isAlive()) {
            return;
        }
        operatorKubeconfig = TokenKubeconfig.write(kubectl, serviceAccount, namespace, "4h",
                work.resolve("operator.kubeconfig"));
        Map<String, String> e = new LinkedHashMap<>();
        e.put("KUBECONFIG", operatorKubeconfig.toString());
        e.put("SES_MRE_SES_ENDPOINT", emulator.endpoint().toString());
        // the emulator speaks plain http on loopback
        e.put("SES_MRE_ALLOW_INSECURE_ENDPOINT", "true");
        e.put("SES_MRE_DEFAULT_REGION", DEFAULT_REGION);
        e.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
        e.put("SES_MRE_RESYNC_PERIOD", "20s");
        e.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        e.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        e.put("AWS_REGION", DEFAULT_REGION);
        e.put("SES_MRE_OPS_PORT", "0");
        operator = new OperatorProcess(operatorJar(), logs.resolve("operator.log"), e);
        operator.start();
        operator.awaitStarted(Duration.ofSeconds(90));
    }

    /** The operator, which the first area starts; the later areas need it. */
    public OperatorProcess requireOperator() {
        if (operator == null || !operator.isAlive()) {
            throw new IllegalStateException("the operator is not running: it starts once ArgoCD has installed the "
                    + "chart (first area); see the failures above");
        }
        return operator;
    }

    public Cmd.Result testenv(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(testenvSh.toString());
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env(testenvEnv).dir(repo).timeout(timeout).run();
        Progress.command(r);
        return r;
    }

    /** Applications, objects, SES, operator and ArgoCD log tails: printed when a test fails. */
    public void dumpDiagnostics(String why) {
        StringBuilder sb = new StringBuilder("\n---------- diagnostics (" + why + ") ----------\n");
        try {
            if (kubectl != null) {
                Cmd.Result apps = kubectl.quiet("get", "applications.argoproj.io", "-n", ArgoCd.NAMESPACE, "-o", "json");
                if (apps.ok()) {
                    for (var app : dev.mre.e2e.support.Json.parse(apps.stdout()).path("items")) {
                        sb.append("Application ").append(app.path("metadata").path("name").asText()).append(": ")
                                .append(ArgoCd.describe(app)).append('\n');
                    }
                }
                sb.append(kubectl.quiet("get", "mre", "-A", "-o", "wide").output()).append('\n');
                String events = kubectl.quiet("get", "events", "-A", "--sort-by=.lastTimestamp").output();
                sb.append("events (last 30):\n").append(OperatorProcess.tail(events, 30)).append('\n');
            }
            if (emulator != null) {
                sb.append("emulator endpoints:\n");
                emulator.endpoints().forEach(e -> sb.append("  ").append(e).append('\n'));
            }
            if (operator != null) {
                sb.append("operator log (").append(operator.log()).append("), last 60 lines:\n")
                        .append(OperatorProcess.tail(operator.logText(), 60)).append('\n');
            }
            if (argocd != null) {
                for (String component : List.of("application-controller", "repo-server")) {
                    Path f = argocd.logs().resolve(component + ".log");
                    if (Files.exists(f)) {
                        sb.append(component).append(" log (").append(f).append("), last 40 lines:\n")
                                .append(OperatorProcess.tail(Files.readString(f), 40)).append('\n');
                    }
                }
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            sb.append("(diagnostics incomplete: ").append(e).append(")\n");
        }
        sb.append("---------- end of diagnostics ----------");
        Progress.log("%s", sb);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Progress.log("teardown: operator, emulator, ArgoCD, then the control plane");
        safely(() -> {
            if (operator != null) {
                operator.close();
            }
        });
        safely(() -> {
            if (emulator != null) {
                emulator.close();
            }
        });
        safely(() -> {
            if (argocd != null) {
                argocd.close();
            }
        });
        if (testenvStarted) {
            safely(() -> testenv(Duration.ofMinutes(2), "down"));
        }
        Progress.log("logs: %s and %s", logs, argocd == null ? "-" : argocd.logs());
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            Progress.log("teardown step failed (continuing): %s", t);
        }
    }
}
