package dev.mre.e2e.perf.support;

import dev.mre.e2e.support.Cmd;
import dev.mre.e2e.support.Helm;
import dev.mre.e2e.support.Kubectl;
import dev.mre.e2e.support.Progress;
import dev.mre.e2e.support.TokenKubeconfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fresh local control plane of its own (e2e/testenv in its own TESTENV_WORK_DIR, so the e2e suite's and the
 * demo's clusters are never touched), with the CRD applied by kubectl, the chart's ServiceAccount + RBAC installed
 * by helm (deployment.enabled=false) and a token kubeconfig for that ServiceAccount: how the operator runs in a
 * cluster, minus the Pod. {@link #close()} stops the control plane.
 */
public final class PerfCluster implements AutoCloseable {

    public static final String SYSTEM_NAMESPACE = "ses-mre-system";
    public static final String RELEASE = "ses-mre-operator";
    public static final String CRD_NAME = "multiregionendpoints.ses.mre.dev";
    public static final String LEASE_NAME = "ses-mre-operator-leader";

    public final Path repo;
    public final Path work;
    public final Path testenvWork;
    public Kubectl kubectl;
    public Path adminKubeconfig;
    public Path operatorKubeconfig;
    public String serviceAccount;
    private Helm helm;
    private boolean closed;
    private String ownPid;

    private PerfCluster(Path repo, Path work, Path testenvWork) {
        this.repo = repo;
        this.work = work;
        this.testenvWork = testenvWork;
    }

    /** testenv down + up (a new etcd, nothing left from earlier runs), CRD, chart RBAC, ServiceAccount token. */
    public static PerfCluster startFresh(Path repo, Path work, Path testenvWork, boolean leaderElection) {
        PerfCluster c = new PerfCluster(repo, work, testenvWork);
        ChildProcesses.stopAllOnExit(c::close);
        try {
            c.doStart(leaderElection);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void doStart(boolean leaderElection) {
        Progress.step("control plane: testenv.sh down + up (TESTENV_WORK_DIR=" + testenvWork + ")", () -> {
            Files.createDirectories(work);
            testenv(Duration.ofMinutes(2), "down");
            Cmd.Result up = testenv(Duration.ofMinutes(40), "up").orThrow();
            String line = up.stdout().lines().filter(l -> l.startsWith("testenv ready: KUBECONFIG=")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no KUBECONFIG in: " + up.output()));
            adminKubeconfig = Path.of(line.substring("testenv ready: KUBECONFIG=".length()).trim());
            ownPid = testenvPid();
        });
        String kubectlBin = Optional.ofNullable(System.getenv("KUBECTL")).filter(s -> !s.isBlank()).orElse("kubectl");
        kubectl = new Kubectl(kubectlBin, adminKubeconfig, repo);
        helm = new Helm(Helm.binary(() -> testenv(Duration.ofSeconds(30), "tools-dir").orThrow().stdout()),
                adminKubeconfig, repo, work.resolve("helm-home"));
        Progress.step("CRD: kubectl apply -f crds/", () -> {
            kubectl.ok("apply", "-f", "crds/");
            kubectl.ok("wait", "--for=condition=Established", "crd/" + CRD_NAME, "--timeout=60s");
        });
        Progress.step("RBAC: helm install " + RELEASE + " (deployment.enabled=false"
                + (leaderElection ? ", leaderElection.enabled=true" : "") + ")", () -> {
            List<String> args = new ArrayList<>(List.of("install", RELEASE, "helm/ses-mre-operator", "-n",
                    SYSTEM_NAMESPACE, "--create-namespace", "--set", "deployment.enabled=false"));
            if (leaderElection) {
                args.addAll(List.of("--set", "leaderElection.enabled=true"));
            }
            args.addAll(List.of("--wait", "--timeout", "2m"));
            helm.run(args.toArray(String[]::new)).orThrow();
            serviceAccount = helm.serviceAccountOf(RELEASE, SYSTEM_NAMESPACE);
        });
        Progress.step("operator identity: kubectl create token " + serviceAccount,
                () -> operatorKubeconfig = TokenKubeconfig.write(kubectl, serviceAccount, SYSTEM_NAMESPACE, "12h",
                        work.resolve("operator.kubeconfig")));
    }

    public Cmd.Result testenv(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("e2e/testenv/testenv.sh").toString()));
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env("TESTENV_WORK_DIR", testenvWork.toString()).dir(repo).timeout(timeout).run();
        Progress.command(r);
        return r;
    }

    /** {@code testenv.sh restart-apiserver}: kube-apiserver stops and starts again (etcd, port and certs kept). */
    public Duration restartApiserver() {
        long t0 = System.nanoTime();
        testenv(Duration.ofMinutes(3), "restart-apiserver").orThrow();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private String testenvPid() {
        try {
            Path f = testenvWork.resolve("testenv.pid");
            return Files.exists(f) ? Files.readString(f).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Writes a multi-document manifest of {@code n} objects named {@code <prefix>-0000...} and returns its path. */
    public Path writeObjects(String namespace, String prefix, int n, String fileName) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("---\napiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n  name: ")
                    .append(objectName(prefix, i)).append("\n  namespace: ").append(namespace)
                    .append("\nspec:\n  details:\n    routesDetails:\n      - region: eu-west-1\n")
                    .append("  tags:\n    - {key: team, value: ").append(prefix).append("}\n");
        }
        Path f = work.resolve(fileName);
        Files.writeString(f, sb.toString());
        return f;
    }

    public static String objectName(String prefix, int i) {
        return String.format("%s-%04d", prefix, i);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String pid = testenvPid();
        if (ownPid == null || !ownPid.equals(pid)) {
            // someone else has (re)started a control plane in this work dir since: not ours to stop
            Progress.log("  control plane in %s is not the one this run started (pid %s, ours %s): left alone", testenvWork,
                    pid, ownPid);
            return;
        }
        try {
            testenv(Duration.ofMinutes(2), "down");
        } catch (RuntimeException | Error e) {
            Progress.log("testenv down failed (continuing): %s", e);
        }
    }
}
