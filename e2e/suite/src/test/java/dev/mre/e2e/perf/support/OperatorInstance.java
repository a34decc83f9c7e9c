package dev.mre.e2e.perf.support;

import dev.mre.e2e.support.Progress;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator process ({@code java -jar ses-mre-operator-*-all.jar}) with the JVM memory settings of the chart's
 * Pod emulated: the chart sets {@code JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75} under a 512Mi memory limit, where
 * the container-aware JVM sees 512 MiB of memory, sizes the heap at 384 MiB and, below 1792 MiB, does not treat the
 * machine as a server: it picks the Serial GC. {@code -XX:MaxRAM=512m} reproduces the heap size but not the GC
 * choice (measured: G1 stays selected, with about 40 MiB more GC memory), hence the explicit
 * {@code -XX:+UseSerialGC}. Knows its start instant, its ops port (/readyz, /metrics) and its /proc figures.
 */
public final class OperatorInstance implements AutoCloseable {

    /** What the chart's container runs with (values.yaml operator.javaToolOptions) under its 512Mi limit. */
    public static final String JAVA_TOOL_OPTIONS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern STATUS_KB = Pattern.compile("^(Vm\\w+):\\s+(\\d+) kB", Pattern.MULTILINE);

    public final String name;
    public final int opsPort;
    public final Path log;
    private final Process process;
    private final long startNanos;
    public final Instant startedAt;
    private volatile boolean killed;

    private OperatorInstance(String name, int opsPort, Path log, Process process, long startNanos, Instant startedAt) {
        this.name = name;
        this.opsPort = opsPort;
        this.log = log;
        this.process = process;
        this.startNanos = startNanos;
        this.startedAt = startedAt;
    }

    /**
     * Starts the jar; {@code env} is the operator's whole configuration (nothing ambient leaks in: AWS_*, SES_MRE_*,
     * KUBECONFIG and JVM option variables of this JVM are removed first). SES_MRE_OPS_PORT is added.
     */
    public static OperatorInstance start(String name, Path jar, Path log, Map<String, String> env) throws IOException {
        if (ChildProcesses.shuttingDown()) {
            throw new IllegalStateException("the JVM is stopping: operator " + name + " not started");
        }
        int port = freePort();
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.format("%n===== perf: operator %s start at %s =====%n", name, Instant.now()),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SES_MRE_") || k.equals("KUBECONFIG")
                || k.startsWith("KUBERNETES_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS")
                || k.equals("_JAVA_OPTIONS") || k.equals("POD_NAME"));
        e.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        e.putAll(env);
        e.put("SES_MRE_OPS_PORT", Integer.toString(port));
        long t0 = System.nanoTime();
        Instant at = Instant.now();
        Process p = pb.start();
        Progress.log("  operator %s: pid %d, ops port %d, log %s, env %s", name, p.pid(), port, log,
                env.entrySet().stream().filter(x -> !x.getKey().contains("SECRET") && !x.getKey().equals("KUBECONFIG"))
                        .sorted(Map.Entry.comparingByKey()).map(x -> x.getKey() + "=" + x.getValue()).toList());
        return new OperatorInstance(name, port, log, p, t0, at);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public boolean killedByUs() {
        return killed;
    }

    public OptionalLong exitCode() {
        return process.isAlive() ? OptionalLong.empty() : OptionalLong.of(process.exitValue());
    }

    /** Polls /readyz every 25 ms; returns the time from process start until the first 200. */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + opsPort + "/readyz");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("operator " + name + " exited (" + process.exitValue() + ") before /readyz; log:\n"
                        + tail(60));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
            } catch (IOException ignored) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        throw new AssertionError("operator " + name + " not ready within " + timeout + "; log:\n" + tail(60));
    }

    /** The Prometheus text of /metrics, or empty when it cannot be read. */
    public String metrics() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Sum of the samples of a metric whose label set contains every {@code k="v"} given. */
    public static double metricSum(String text, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (!all) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            try {
                sum += Double.parseDouble(line.substring(sp + 1));
                found = true;
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return found ? sum : Double.NaN;
    }

    /** VmRSS, VmHWM, ... in kB from /proc/&lt;pid&gt;/status; empty map once the process is gone. */
    public Map<String, Long> procStatus() {
        try {
            String s = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
            Map<String, Long> m = new java.util.HashMap<>();
            Matcher matcher = STATUS_KB.matcher(s);
            while (matcher.find()) {
                m.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
            return m;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** SIGKILL (kill -9): no shutdown hook, as an OOM kill or a node crash. Returns when the process is gone. */
    public Instant kill9() throws InterruptedException {
        killed = true;
        Instant at = Instant.now();
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError("operator " + name + " (pid " + process.pid() + ") survived SIGKILL");
        }
        Progress.log("  kill -9 operator %s (pid %d) at %s: exit %d", name, process.pid(), at, process.exitValue());
        return at;
    }

    /** SIGTERM (the graceful stop the JVM shutdown hook handles), SIGKILL after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        killed = true;
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Progress.log("  operator %s (pid %d) stopped, exit %s", name, process.pid(),
                process.isAlive() ? "?" : Integer.toString(process.exitValue()));
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    /** Lines of this instance's log matching a regex (the log file is per instance name). */
    public List<String> grep(String regex) {
        Pattern p = Pattern.compile(regex);
        List<String> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(log)) {
                if (p.matcher(l).find()) {
                    out.add(l);
                }
            }
        } catch (IOException ignored) {
            // none
        }
        return out;
    }
}
