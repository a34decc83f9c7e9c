package dev.mre.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Kubernetes' garbage collector for a control plane that runs only etcd and kube-apiserver (testenv {@code up}):
 * {@code kube-controller-manager --controllers=garbagecollector} from the testenv tools, with the admin kubeconfig,
 * no leader election and no serving port. It deletes dependents whose owners are gone, as in any real cluster; the
 * other controllers stay off, so nothing else in the suite changes. Stopped by {@link #close()}.
 */
public final class GarbageCollector implements AutoCloseable {

    private final Process process;
    private final Path log;

    private GarbageCollector(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static GarbageCollector start(ControlPlane cp, Path log) throws IOException {
        Path bin = cp.toolsDir().resolve("kube-controller-manager");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("no kube-controller-manager in " + cp.toolsDir()
                    + " (bash e2e/testenv/testenv.sh build builds it)");
        }
        List<String> cmd = List.of(
                bin.toString(),
                "--kubeconfig=" + cp.adminKubeconfig(),
                "--controllers=garbagecollector",
                "--leader-elect=false",
                "--secure-port=0",
                "--concurrent-gc-syncs=5");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Progress.log("  $ %s  → pid %d, log %s", String.join(" ", cmd), p.pid(), log);
        return new GarbageCollector(p, log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        return Processes.tail(log, 30);
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(10));
    }
}
