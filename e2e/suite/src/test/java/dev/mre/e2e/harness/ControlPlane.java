package dev.mre.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes API server a suite talks to, one of three:
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

    public enum Origin { STARTED, REUSED, EXTERNAL }

    private static final String READY_LINE = "testenv ready: KUBECONFIG=";

    private final Path repo;
    private final Origin origin;
    private final Path testenvWork;
    private final Path adminKubeconfig;
    private final Path toolsDir;
    private String startedPid;
    private boolean closed;

    private ControlPlane(Path repo, Origin origin, Path testenvWork, Path adminKubeconfig, Path toolsDir) {
        this.repo = repo;
        this.origin = origin;
        this.testenvWork = testenvWork;
        this.adminKubeconfig = adminKubeconfig;
        this.toolsDir = toolsDir;
    }

    /** E2E_KUBECONFIG, else a running testenv in TESTENV_WORK_DIR, else a testenv started in TESTENV_WORK_DIR or {@code defaultWork}. */
    public static ControlPlane open(Path repo, Path defaultWork) {
        Path toolsDir = Path.of(testenv(repo, null, Duration.ofSeconds(30), "tools-dir").orThrow().stdout().trim());
        var external = Repo.env("E2E_KUBECONFIG");
        if (external.isPresent()) {
            Path kc = Path.of(external.get()).toAbsolutePath();
            if (!Files.isReadable(kc)) {
                throw new IllegalStateException("E2E_KUBECONFIG=" + kc + " is not a readable kubeconfig file");
            }
            Progress.log("control plane: the cluster of E2E_KUBECONFIG=%s (external: never started, stopped or restarted here)", kc);
            return new ControlPlane(repo, Origin.EXTERNAL, null, kc, toolsDir);
        }
        Path work = Repo.env("TESTENV_WORK_DIR").map(Path::of).orElse(defaultWork).toAbsolutePath().normalize();
        return Progress.value("control plane: e2e/testenv/testenv.sh up (TESTENV_WORK_DIR=" + work + ")", () -> {
            boolean running = testenv(repo, work, Duration.ofSeconds(60), "status").ok();
            Cmd.Result up = testenv(repo, work, Duration.ofMinutes(40), "up").orThrow();
            String line = up.stdout().lines().filter(l -> l.startsWith(READY_LINE)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no '" + READY_LINE + "' line in: " + up.output()));
            ControlPlane cp = new ControlPlane(repo, running ? Origin.REUSED : Origin.STARTED, work,
                    Path.of(line.substring(READY_LINE.length()).trim()), toolsDir);
            if (!running) {
                cp.startedPid = cp.runnerPid();
            }
            Progress.log("  %s; admin kubeconfig %s", running ? "already running: reused, left running"
                    : "started here: stopped at the end", cp.adminKubeconfig);
            return cp;
        });
    }

    public Origin origin() {
        return origin;
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
            throw new IllegalStateException("cannot restart the kube-apiserver of an external cluster (E2E_KUBECONFIG)");
        }
        long t0 = System.nanoTime();
        testenv(repo, testenvWork, Duration.ofMinutes(3), "restart-apiserver").orThrow();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Waits until {@code kubectl get --raw /readyz} answers ok: what the next suite needs after a restart. */
    public void awaitHealthy(Kubectl admin, Duration timeout) {
        Conditions.await("kube-apiserver /readyz ok", timeout, Duration.ofMillis(500),
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
            Progress.log("  control plane in %s is not the one started here (pid %s, ours %s): left alone", testenvWork,
                    pid, startedPid);
            return;
        }
        try {
            testenv(repo, testenvWork, Duration.ofMinutes(2), "down");
        } catch (RuntimeException | Error e) {
            Progress.log("  testenv down failed (continuing): %s", e);
        }
    }

    private static Cmd.Result testenv(Path repo, Path work, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.testenvScript().toString()));
        cmd.addAll(List.of(args));
        Cmd c = Cmd.of(cmd).dir(repo).timeout(timeout);
        if (work != null) {
            c.env("TESTENV_WORK_DIR", work.toString());
        }
        Cmd.Result r = c.run();
        Progress.command(r);
        return r;
    }
}
