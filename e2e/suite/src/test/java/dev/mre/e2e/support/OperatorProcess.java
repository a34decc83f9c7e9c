package dev.mre.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator jar as a separate process (as it would run outside the cluster), with the ServiceAccount-token
 * kubeconfig and the emulator as SES. Output goes to one log file, appended across restarts.
 */
public final class OperatorProcess implements AutoCloseable {

    private final Path jar;
    private final Path log;
    private final Map<String, String> env;
    private Process process;
    private int starts;

    public OperatorProcess(Path jar, Path log, Map<String, String> env) {
        this.jar = jar;
        this.log = log;
        this.env = Map.copyOf(env);
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("operator already running (pid " + process.pid() + ")");
        }
        starts++;
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.format("%n===== e2e: operator start #%d at %s =====%n", starts, Instant.now()),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>(List.of(Emulator.javaBinary(), "-Xmx384m", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> e = pb.environment();
        // no ambient AWS or cluster identity may leak into the operator: only what the suite gives it
        e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SES_MRE_") || k.equals("KUBECONFIG")
                || k.startsWith("KUBERNETES_"));
        e.putAll(env);
        process = pb.start();
        Progress.log("  operator start #%d: pid %d, %s, log %s", starts, process.pid(),
                env.entrySet().stream().filter(x -> !x.getKey().contains("SECRET")).sorted(Map.Entry.comparingByKey())
                        .map(x -> x.getKey() + "=" + x.getValue()).toList(), log);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public int starts() {
        return starts;
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Waits until the log of the current start shows the operator started (its "started" line). */
    public void awaitStarted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String marker = "===== e2e: operator start #" + starts + " ";
        while (System.nanoTime() < deadline) {
            String text = logText();
            int at = text.lastIndexOf(marker);
            String current = at < 0 ? text : text.substring(at);
            if (!isAlive()) {
                throw new AssertionError("the operator exited (" + process.exitValue() + "); log:\n" + tail(current, 80));
            }
            if (current.lines().anyMatch(l -> l.matches(".*(\\bMain - started\\b|\"message\":\"started\\b).*"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the operator did not log 'started' within " + timeout + "; log:\n" + tail(logText(), 80));
    }

    /** {@code kill -9 <pid>}: no shutdown hook, no cleanup, as a node crash or OOM kill would. */
    public synchronized void kill9() throws InterruptedException {
        long pid = process.pid();
        Cmd.Result r = Cmd.of("kill", "-9", Long.toString(pid)).run();
        Progress.command(r);
        r.orThrow();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("operator pid " + pid + " still alive after kill -9");
        }
        Progress.log("  operator pid %d killed (exit %d)", pid, process.exitValue());
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Progress.log("  operator pid %d stopped (exit %d)", process.pid(), process.isAlive() ? -1 : process.exitValue());
    }

    public static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
