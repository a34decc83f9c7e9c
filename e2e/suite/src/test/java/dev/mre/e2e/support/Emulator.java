package dev.mre.e2e.support;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The standalone SES emulator jar as a child process, and a client of its admin API. */
public final class Emulator implements AutoCloseable {

    /** An endpoint as {@code GET /_emulator/state} shows it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Endpoint(String accountId, String region, String endpointName, String endpointId, String status,
                           List<String> regions, Map<String, String> tags, String arn) {

        public String secondaryRegion() {
            return regions == null || regions.size() < 2 ? null : regions.get(1);
        }
    }

    /** One entry of {@code GET /_emulator/calls?log=true}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Call(String time, String operation, String region, String accountId, String endpointName,
                       String accessKeyId, String outcome, int httpStatus, String requestId) {}

    private static final Pattern LISTENING = Pattern.compile("listening on (http://[\\d.]+:\\d+)");

    private final Process process;
    private final Path log;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Emulator(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts {@code java -jar <jar> --port 0 <flags>} and waits for its "listening on" line. */
    public static Emulator start(Path jar, Path log, List<String> flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--port", "0"));
        cmd.addAll(flags);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Progress.log("  $ %s  → pid %d, log %s", String.join(" ", cmd), p.pid(), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("SES emulator exited (" + p.exitValue() + "):\n" + Files.readString(log));
            }
            // the log is appended to across restarts: the LAST "listening on" line is this process's
            Matcher m = LISTENING.matcher(Files.readString(log));
            String url = null;
            while (m.find()) {
                url = m.group(1);
            }
            if (url != null) {
                Emulator emu = new Emulator(p, log, URI.create(url));
                emu.health();
                return emu;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("SES emulator did not start in 60 s:\n" + Files.readString(log));
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public URI endpoint() {
        return base;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public JsonNode health() {
        return get("/_emulator/health");
    }

    public List<Endpoint> endpoints() {
        JsonNode state = get("/_emulator/state");
        List<Endpoint> all = new ArrayList<>();
        state.path("endpoints").forEach(n -> all.add(Json.JSON.convertValue(n, Endpoint.class)));
        return all;
    }

    public Optional<Endpoint> endpoint(String region, String name) {
        return endpoints().stream().filter(e -> e.region().equals(region) && e.endpointName().equals(name)).findFirst();
    }

    public List<Endpoint> endpointsNamed(String name) {
        return endpoints().stream().filter(e -> e.endpointName().equals(name)).toList();
    }

    public List<Call> calls() {
        JsonNode calls = get("/_emulator/calls?log=true");
        List<Call> all = new ArrayList<>();
        calls.path("log").forEach(n -> all.add(Json.JSON.convertValue(n, Call.class)));
        return all;
    }

    /** {@code POST /_emulator/settings} with a partial JSON object, e.g. {"createDelay":"5s"}. */
    public JsonNode settings(Map<String, Object> settings) {
        Progress.log("  emulator: POST /_emulator/settings %s", Json.write(settings));
        return post("/_emulator/settings", Json.write(settings));
    }

    public void reset() {
        Progress.log("  emulator: POST /_emulator/reset");
        post("/_emulator/reset", "");
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder b) {
        HttpRequest req = b.timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new AssertionError("emulator " + req.method() + " " + req.uri() + " answered "
                        + resp.statusCode() + ": " + resp.body());
            }
            return resp.body().isBlank() ? Json.JSON.createObjectNode() : Json.parse(resp.body());
        } catch (IOException e) {
            throw new AssertionError("emulator " + req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    Process process() {
        return process;
    }
}
