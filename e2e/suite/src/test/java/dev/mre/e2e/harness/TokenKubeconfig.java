package dev.mre.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A kubeconfig that authenticates as a ServiceAccount with a bearer token from {@code kubectl create token}: how
 * the operator's Pod talks to the API server, so RBAC is the chart's, not the admin's. Written by
 * {@code hack/token-kubeconfig.sh}, the same script {@code make demo} runs, so that the demo and the tests give the
 * operator the same identity (a shell script because kubectl does all of the work; a Java main would need the test
 * classpath in the demo).
 */
public final class TokenKubeconfig {

    private TokenKubeconfig() {}

    /**
     * Writes {@code file} (mode 0600) for {@code namespace/serviceAccount} on the cluster of {@code admin}'s
     * kubeconfig, with a token valid for {@code duration} (kubectl's syntax, e.g. "4h").
     */
    public static Path write(Kubectl admin, String serviceAccount, String namespace, String duration, Path file)
            throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Cmd.Result r = Cmd.of(
                        "bash",
                        Repo.tokenKubeconfigScript().toString(),
                        namespace,
                        serviceAccount,
                        duration,
                        file.toString())
                .env("KUBECTL", admin.binary())
                .env("KUBECONFIG", admin.kubeconfig().toString())
                .timeout(Duration.ofMinutes(1))
                .run();
        Progress.command(r);
        r.orThrow();
        return file;
    }
}
