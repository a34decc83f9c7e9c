package dev.mre.e2e.perf.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.support.Emulator;
import dev.mre.e2e.support.Json;
import dev.mre.e2e.support.Progress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulator's call counters and call log, read through its admin API. The emulator keeps only the last 10,000
 * calls, so a background thread fetches the log every few seconds and merges it by request id: the merged log is
 * complete as long as fewer than 10,000 calls happen between two fetches ({@link #complete()} tells).
 */
public final class EmulatorCalls implements AutoCloseable {

    /** Counters from {@code GET /_emulator/calls}: operation -> outcome -> count. */
    public record Counters(long total, Map<String, Map<String, Long>> byOperation) {

        public long count(String op) {
            return byOperation.getOrDefault(op, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }

        public long count(String op, String outcome) {
            return byOperation.getOrDefault(op, Map.of()).getOrDefault(outcome, 0L);
        }

        public long outcome(String outcome) {
            return byOperation.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
        }

        public Map<String, Long> byOutcome() {
            Map<String, Long> m = new TreeMap<>();
            byOperation.values().forEach(x -> x.forEach((k, v) -> m.merge(k, v, Long::sum)));
            return m;
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

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public static final int LOG_LIMIT = 10_000;

    private final URI base;
    private final Map<String, Emulator.Call> merged = new LinkedHashMap<>();
    private final Thread poller;
    private volatile boolean closed;
    private boolean gap;
    private String lastRequestId;

    public EmulatorCalls(URI base, Duration pollEvery) {
        this.base = base;
        this.poller = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(pollEvery.toMillis());
                    fetch();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    Progress.log("  (call log fetch failed: %s)", e.getMessage());
                }
            }
        }, "emulator-call-log");
        poller.setDaemon(true);
        poller.start();
    }

    public Counters counters() {
        JsonNode n = get("/_emulator/calls");
        Map<String, Map<String, Long>> by = new TreeMap<>();
        n.path("byOperation").fields().forEachRemaining(op -> {
            Map<String, Long> o = new TreeMap<>();
            op.getValue().fields().forEachRemaining(x -> o.put(x.getKey(), x.getValue().asLong()));
            by.put(op.getKey(), o);
        });
        return new Counters(n.path("total").asLong(), by);
    }

    public JsonNode state() {
        return get("/_emulator/state");
    }

    /** Fetches the emulator's log now and merges it. */
    public synchronized void fetch() {
        JsonNode n = get("/_emulator/calls?log=true");
        List<Emulator.Call> batch = new ArrayList<>();
        n.path("log").forEach(x -> batch.add(Json.JSON.convertValue(x, Emulator.Call.class)));
        if (lastRequestId != null && batch.size() >= LOG_LIMIT && !merged.isEmpty()
                && batch.stream().noneMatch(c -> lastRequestId.equals(c.requestId()))) {
            gap = true;
        }
        for (Emulator.Call c : batch) {
            merged.putIfAbsent(c.requestId(), c);
        }
        if (!batch.isEmpty()) {
            lastRequestId = batch.get(batch.size() - 1).requestId();
        }
    }

    /** Everything seen so far (fetches once more first), oldest first. */
    public synchronized List<Emulator.Call> log() {
        fetch();
        return List.copyOf(merged.values());
    }

    /** False when calls may have dropped out of the emulator's log between two fetches. */
    public synchronized boolean complete() {
        return !gap;
    }

    public static Instant time(Emulator.Call c) {
        return Instant.parse(c.time());
    }

    /** First call of an operation per endpoint name (any outcome when {@code outcome} is null). */
    public static Map<String, Instant> firstCall(List<Emulator.Call> log, String op, String outcome) {
        Map<String, Instant> m = new HashMap<>();
        for (Emulator.Call c : log) {
            if (op.equals(c.operation()) && c.endpointName() != null && (outcome == null || outcome.equals(c.outcome()))) {
                m.merge(c.endpointName(), time(c), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        return m;
    }

    private JsonNode get(String path) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("emulator GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return Json.parse(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("emulator GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
