package dev.mre.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The real kubectl binary with a given kubeconfig. Every call but the quiet ones is echoed to the progress log. */
public final class Kubectl {

    private final String binary;
    private final Path kubeconfig;
    private final Path workDir;

    public Kubectl(String binary, Path kubeconfig, Path workDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
    }

    /**
     * $KUBECTL, else the kubectl e2e/testenv built (same release as its kube-apiserver) when there, else kubectl on
     * the PATH: the suites never depend on the kubectl a machine happens to have when the testenv one exists.
     */
    public static String binary(Path testenvToolsDir) {
        return Repo.env("KUBECTL").orElseGet(() -> {
            Path built = testenvToolsDir.resolve("kubectl");
            return Files.isExecutable(built) ? built.toString() : "kubectl";
        });
    }

    public String binary() {
        return binary;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The same binary with another kubeconfig (e.g. the operator's ServiceAccount token). */
    public Kubectl withKubeconfig(Path other) {
        return new Kubectl(binary, other, workDir);
    }

    /** Runs kubectl, whatever the exit code. */
    public Cmd.Result run(String... args) {
        return run(Duration.ofMinutes(3), args);
    }

    public Cmd.Result run(Duration timeout, String... args) {
        return echo(command(args).timeout(timeout).run());
    }

    /** Runs kubectl with input on stdin ({@code -f -}). */
    public Cmd.Result runWithStdin(String stdin, String... args) {
        return echo(command(args).stdin(stdin).run());
    }

    /** Runs kubectl and fails the test unless it exits 0. */
    public Cmd.Result ok(String... args) {
        return run(args).orThrow();
    }

    /** Like {@link #run} without echoing (for polling). */
    public Cmd.Result quiet(String... args) {
        return command(args).run();
    }

    /** {@code kubectl get ... -o json}, parsed, not echoed; empty when the object does not exist. */
    public Optional<JsonNode> getJson(String... args) {
        List<String> a = new ArrayList<>(List.of("get"));
        a.addAll(List.of(args));
        a.addAll(List.of("-o", "json"));
        Cmd.Result r = quiet(a.toArray(String[]::new));
        if (!r.ok()) {
            if (r.stderr().contains("NotFound") || r.stderr().contains("not found")) {
                return Optional.empty();
            }
            throw new AssertionError("kubectl " + String.join(" ", a) + " failed: " + r.output());
        }
        return Optional.of(Json.parse(r.stdout()));
    }

    /**
     * A long-running kubectl (e.g. {@code get --watch}) whose stdout the caller reads line by line; stderr goes to
     * {@code stderr} (a file, or {@link ProcessBuilder.Redirect#DISCARD}).
     */
    public Process start(ProcessBuilder.Redirect stderr, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(stderr)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private Cmd command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary));
        cmd.addAll(List.of(args));
        return Cmd.of(cmd).env("KUBECONFIG", kubeconfig.toString()).dir(workDir);
    }

    private static Cmd.Result echo(Cmd.Result r) {
        Progress.command(r);
        return r;
    }
}
