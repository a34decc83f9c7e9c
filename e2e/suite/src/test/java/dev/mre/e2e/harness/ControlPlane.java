package dev.mre.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes cluster a suite talks to, of one of two {@link Kind kinds} (an API server alone, or the one-node
 * cluster of e2e/testenv with kubelet, kube-proxy, scheduler and controller-manager), one of three origins:
 * <ul>
 *   <li>{@link Origin#EXTERNAL}: any cluster, given by a kubeconfig in {@code E2E_KUBECONFIG}; never started,
 *       stopped or restarted by the harness;</li>
 *   <li>{@link Origin#REUSED}: the e2e/testenv control plane of {@code TESTENV_WORK_DIR}, already running (e.g.
 *       the one {@code make test} shares across its suites through {@code testenv.sh with}); left running;</li>
 *   <li>{@link Origin#STARTED}: otherwise a testenv control plane is started in {@code TESTENV_WORK_DIR}, or in
 *       the suite's own folder {@code .work/testenv-<suite>}, and stopped by {@link #close()}.</li>
 * </ul>
 */
public final class ControlPlane implements AutoCloseable {

    public enum Origin {
        STARTED,
        REUSED,
        EXTERNAL
    }

    /**
     * What e2e/testenv runs: {@link #APISERVER} etcd + kube-apiserver ({@code testenv.sh up}, TESTENV_WORK_DIR,
     * default .work/testenv-&lt;suite&gt;); {@link #NODE} the one-node cluster ({@code testenv.sh node-up}, root,
     * TESTENV_NODE_WORK_DIR, default .work/cluster, where {@code make cluster-up} starts it).
     */
    public enum Kind {
        APISERVER,
        NODE
    }

    private static final String READY_LINE = "testenv ready: KUBECONFIG=";
    private static final String NODE_READY_LINE = "KUBECONFIG=";

    private final Path repo;
    private final Kind kind;
    private final Origin origin;
    private final Path testenvWork;
    private final Path adminKubeconfig;
    private final Path toolsDir;
    private String startedPid;
    private boolean closed;

    private ControlPlane(Path repo, Kind kind, Origin origin, Path testenvWork, Path adminKubeconfig, Path toolsDir) {
        this.repo = repo;
        this.kind = kind;
        this.origin = origin;
        this.testenvWork = testenvWork;
        this.adminKubeconfig = adminKubeconfig;
        this.toolsDir = toolsDir;
    }

    /** E2E_KUBECONFIG, else a running testenv in TESTENV_WORK_DIR, else a testenv started in TESTENV_WORK_DIR or {@code defaultWork}. */
    public static ControlPlane open(Path repo, Path defaultWork) {
        return open(repo, defaultWork, Kind.APISERVER);
    }

    /**
     * As {@link #open(Path, Path)} for a control plane of the given kind; for {@link Kind#NODE} the work dir is
     * TESTENV_NODE_WORK_DIR, else {@code defaultWork}.
     */
    public static ControlPlane open(Path repo, Path defaultWork, Kind kind) {
        Path toolsDir = Path.of(testenv(repo, null, Duration.ofSeconds(30), "tools-dir")
                .orThrow()
                .stdout()
                .trim());
        var external = Repo.env("E2E_KUBECONFIG");
        if (external.isPresent()) {
            Path kc = Path.of(external.get()).toAbsolutePath();
            if (!Files.isReadable(kc)) {
                throw new IllegalStateException("E2E_KUBECONFIG=" + kc + " is not a readable kubeconfig file");
            }
            Progress.log(
                    "control plane: the cluster of E2E_KUBECONFIG=%s (external: never started, stopped or restarted here)",
                    kc);
            return new ControlPlane(repo, kind, Origin.EXTERNAL, null, kc, toolsDir);
        }
        boolean node = kind == Kind.NODE;
        Path work = Repo.env(node ? "TESTENV_NODE_WORK_DIR" : "TESTENV_WORK_DIR")
                .map(Path::of)
                .orElse(defaultWork)
                .toAbsolutePath()
                .normalize();
        return testenvIn(repo, work, kind, toolsDir);
    }

    /**
     * A testenv control plane (etcd + kube-apiserver) of the caller's own in {@code work}, whatever E2E_KUBECONFIG
     * and TESTENV_WORK_DIR say: for a suite that needs a second cluster next to the one it runs on (A16, the cluster
     * an endpoint is handed over to). Started there and stopped by {@link #close()}; one an aborted run left running
     * there is reused and left running.
     */
    public static ControlPlane openOwn(Path repo, Path work) {
        Path toolsDir = Path.of(testenv(repo, null, Duration.ofSeconds(30), "tools-dir")
                .orThrow()
                .stdout()
                .trim());
        return testenvIn(repo, work.toAbsolutePath().normalize(), Kind.APISERVER, toolsDir);
    }

    private static ControlPlane testenvIn(Path repo, Path work, Kind kind, Path toolsDir) {
        boolean node = kind == Kind.NODE;
        String up = node ? "node-up" : "up";
        return Progress.value(
                "control plane: e2e/testenv/testenv.sh " + up + " ("
                        + (node ? "TESTENV_NODE_WORK_DIR=" : "TESTENV_WORK_DIR=") + work + ")",
                () -> {
                    boolean running = testenv(repo, work, Duration.ofSeconds(60), node ? "node-status" : "status")
                            .ok();
                    Cmd.Result r =
                            testenv(repo, work, Duration.ofMinutes(40), up).orThrow();
                    String ready = node ? NODE_READY_LINE : READY_LINE;
                    String line = r.stdout()
                            .lines()
                            .filter(l -> l.startsWith(ready))
                            .reduce((a, b) -> b)
                            .orElseThrow(() -> new IllegalStateException("no '" + ready + "' line in: " + r.output()));
                    ControlPlane cp = new ControlPlane(
                            repo,
                            kind,
                            running ? Origin.REUSED : Origin.STARTED,
                            work,
                            Path.of(line.substring(ready.length()).trim()),
                            toolsDir);
                    if (!running) {
                        cp.startedPid = cp.runnerPid();
                    }
                    Progress.log(
                            "  %s; admin kubeconfig %s",
                            running ? "already running: reused, left running" : "started here: stopped at the end",
                            cp.adminKubeconfig);
                    return cp;
                });
    }

    public Origin origin() {
        return origin;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * What the local one-node cluster publishes in its work dir's {@code env} file (TESTENV_NODE_IP,
     * TESTENV_POD_CIDR, TESTENV_CONTAINERD_ADDRESS, TESTENV_NODE_CGROUP_ROOT, ...); empty for an external cluster or
     * an API server alone.
     */
    public Map<String, String> nodeEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        if (kind != Kind.NODE || origin == Origin.EXTERNAL) {
            return env;
        }
        try {
            for (String line : Files.readAllLines(testenvWork.resolve("env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the one-node cluster's env file in " + testenvWork, e);
        }
        return env;
    }

    /** {@code testenv.sh node-load-image <archive>}: an image archive into the local node's containerd. */
    public void loadImage(Path archive) {
        if (kind != Kind.NODE || origin == Origin.EXTERNAL) {
            throw new IllegalStateException("images are loaded into the local one-node cluster only; on an external "
                    + "cluster load or push the image yourself");
        }
        testenv(repo, testenvWork, Duration.ofMinutes(10), "node-load-image", archive.toString())
                .orThrow();
    }

    /** A kubeconfig with cluster-admin rights (testenv: a client certificate in system:masters). */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** The folder of the binaries e2e/testenv builds (kubectl, helm, kube-apiserver, etcd). */
    public Path toolsDir() {
        return toolsDir;
    }

    /** Only a testenv control plane can restart its kube-apiserver on request. */
    public boolean canRestartApiserver() {
        return origin != Origin.EXTERNAL;
    }

    /** {@code testenv.sh restart-apiserver}: kube-apiserver stops and starts again (etcd, port and certs kept). */
    public Duration restartApiserver() {
        if (!canRestartApiserver()) {
            throw new IllegalStateException(
                    "cannot restart the kube-apiserver of an external cluster (E2E_KUBECONFIG)");
        }
        long t0 = System.nanoTime();
        testenv(repo, testenvWork, Duration.ofMinutes(3), "restart-apiserver").orThrow();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Waits until {@code kubectl get --raw /readyz} answers ok: what the next suite needs after a restart. */
    public void awaitHealthy(Kubectl admin, Duration timeout) {
        Conditions.await(
                "kube-apiserver /readyz ok",
                timeout,
                Duration.ofMillis(500),
                () -> admin.quiet("get", "--raw", "/readyz").ok(),
                () -> admin.quiet("get", "--raw", "/readyz").output());
    }

    /** {@code testenv.sh build}: when a tool (helm) is missing. */
    public void buildTools() {
        testenv(repo, testenvWork, Duration.ofMinutes(40), "build").orThrow();
    }

    private String runnerPid() {
        try {
            Path f = testenvWork.resolve("testenv.pid");
            return Files.exists(f) ? Files.readString(f).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops the control plane when it was started here (and nobody has restarted it since). */
    @Override
    public synchronized void close() {
        if (closed || origin != Origin.STARTED) {
            closed = true;
            return;
        }
        closed = true;
        String pid = runnerPid();
        if (startedPid == null || !startedPid.equals(pid)) {
            Progress.log(
                    "  control plane in %s is not the one started here (pid %s, ours %s): left alone",
                    testenvWork, pid, startedPid);
            return;
        }
        try {
            testenv(repo, testenvWork, Duration.ofMinutes(2), kind == Kind.NODE ? "node-down" : "down");
        } catch (RuntimeException | Error e) {
            Progress.log("  testenv down failed (continuing): %s", e);
        }
    }

    private static Cmd.Result testenv(Path repo, Path work, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.testenvScript().toString()));
        cmd.addAll(List.of(args));
        Cmd c = Cmd.of(cmd).dir(repo).timeout(timeout);
        if (work != null) {
            // the runner's commands (status, restart-apiserver) work on either kind's work dir
            c.env("TESTENV_WORK_DIR", work.toString());
            c.env("TESTENV_NODE_WORK_DIR", work.toString());
        }
        Cmd.Result r = c.run();
        Progress.command(r);
        return r;
    }
}
