package dev.mre.sesemulator;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters per operation and outcome, and a bounded log of recent calls. One lock keeps counters and log
 * consistent with each other (a snapshot never shows a call in one and not the other); the emulator's
 * request rates make that lock cheap.
 */
public final class CallStats {

    /** Calls kept in {@link #log()}; older ones are dropped (the counters keep counting). */
    public static final int LOG_LIMIT = 10_000;

    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private final ArrayDeque<CallRecord> log = new ArrayDeque<>();
    private long total;

    synchronized void record(CallRecord call) {
        counts.computeIfAbsent(call.operation(), k -> new TreeMap<>()).merge(call.outcome(), 1L, Long::sum);
        total++;
        if (log.size() == LOG_LIMIT) {
            log.removeFirst();
        }
        log.addLast(call);
    }

    /** Calls of an operation (wire name, e.g. {@code CreateMultiRegionEndpoint}), any outcome. */
    public synchronized long count(String operation) {
        return counts.getOrDefault(operation, Map.of()).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** Calls of an operation with one outcome: {@code "200"}, an error code, {@code ConnectionDropped} or {@code ResponseDropped}. */
    public synchronized long count(String operation, String outcome) {
        return counts.getOrDefault(operation, Map.of()).getOrDefault(outcome, 0L);
    }

    public long count(Operation operation) {
        return count(operation.wireName());
    }

    public long count(Operation operation, String outcome) {
        return count(operation.wireName(), outcome);
    }

    /** Calls of any operation with this outcome. */
    public synchronized long countOutcome(String outcome) {
        return counts.values().stream()
                .mapToLong(m -> m.getOrDefault(outcome, 0L))
                .sum();
    }

    public synchronized long total() {
        return total;
    }

    /** operation -> outcome -> count, sorted by name. */
    public synchronized Map<String, Map<String, Long>> byOperation() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((op, outcomes) -> copy.put(op, Collections.unmodifiableMap(new TreeMap<>(outcomes))));
        return Collections.unmodifiableMap(copy);
    }

    /** outcome -> count over all operations. */
    public synchronized Map<String, Long> byOutcome() {
        Map<String, Long> sums = new TreeMap<>();
        counts.values().forEach(m -> m.forEach((outcome, n) -> sums.merge(outcome, n, Long::sum)));
        return Collections.unmodifiableMap(sums);
    }

    /** The most recent calls, oldest first. */
    public synchronized List<CallRecord> log() {
        return List.copyOf(log);
    }

    synchronized void clear() {
        counts.clear();
        log.clear();
        total = 0;
    }
}
