package dev.mre.e2e.harness;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The standalone SES emulator jar as a child process, and the one client of its admin API ({@code /_emulator/}):
 * state, the call counters and log, settings, reset. Its SES endpoint ({@link #endpoint()}, {@link #host()},
 * {@link #port()}) is what the operator gets as {@code SES_MRE_SES_ENDPOINT}.
 */
public final class Emulator implements AutoCloseable {

    /** The access key and secret the emulator accepts when started without --credentials, account 123456789012. */
    public static final String ACCESS_KEY = "AKIDEMULATOR";

    public static final String SECRET_KEY = "emulator-secret";
    public static final String ACCOUNT_ID = "123456789012";

    /** An endpoint as {@code GET /_emulator/state} shows it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Endpoint(
            String accountId,
            String region,
            String endpointName,
            String endpointId,
            String status,
            List<String> regions,
            Map<String, String> tags,
            String arn) {

        public String secondaryRegion() {
            return regions == null || regions.size() < 2 ? null : regions.get(1);
        }
    }

    /** One entry of {@code GET /_emulator/calls?log=true}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Call(
            String time,
            String operation,
            String region,
            String accountId,
            String endpointName,
            String accessKeyId,
            String outcome,
            int httpStatus,
            String requestId,
            String principalArn,
            String roleArn) {

        public Instant instant() {
            return Instant.parse(time);
        }

        public boolean is(String op, String outcomeOrNull) {
            return op.equals(operation) && (outcomeOrNull == null || outcomeOrNull.equals(outcome));
        }
    }

    /** Counters from {@code GET /_emulator/calls}: operation -> outcome -> count. */
    public record Counters(long total, Map<String, Map<String, Long>> byOperation) {

        public long count(String op) {
            return byOperation.getOrDefault(op, Map.of()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }

        public long count(String op, String outcome) {
            return byOperation.getOrDefault(op, Map.of()).getOrDefault(outcome, 0L);
        }

        public long outcome(String outcome) {
            return byOperation.values().stream()
                    .mapToLong(m -> m.getOrDefault(outcome, 0L))
                    .sum();
        }

        public Map<String, Long> byOutcome() {
            Map<String, Long> m = new TreeMap<>();
            byOperation.values().forEach(x -> x.forEach((k, v) -> m.merge(k, v, Long::sum)));
            return m;
        }

        /** Answers that were not a fault: everything but 429, 500 and dropped connections (a NotFound answers too). */
        public long answered() {
            return total
                    - outcome("TooManyRequestsException")
                    - outcome("InternalServiceErrorException")
                    - outcome("ConnectionDropped")
                    - outcome("ResponseDropped");
        }

        /** this minus an earlier snapshot. */
        public Counters minus(Counters earlier) {
            Map<String, Map<String, Long>> d = new TreeMap<>();
            byOperation.forEach((op, outcomes) -> outcomes.forEach((o, n) -> {
                long diff = n - earlier.count(op, o);
                if (diff != 0) {
                    d.computeIfAbsent(op, k -> new TreeMap<>()).put(o, diff);
                }
            }));
            return new Counters(total - earlier.total, d);
        }
    }

    /** How many calls the emulator keeps in its log (older ones drop out). */
    public static final int LOG_LIMIT = 10_000;

    private static final Pattern LISTENING = Pattern.compile("listening on (http://([\\d.]+):(\\d+))");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final URI base;

    private Emulator(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts {@code java -jar <jar> --port 0 <flags>} and waits for its "listening on" line and its health. */
    public static Emulator start(Path jar, Path log, List<String> flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                OperatorProcess.javaBinary(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                Repo.requireJar(jar).toString(),
                "--port",
                "0"));
        cmd.addAll(flags);
        Files.createDirectories(log.getParent());
        // the log is appended to across restarts: only what this process writes counts
        long from = Files.exists(log) ? Files.size(log) : 0;
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Progress.log("  $ %s  → pid %d, log %s", String.join(" ", cmd), p.pid(), log);
        AtomicReference<String> url = new AtomicReference<>();
        try {
            org.awaitility.Awaitility.await("the SES emulator's 'listening on' line")
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("the SES emulator exited", () -> !p.isAlive())
                    .until(() -> {
                        byte[] all = Files.readAllBytes(log);
                        Matcher m = LISTENING.matcher(new String(
                                all, (int) from, all.length - (int) from, java.nio.charset.StandardCharsets.UTF_8));
                        if (m.find()) {
                            url.set(m.group(1));
                        }
                        return url.get() != null;
                    });
        } catch (RuntimeException | AssertionError e) {
            Processes.stop(p, Duration.ofSeconds(5));
            throw new IllegalStateException(
                    "SES emulator did not start (" + e.getMessage() + "):\n" + Processes.tail(log, 40), e);
        }
        Emulator emu = new Emulator(p, log, URI.create(url.get()));
        emu.health();
        return emu;
    }

    /**
     * An AWS SDK client of an AWS user outside the cluster (Terraform, an administrator), with the emulator's
     * primary key, in us-east-1: what a test uses to make, tag or delete endpoints behind the operator's back.
     */
    public SesV2Client awsUser() {
        return SesV2Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    /** The SES (and STS) endpoint: {@code http://host:port}. */
    public URI endpoint() {
        return base;
    }

    public String host() {
        return base.getHost();
    }

    public int port() {
        return base.getPort();
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    // ---- the admin API ---------------------------------------------------------------------------------------

    public JsonNode health() {
        return get("/_emulator/health");
    }

    /** {@code GET /_emulator/state} as it comes. */
    public JsonNode state() {
        return get("/_emulator/state");
    }

    public List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>();
        state().path("endpoints").forEach(n -> all.add(Json.JSON.convertValue(n, Endpoint.class)));
        return all;
    }

    public Optional<Endpoint> endpoint(String region, String name) {
        return endpoints().stream()
                .filter(e -> e.region().equals(region) && e.endpointName().equals(name))
                .findFirst();
    }

    public List<Endpoint> endpointsNamed(String name) {
        return endpoints().stream().filter(e -> e.endpointName().equals(name)).toList();
    }

    /** The emulator's call log (the last {@link #LOG_LIMIT} calls), oldest first. */
    public List<Call> calls() {
        List<Call> all = new ArrayList<>();
        get("/_emulator/calls?log=true").path("log").forEach(n -> all.add(Json.JSON.convertValue(n, Call.class)));
        return all;
    }

    public Counters counters() {
        JsonNode n = get("/_emulator/calls");
        Map<String, Map<String, Long>> by = new TreeMap<>();
        n.path("byOperation").fields().forEachRemaining(op -> {
            Map<String, Long> o = new TreeMap<>();
            op.getValue()
                    .fields()
                    .forEachRemaining(x -> o.put(x.getKey(), x.getValue().asLong()));
            by.put(op.getKey(), o);
        });
        return new Counters(n.path("total").asLong(), by);
    }

    /** {@code GET /_emulator/settings}: every setting as the emulator holds it (policies and roles included). */
    public JsonNode currentSettings() {
        return get("/_emulator/settings");
    }

    /** {@code POST /_emulator/settings} with a partial JSON object, e.g. {"createDelay":"5s"}. */
    public JsonNode settings(Map<String, Object> settings) {
        Progress.log("  emulator: POST /_emulator/settings %s", Json.write(settings));
        return post("/_emulator/settings", Json.write(settings));
    }

    /** {@code GET /_emulator/messages?endpointId=}: the messages SendEmail recorded through that endpoint. */
    public JsonNode messages(String endpointId) {
        return get("/_emulator/messages?endpointId=" + endpointId).path("messages");
    }

    /** {@code POST /_emulator/identity-status}: DNS is not modeled, so this marks an identity verified (SUCCESS). */
    public JsonNode verifyIdentity(String region, String identity) {
        Progress.log("  emulator: POST /_emulator/identity-status %s %s", region, identity);
        return post("/_emulator/identity-status", Json.write(Map.of("region", region, "identity", identity)));
    }

    /** {@code POST /_emulator/account-sending}: pauses ({@code false}) or resumes sending of the account in a region. */
    public JsonNode sendingEnabled(String region, boolean enabled) {
        Progress.log("  emulator: POST /_emulator/account-sending %s sendingEnabled=%s", region, enabled);
        return post("/_emulator/account-sending", Json.write(Map.of("region", region, "sendingEnabled", enabled)));
    }

    /** Clears endpoints, counters and the call log. */
    public void reset() {
        Progress.log("  emulator: POST /_emulator/reset");
        post("/_emulator/reset", "");
    }

    /**
     * Records the whole call log of a long run: the emulator keeps only the last {@link #LOG_LIMIT} calls, so the log is
     * fetched every {@code every} and merged by request id. Close it to stop.
     */
    public CallRecorder recordCalls(Duration every) {
        return new CallRecorder(every);
    }

    /** The merged call log of a long run; {@link #complete()} tells whether calls may have dropped out between two fetches. */
    public final class CallRecorder implements AutoCloseable {

        private final Map<String, Call> merged = new LinkedHashMap<>();
        private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-call-log");
            t.setDaemon(true);
            return t;
        });
        private boolean gap;
        private String lastRequestId;

        private CallRecorder(Duration every) {
            poller.scheduleWithFixedDelay(
                    () -> {
                        try {
                            fetch();
                        } catch (RuntimeException | AssertionError e) {
                            Progress.log("  (call log fetch failed: %s)", e.getMessage());
                        }
                    },
                    every.toMillis(),
                    every.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /** Fetches the emulator's log now and merges it. */
        public synchronized void fetch() {
            List<Call> batch = calls();
            if (lastRequestId != null
                    && batch.size() >= LOG_LIMIT
                    && !merged.isEmpty()
                    && batch.stream().noneMatch(c -> lastRequestId.equals(c.requestId()))) {
                gap = true;
            }
            batch.forEach(c -> merged.putIfAbsent(c.requestId(), c));
            if (!batch.isEmpty()) {
                lastRequestId = batch.get(batch.size() - 1).requestId();
            }
        }

        /** Everything seen so far (fetches once more first), oldest first. */
        public synchronized List<Call> log() {
            fetch();
            return List.copyOf(merged.values());
        }

        /** False when calls may have dropped out of the emulator's log between two fetches. */
        public synchronized boolean complete() {
            return !gap;
        }

        @Override
        public void close() {
            poller.shutdownNow();
        }
    }

    /** First call of an operation per endpoint name (any outcome when {@code outcome} is null). */
    public static Map<String, Instant> firstCall(List<Call> log, String op, String outcome) {
        Map<String, Instant> m = new HashMap<>();
        for (Call c : log) {
            if (c.endpointName() != null && c.is(op, outcome)) {
                m.merge(c.endpointName(), c.instant(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        return m;
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder b) {
        HttpRequest req = b.timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new AssertionError("emulator " + req.method() + " " + req.uri() + " answered " + resp.statusCode()
                        + ": " + resp.body());
            }
            return resp.body().isBlank() ? Json.JSON.createObjectNode() : Json.parse(resp.body());
        } catch (IOException e) {
            throw new AssertionError("emulator " + req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, SIGKILL after 10 s. */
    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(10));
    }
}
