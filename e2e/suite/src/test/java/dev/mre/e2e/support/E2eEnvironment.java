package dev.mre.e2e.support;

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
 * The environment every area shares, started once: the local control plane (e2e/testenv), the CRD applied with
 * kubectl, the Helm chart's ServiceAccount + RBAC, a token kubeconfig for that ServiceAccount, the SES emulator and
 * the operator, each a separate process. {@link #close()} stops what it started, also after a failure.
 */
public final class E2eEnvironment implements AutoCloseable {

    public static final String CLUSTER_ID = "e2e";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String OWNER_TAG = "ses.mre.dev/owner";
    public static final String FINALIZER = "ses.mre.dev/finalizer";
    public static final String CRD_NAME = "multiregionendpoints.ses.mre.dev";
    public static final String RELEASE = "ses-mre-operator";
    public static final String SYSTEM_NAMESPACE = "ses-mre-system";
    public static final String ACCESS_KEY = "AKIDEMULATOR";
    public static final String SECRET_KEY = "emulator-secret";
    public static final String ACCOUNT_ID = "123456789012";
    /** The namespaces the suite's objects live in. */
    public static final List<String> NAMESPACES = List.of("mail", "e2e-invalid", "e2e-crash", "e2e-watch", "e2e-kstatus");

    public final Path repo;
    public final Path work;
    public final Path logs;
    public Kubectl kubectl;
    public Kubectl operatorKubectl;
    public Path adminKubeconfig;
    public Path operatorKubeconfig;
    public Helm helm;
    public Emulator emulator;
    public OperatorProcess operator;
    public String serviceAccount;
    private final Path testenvSh;
    private final Map<String, String> testenvEnv = new LinkedHashMap<>();
    private boolean testenvWasRunning;
    private boolean testenvStartedHere;
    private boolean closed;

    private E2eEnvironment() {
        this.repo = repoRoot();
        this.work = Path.of(System.getProperty("e2e.work", repo.resolve("e2e/suite/target/e2e").toString()))
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
        while (p != null && !Files.exists(p.resolve("e2e/testenv/testenv.sh"))) {
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

    /** Starts everything; on failure stops what was started and rethrows. */
    public static E2eEnvironment start() {
        E2eEnvironment env = new E2eEnvironment();
        Runtime.getRuntime().addShutdownHook(new Thread(env::close, "e2e-teardown"));
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
        Progress.log("e2e suite: repository %s, work dir %s", repo, work);
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
                            + "`./mvnw -B -DskipTests install` (or `make e2e`)");
                }
            }
        });

        // the control plane: a work dir of its own so that `make demo` on the default testenv is never disturbed
        String twd = Optional.ofNullable(System.getenv("TESTENV_WORK_DIR")).filter(s -> !s.isBlank())
                .orElse(repo.resolve(".work/testenv-e2e").toString());
        testenvEnv.put("TESTENV_WORK_DIR", twd);
        Progress.step("control plane: e2e/testenv/testenv.sh up (TESTENV_WORK_DIR=" + twd + ")", () -> {
            testenvWasRunning = testenv(Duration.ofSeconds(60), "status").ok();
            Cmd.Result up = testenv(Duration.ofMinutes(40), "up").orThrow();
            testenvStartedHere = !testenvWasRunning;
            String line = up.stdout().lines().filter(l -> l.startsWith("testenv ready: KUBECONFIG="))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no KUBECONFIG in: " + up.output()));
            adminKubeconfig = Path.of(line.substring("testenv ready: KUBECONFIG=".length()).trim());
            Progress.log("  testenv %s; admin kubeconfig %s", testenvWasRunning ? "was already running (reused, left running)"
                    : "started (stopped at the end)", adminKubeconfig);
        });
        String kubectlBin = Optional.ofNullable(System.getenv("KUBECTL")).filter(s -> !s.isBlank()).orElse("kubectl");
        kubectl = new Kubectl(kubectlBin, adminKubeconfig, repo);
        helm = new Helm(Helm.binary(() -> testenv(Duration.ofSeconds(30), "tools-dir").orThrow().stdout()),
                adminKubeconfig, repo, work.resolve("helm-home"));
        kubectl.ok("version");

        if (testenvWasRunning) {
            Progress.step("reused control plane: remove leftovers of an earlier run", this::removeLeftovers);
        }

        Progress.step("1. CRD: kubectl apply -f crds/", () -> {
            kubectl.ok("apply", "-f", "crds/");
            kubectl.ok("wait", "--for=condition=Established", "crd/" + CRD_NAME, "--timeout=60s");
        });

        Progress.step("2. RBAC: helm install " + RELEASE + " helm/ses-mre-operator (deployment.enabled=false)", () -> {
            helm.run("install", RELEASE, "helm/ses-mre-operator", "-n", SYSTEM_NAMESPACE, "--create-namespace",
                    "--set", "deployment.enabled=false", "--wait", "--timeout", "2m").orThrow();
            serviceAccount = helm.serviceAccountOf(RELEASE, SYSTEM_NAMESPACE);
            Progress.log("  ServiceAccount of the release: %s/%s", SYSTEM_NAMESPACE, serviceAccount);
        });

        Progress.step("2. operator identity: kubectl create token + a kubeconfig for the ServiceAccount",
                () -> operatorKubeconfig = TokenKubeconfig.write(kubectl, serviceAccount, SYSTEM_NAMESPACE, "4h",
                        work.resolve("operator.kubeconfig")));
        operatorKubectl = kubectl.withKubeconfig(operatorKubeconfig);

        Progress.step("SES emulator: java -jar ses-emulator-*-all.jar --port 0", () -> {
            emulator = Emulator.start(emulatorJar(), logs.resolve("emulator.log"),
                    List.of("--create-delay", "2s", "--delete-delay", "2s", "--threads", "8"));
            Progress.log("  emulator at %s", emulator.endpoint());
        });

        Progress.step("2. operator: java -jar ses-mre-operator-*-all.jar (ServiceAccount token kubeconfig)", () -> {
            operator = new OperatorProcess(operatorJar(), logs.resolve("operator.log"), operatorEnv());
            operator.start();
            operator.awaitStarted(Duration.ofSeconds(90));
        });
    }

    public Map<String, String> operatorEnv() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("KUBECONFIG", operatorKubeconfig.toString());
        e.put("SES_MRE_SES_ENDPOINT", emulator.endpoint().toString());
        e.put("SES_MRE_ALLOW_INSECURE_ENDPOINT", "true");
        e.put("SES_MRE_DEFAULT_REGION", DEFAULT_REGION);
        e.put("SES_MRE_CLUSTER_ID", CLUSTER_ID);
        e.put("SES_MRE_RESYNC_PERIOD", "20s");
        e.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        e.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        e.put("AWS_REGION", DEFAULT_REGION);
        // its health/metrics server on any free port: 8080 may be taken on a developer machine or CI runner
        e.put("SES_MRE_OPS_PORT", "0");
        return e;
    }

    /** testenv.sh with the suite's TESTENV_WORK_DIR. */
    public Cmd.Result testenv(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(testenvSh.toString());
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env(testenvEnv).dir(repo).timeout(timeout).run();
        Progress.command(r);
        return r;
    }

    /** On a reused control plane: objects of an earlier (aborted) run, whose operator is gone, and the release. */
    private void removeLeftovers() {
        Cmd.Result list = kubectl.run("get", "multiregionendpoints.ses.mre.dev", "-A", "-o",
                "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}");
        if (list.ok()) {
            for (String nsName : list.stdout().lines().filter(l -> !l.isBlank()).toList()) {
                String[] p = nsName.split("/");
                kubectl.run("patch", "mre", p[1], "-n", p[0], "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
                kubectl.run("delete", "mre", p[1], "-n", p[0], "--ignore-not-found", "--wait=false");
            }
        }
        if (helm.run("status", RELEASE, "-n", SYSTEM_NAMESPACE).ok()) {
            helm.run("uninstall", RELEASE, "-n", SYSTEM_NAMESPACE, "--wait").orThrow();
        }
    }

    /** Operator log tail, emulator state, objects and events: printed when a test fails. */
    public void dumpDiagnostics(String why) {
        StringBuilder sb = new StringBuilder("\n---------- diagnostics (" + why + ") ----------\n");
        try {
            if (operator != null) {
                sb.append("operator log (").append(operator.log()).append("), last 300 lines:\n")
                        .append(OperatorProcess.tail(operator.logText(), 300)).append('\n');
            }
            if (emulator != null) {
                sb.append("emulator endpoints:\n");
                emulator.endpoints().forEach(e -> sb.append("  ").append(e).append('\n'));
                sb.append("emulator log (").append(emulator.log()).append("), last 30 lines:\n")
                        .append(OperatorProcess.tail(Files.readString(emulator.log()), 30)).append('\n');
            }
            if (kubectl != null) {
                sb.append(kubectl.quiet("get", "mre", "-A", "-o", "wide").output()).append('\n');
                String events = kubectl.quiet("get", "events", "-A", "--sort-by=.lastTimestamp").output();
                sb.append("events (last 40):\n").append(OperatorProcess.tail(events, 40)).append('\n');
            }
        } catch (Exception | AssertionError e) {
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
        Progress.log("teardown: stopping the operator and the emulator%s", testenvStartedHere
                ? ", then the control plane" : testenvWasRunning ? "; the control plane was running before: left running" : "");
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
        if (testenvStartedHere) {
            safely(() -> testenv(Duration.ofMinutes(2), "down"));
        } else if (testenvWasRunning && kubectl != null) {
            safely(this::removeLeftovers);
        }
        Progress.log("logs: %s", logs);
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            Progress.log("teardown step failed (continuing): %s", t);
        }
    }
}
