package dev.mre.e2e.harness;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The operator jar as its own process, as it runs in the chart's Pod minus the container: its whole configuration
 * is the environment given (nothing ambient leaks in, see {@link #SCRUBBED}), the JVM memory settings are the
 * chart's ({@link #JAVA_TOOL_OPTIONS}), readiness is its {@code /readyz}, a stop is SIGTERM with the chart's grace
 * period ({@link #TERMINATION_GRACE}) before SIGKILL. One log file per operator, appended across restarts.
 */
public final class OperatorProcess implements AutoCloseable {

    /**
     * The chart's container runs with its {@code operator.javaToolOptions} (-XX:MaxRAMPercentage=75 and the heap's
     * young-generation and free-ratio limits) under a 512Mi memory limit,
     * where the container-aware JVM sees 512 MiB, sizes the heap at 384 MiB and, below 1792 MiB, does not treat the
     * machine as a server: it picks the Serial GC. {@code -XX:MaxRAM=512m} reproduces the heap size but not the GC
     * choice (measured: G1 stays selected, with about 40 MiB more GC memory), hence the explicit Serial GC.
     * {@code -XX:+ExitOnOutOfMemoryError} is the chart's too: a heap that runs out ends the process.
     */
    public static final String JAVA_TOOL_OPTIONS = "-XX:MaxRAM=512m -XX:+UseSerialGC"
            + " -XX:MaxRAMPercentage=75 -XX:MaxNewSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"
            + " -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

    /** The chart's MALLOC_ARENA_MAX ({@code operator.mallocArenaMax}). */
    public static final String MALLOC_ARENA_MAX = "2";

    /** The chart's terminationGracePeriodSeconds: how long a SIGTERM is given before SIGKILL, as the kubelet does. */
    public static final Duration TERMINATION_GRACE = Duration.ofSeconds(30);

    /** Variables of the test JVM's environment removed before the suite's own are set. */
    public static final Predicate<String> SCRUBBED = k -> k.startsWith("AWS_")
            || k.startsWith("SES_MRE_")
            || k.startsWith("KUBERNETES_")
            || k.equals("KUBECONFIG")
            || k.equals("POD_NAME")
            || k.equals("POD_NAMESPACE")
            || k.equals("JAVA_TOOL_OPTIONS")
            || k.equals("JDK_JAVA_OPTIONS")
            || k.equals("_JAVA_OPTIONS");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern STATUS_KB = Pattern.compile("^(Vm\\w+):\\s+(\\d+) kB", Pattern.MULTILINE);

    private final String name;
    private final Path jar;
    private final Path log;
    private final Map<String, String> env;
    private Process process;
    private int opsPort;
    private long startNanos;
    private Instant startedAt;
    private int starts;
    private volatile boolean killedByUs;

    private OperatorProcess(String name, Path jar, Path log, Map<String, String> env) {
        this.name = name;
        this.jar = Repo.requireJar(jar);
        this.log = log;
        this.env = Map.copyOf(env);
    }

    /** Starts the jar with exactly {@code env} (plus SES_MRE_OPS_PORT, a free port) as its configuration. */
    public static OperatorProcess start(String name, Path jar, Path log, Map<String, String> env) throws IOException {
        OperatorProcess op = new OperatorProcess(name, jar, log, env);
        op.restart();
        return op;
    }

    /** Starts the process again (after {@link #kill9()} or {@link #stop()}): same name, log and environment. */
    public synchronized void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("operator " + name + " already running (pid " + process.pid() + ")");
        }
        if (Processes.shuttingDown()) {
            throw new IllegalStateException("the JVM is stopping: operator " + name + " not started");
        }
        starts++;
        opsPort = freePort();
        Files.createDirectories(log.getParent());
        Files.writeString(
                log,
                String.format("%n===== harness: operator %s start #%d at %s =====%n", name, starts, Instant.now()),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(SCRUBBED);
        // -De2e.operatorJvmExtra / -De2e.mallocArenaMax: for measuring JVM settings other than the chart's
        String extra = System.getProperty("e2e.operatorJvmExtra", "").trim();
        e.put("JAVA_TOOL_OPTIONS", extra.isEmpty() ? JAVA_TOOL_OPTIONS : JAVA_TOOL_OPTIONS + " " + extra);
        e.put(
                "MALLOC_ARENA_MAX",
                System.getProperty("e2e.mallocArenaMax", MALLOC_ARENA_MAX).trim());
        e.putAll(env);
        e.put("SES_MRE_OPS_PORT", Integer.toString(opsPort));
        startNanos = System.nanoTime();
        startedAt = Instant.now();
        killedByUs = false;
        process = pb.start();
        Progress.log(
                "  operator %s start #%d: pid %d, ops port %d, log %s, env %s",
                name,
                starts,
                process.pid(),
                opsPort,
                log,
                env.entrySet().stream()
                        .filter(x -> !x.getKey().contains("SECRET"))
                        .sorted(Map.Entry.comparingByKey())
                        .map(x -> x.getKey() + "=" + x.getValue())
                        .toList());
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until {@code /readyz} answers 200 (polled every 25 ms); returns the time from process start. Fails as
     * soon as the process exits.
     */
    public Duration awaitReady(Duration timeout) {
        URI uri = URI.create("http://127.0.0.1:" + opsPort() + "/readyz");
        Process p = process();
        try {
            Awaitility.await("operator " + name + " /readyz 200")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(25))
                    .ignoreExceptions()
                    .failFast("operator " + name + " exited before it was ready", () -> !p.isAlive())
                    .until(() -> HTTP.send(
                                            HttpRequest.newBuilder(uri)
                                                    .timeout(Duration.ofSeconds(2))
                                                    .GET()
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(
                    e.getMessage() + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")") + "; log:\n" + tail(60), e);
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** {@code kill -9}: no shutdown hook, no cleanup, as an OOM kill or a node crash. Returns once the process is gone. */
    public Instant kill9() {
        Process p = process();
        killedByUs = true;
        Instant at = Instant.now();
        p.destroyForcibly();
        // SIGKILL cannot be caught: the wait only collects the exit status
        p.onExit().join();
        Progress.log("  kill -9 operator %s (pid %d) at %s: exit %d", name, p.pid(), at, p.exitValue());
        return at;
    }

    /** SIGTERM (the graceful stop the operator's shutdown hook handles), SIGKILL after {@link #TERMINATION_GRACE}. */
    public void stop() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null || !p.isAlive()) {
            return;
        }
        killedByUs = true;
        Processes.stop(p, TERMINATION_GRACE);
        Progress.log("  operator %s (pid %d) stopped, exit %d", name, p.pid(), p.exitValue());
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized Process process() {
        if (process == null) {
            throw new IllegalStateException("operator " + name + " not started");
        }
        return process;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** The environment it was given (without the ops port and JVM options the harness adds). */
    public Map<String, String> env() {
        return env;
    }

    public synchronized int opsPort() {
        return opsPort;
    }

    public synchronized int starts() {
        return starts;
    }

    public synchronized Instant startedAt() {
        return startedAt;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** True when the last stop was the harness's (kill -9 or SIGTERM), not the operator exiting on its own. */
    public boolean killedByUs() {
        return killedByUs;
    }

    public synchronized OptionalLong exitCode() {
        return process == null || process.isAlive() ? OptionalLong.empty() : OptionalLong.of(process.exitValue());
    }

    /** Completes when the current process exits. */
    public synchronized java.util.concurrent.CompletableFuture<Process> onExit() {
        return process().onExit();
    }

    // ---- what it shows -----------------------------------------------------------------------------------------

    /** The Prometheus text of /metrics, or empty when it cannot be read. */
    public String metrics() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort() + "/metrics"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Sum of the samples of a metric whose label set contains every {@code k="v"} given; NaN when none. */
    public static double metricSum(String text, String metric, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (!all) {
                continue;
            }
            try {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
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
            String s = Files.readString(Path.of("/proc/" + pid() + "/status"));
            Map<String, Long> m = new HashMap<>();
            Matcher matcher = STATUS_KB.matcher(s);
            while (matcher.find()) {
                m.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
            return m;
        } catch (IOException e) {
            return Map.of();
        }
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public String tail(int lines) {
        return Processes.tail(logText(), lines);
    }

    /** Lines of the log matching a regex. */
    public List<String> grep(String regex) {
        Pattern p = Pattern.compile(regex);
        List<String> out = new ArrayList<>();
        logText().lines().filter(l -> p.matcher(l).find()).forEach(out::add);
        return out;
    }

    /** What the suites give every operator: its identity, the emulator as SES with the emulator's credentials. */
    public static Map<String, String> baseEnv(Path kubeconfig, Emulator emulator, String region) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("KUBECONFIG", kubeconfig.toString());
        e.put("SES_MRE_SES_ENDPOINT", emulator.endpoint().toString());
        // the emulator also plays STS; the operator never sends STS to the SES override by itself
        e.put("SES_MRE_STS_ENDPOINT", emulator.endpoint().toString());
        // the emulator speaks plain http on loopback; the operator refuses that unless told
        e.put("SES_MRE_ALLOW_INSECURE_ENDPOINT", "true");
        e.put("SES_MRE_DEFAULT_REGION", region);
        // the operator's default ceiling is AWS's documented 1 call/s; the emulator has no such quota unless a suite
        // gives it one, and the suites were sized at 10 calls/s: a suite that measures another ceiling sets its own
        e.put("SES_MRE_MAX_CALL_RATE", "10");
        e.put("AWS_ACCESS_KEY_ID", Emulator.ACCESS_KEY);
        e.put("AWS_SECRET_ACCESS_KEY", Emulator.SECRET_KEY);
        e.put("AWS_REGION", region);
        return e;
    }
}
