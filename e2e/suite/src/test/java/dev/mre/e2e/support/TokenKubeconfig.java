package dev.mre.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * A kubeconfig that authenticates as a ServiceAccount with a bearer token from {@code kubectl create token}: how
 * the operator's Pod talks to the API server, so RBAC is the chart's, not the admin's.
 */
public final class TokenKubeconfig {

    private TokenKubeconfig() {
    }

    /**
     * Writes {@code file} (mode 0600) for {@code namespace/serviceAccount} on the cluster of {@code admin}'s
     * kubeconfig, with a token valid for {@code duration} (kubectl's syntax, e.g. "4h").
     */
    public static Path write(Kubectl admin, String serviceAccount, String namespace, String duration, Path file)
            throws IOException {
        String token = admin.quiet("create", "token", serviceAccount, "-n", namespace, "--duration=" + duration)
                .orThrow().stdout().trim();
        JsonNode config = Json.parse(admin.quiet("config", "view", "--raw", "--minify", "-o", "json").orThrow().stdout());
        JsonNode cluster = config.path("clusters").get(0).path("cluster");
        String server = cluster.path("server").asText();
        String ca = cluster.path("certificate-authority-data").asText("");
        if (ca.isEmpty() && cluster.has("certificate-authority")) {
            ca = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(cluster.path("certificate-authority").asText())));
        }
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: testenv
                    cluster:
                      server: %s
                      certificate-authority-data: %s
                users:
                  - name: %s
                    user:
                      token: %s
                contexts:
                  - name: operator
                    context:
                      cluster: testenv
                      user: %s
                      namespace: %s
                current-context: operator
                """.formatted(server, ca, serviceAccount, token, serviceAccount, namespace);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, yaml);
        Progress.log("  wrote %s: server %s, ServiceAccount %s/%s with a bearer token of %d characters (--duration=%s),"
                + " no client certificate", file, server, namespace, serviceAccount, token.length(), duration);
        return file;
    }
}
