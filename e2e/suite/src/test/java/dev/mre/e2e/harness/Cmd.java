package dev.mre.e2e.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external command (kubectl, helm, testenv.sh) to completion, as a user would type it. */
public final class Cmd {

    /** The outcome of one command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** stdout and stderr together, for messages. */
        public String output() {
            return (stdout + (stderr.isEmpty() ? "" : "\n" + stderr)).strip();
        }

        public String commandLine() {
            return String.join(" ", command);
        }

        /** Throws unless the command exited 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new AssertionError("command failed (exit " + exitCode + "): " + commandLine() + "\n" + output());
            }
            return this;
        }

        @Override
        public String toString() {
            return "$ " + commandLine() + "  [exit " + exitCode + ", " + took.toMillis() + " ms]\n" + output();
        }
    }

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private Path dir;
    private String stdin;
    private Duration timeout = Duration.ofMinutes(2);

    private Cmd(List<String> command) {
        this.command.addAll(command);
    }

    public static Cmd of(String... command) {
        return new Cmd(List.of(command));
    }

    public static Cmd of(List<String> command) {
        return new Cmd(command);
    }

    public Cmd env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Cmd env(Map<String, String> vars) {
        env.putAll(vars);
        return this;
    }

    public Cmd dir(Path dir) {
        this.dir = dir;
        return this;
    }

    public Cmd stdin(String input) {
        this.stdin = input;
        return this;
    }

    public Cmd timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public Result run() {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command) + "\n"
                        + out.getNow("") + err.getNow(""));
            }
            return new Result(
                    List.copyOf(command),
                    p.exitValue(),
                    out.get(30, TimeUnit.SECONDS),
                    err.get(30, TimeUnit.SECONDS),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted: " + command, e);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("running " + command, e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
