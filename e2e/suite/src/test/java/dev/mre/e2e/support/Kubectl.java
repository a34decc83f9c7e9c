package dev.mre.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The real kubectl binary with a given kubeconfig. Every call is echoed to the progress log. */
public final class Kubectl {

    private final String binary;
    private final Path kubeconfig;
    private final Path workDir;

    public Kubectl(String binary, Path kubeconfig, Path workDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env("KUBECONFIG", kubeconfig.toString()).dir(workDir).timeout(timeout).run();
        Progress.command(r);
        return r;
    }

    /** Runs kubectl with input on stdin ({@code -f -}). */
    public Cmd.Result runWithStdin(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).env("KUBECONFIG", kubeconfig.toString()).dir(workDir).stdin(stdin).run();
        Progress.command(r);
        return r;
    }

    /** Runs kubectl and fails the test unless it exits 0. */
    public Cmd.Result ok(String... args) {
        return run(args).orThrow();
    }

    /** {@code kubectl get ... -o json}, parsed; empty when the object does not exist. */
    public Optional<JsonNode> getJson(String... args) {
        List<String> a = new ArrayList<>();
        a.add("get");
        a.addAll(List.of(args));
        a.add("-o");
        a.add("json");
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(a);
        // not echoed: polled in loops
        Cmd.Result r = Cmd.of(cmd).env("KUBECONFIG", kubeconfig.toString()).dir(workDir).run();
        if (!r.ok()) {
            if (r.stderr().contains("NotFound") || r.stderr().contains("not found")) {
                return Optional.empty();
            }
            throw new AssertionError("kubectl " + String.join(" ", a) + " failed: " + r.output());
        }
        return Optional.of(Json.parse(r.stdout()));
    }

    /** Like {@link #run} without echoing (for polling loops). */
    public Cmd.Result quiet(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        return Cmd.of(cmd).env("KUBECONFIG", kubeconfig.toString()).dir(workDir).run();
    }
}
