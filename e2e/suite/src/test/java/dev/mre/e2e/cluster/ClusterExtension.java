package dev.mre.e2e.cluster;

import dev.mre.e2e.harness.ControlPlane;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.harness.SuiteExtension;
import java.nio.file.Path;

/**
 * The cluster suite's environment on the {@link Harness} ({@link SuiteExtension}, on a control plane of kind
 * {@link ControlPlane.Kind#NODE}): the one-node cluster of e2e/testenv (or the cluster of E2E_KUBECONFIG), the CRD,
 * the operator image in the node's containerd, the SES emulator where pods reach it, the suite's namespaces. The
 * areas install the chart themselves, as a user would; the release is uninstalled before the harness stops the
 * emulator (and the node, when it was started here).
 */
public final class ClusterExtension extends SuiteExtension<ClusterEnv> {

    public ClusterExtension() {
        super(
                "cluster",
                Path.of(Params.str(
                        "cluster.work",
                        Repo.root().resolve("e2e/suite/target/cluster").toString())),
                "cluster, CRD, image, emulator",
                ControlPlane.Kind.NODE);
    }

    static ClusterEnv env() {
        return current(ClusterExtension.class);
    }

    @Override
    protected ClusterEnv start(Harness h) throws Exception {
        removeRelease(h);
        ClusterEnv env = ClusterEnv.start(h);
        h.namespace(ClusterEnv.NAMESPACE);
        h.namespace(ClusterEnv.EXAMPLES_NAMESPACE);
        return env;
    }

    @Override
    protected void beforeClose(ClusterEnv started, Harness harness) {
        removeRelease(harness);
    }

    /** The suite's release and its Secret, when left by this run or an aborted earlier one. */
    static void removeRelease(Harness h) {
        if (h.helm()
                .run("status", ClusterEnv.RELEASE, "-n", ClusterEnv.SYSTEM_NAMESPACE)
                .ok()) {
            h.helm()
                    .run(
                            "uninstall",
                            ClusterEnv.RELEASE,
                            "-n",
                            ClusterEnv.SYSTEM_NAMESPACE,
                            "--wait",
                            "--timeout",
                            "2m");
        }
        h.kubectl()
                .quiet(
                        "delete",
                        "secret",
                        ClusterEnv.CREDENTIALS_SECRET,
                        "-n",
                        ClusterEnv.SYSTEM_NAMESPACE,
                        "--ignore-not-found");
    }

    @Override
    protected String diagnostics(ClusterEnv started, Harness harness, String why) {
        var k = harness.kubectl();
        return harness.diagnostics(why)
                + "\npods of " + ClusterEnv.SYSTEM_NAMESPACE + ":\n"
                + k.quiet("get", "pods", "-n", ClusterEnv.SYSTEM_NAMESPACE, "-o", "wide")
                        .output()
                + "\noperator pod logs (last 80 lines each):\n"
                + k.quiet(
                                "logs",
                                "-n",
                                ClusterEnv.SYSTEM_NAMESPACE,
                                "-l",
                                "app.kubernetes.io/instance=" + ClusterEnv.RELEASE,
                                "--tail=80",
                                "--prefix")
                        .output()
                + "\nevents of " + ClusterEnv.SYSTEM_NAMESPACE + ":\n"
                + k.quiet("get", "events", "-n", ClusterEnv.SYSTEM_NAMESPACE, "--sort-by=.lastTimestamp")
                        .output();
    }
}
