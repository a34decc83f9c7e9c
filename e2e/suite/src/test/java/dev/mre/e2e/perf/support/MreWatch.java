package dev.mre.e2e.perf.support;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.KubectlWatch;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Follows every MultiRegionEndpoint with one {@code kubectl get mre -A --watch} ({@link KubectlWatch}), timestamping
 * each event on arrival: when each object appeared, when it (last) became Ready for its generation, when it went
 * away. After a restart of the watch (e.g. a kube-apiserver restart) a full list replaces what may have been missed.
 */
public final class MreWatch implements AutoCloseable {

    private static final String FIELDS = "|{.metadata.namespace}/{.metadata.name}|{.metadata.generation}"
            + "|{.status.observedGeneration}|{.status.conditions[?(@.type==\"Ready\")].status}"
            + "|{.status.conditions[?(@.type==\"Ready\")].reason}|{.metadata.deletionTimestamp}{\"\\n\"}";
    private static final String FORMAT = "{.type}" + FIELDS.replace("{.", "{.object.");
    private static final String LIST_FORMAT = "{range .items[*]}ADDED" + FIELDS + "{end}";

    /** What is known of one object; times are epoch milliseconds on this machine's clock. */
    public static final class Obj {
        public final String key;
        public long addedAt;
        public long firstReadyAt = -1;
        public long readyAt = -1;
        public boolean ready;
        public String reason = "";
        public boolean deleting;

        Obj(String key, long addedAt) {
            this.key = key;
            this.addedAt = addedAt;
        }

        Obj copy() {
            Obj c = new Obj(key, addedAt);
            c.firstReadyAt = firstReadyAt;
            c.readyAt = readyAt;
            c.ready = ready;
            c.reason = reason;
            c.deleting = deleting;
            return c;
        }
    }

    /** namespace/name as Kubernetes allows them: anything else is a line that did not come out whole. */
    private static final java.util.regex.Pattern KEY =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?");
    /** With no object becoming Ready for this long while waiting, a full list checks what the watch may have missed. */
    private static final long STALL_RESYNC_MS = 60_000;

    private final Kubectl kubectl;
    private final Map<String, Obj> objects = new HashMap<>();
    private final List<String> rejected = new ArrayList<>();
    private int rejectedCount;
    private final Map<String, Long> deletedAt = new HashMap<>();
    private final KubectlWatch watch;

    public MreWatch(Kubectl kubectl) {
        this.kubectl = kubectl;
        this.watch = new KubectlWatch(
                "mre-watch",
                kubectl,
                List.of("get", Harness.CRD_NAME, "-A", "--output-watch-events", "-o", "jsonpath=" + FORMAT),
                line -> apply(line, System.currentTimeMillis()),
                this::resync);
    }

    /** Waits until the watch request is answered: objects applied from now on are seen as they arrive. */
    public void awaitConnected(Duration timeout) {
        watch.awaitConnected(timeout);
    }

    /** After a watch restart: a full list replaces what may have been missed (objects deleted in between). */
    private void resync() {
        var r = kubectl.quiet("get", Harness.CRD_NAME, "-A", "-o", "jsonpath=" + LIST_FORMAT);
        if (!r.ok()) {
            return;
        }
        long now = System.currentTimeMillis();
        Set<String> seen = new HashSet<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                seen.add(apply(line, now));
            }
        }
        synchronized (this) {
            for (String k : new ArrayList<>(objects.keySet())) {
                if (!seen.contains(k)) {
                    objects.remove(k);
                    deletedAt.put(k, now);
                }
            }
        }
    }

    private synchronized String apply(String line, long now) {
        String[] f = line.split("\\|", -1);
        if (line.isBlank()) {
            return "";
        }
        String type = f[0];
        String key = f.length > 1 ? f[1] : "";
        if (type.equals("ERROR") || type.equals("BOOKMARK")) {
            return key;
        }
        if (f.length < 7
                || !KEY.matcher(key).matches()
                || !(type.equals("ADDED") || type.equals("MODIFIED") || type.equals("DELETED"))) {
            rejectedCount++;
            if (rejected.size() < 5) {
                rejected.add(line.length() > 200 ? line.substring(0, 200) + "…" : line);
            }
            return "";
        }
        if (type.equals("DELETED")) {
            objects.remove(key);
            deletedAt.put(key, now);
            return key;
        }
        Obj o = objects.computeIfAbsent(key, k -> new Obj(k, now));
        boolean ready = "True".equals(f[4]) && !f[2].isEmpty() && f[2].equals(f[3]);
        if (ready && !o.ready) {
            o.readyAt = now;
            if (o.firstReadyAt < 0) {
                o.firstReadyAt = now;
            }
        }
        o.ready = ready;
        o.reason = f[5];
        o.deleting = !f[6].isEmpty();
        return key;
    }

    public synchronized int size() {
        return objects.size();
    }

    public synchronized int readyCount() {
        return (int) objects.values().stream().filter(o -> o.ready).count();
    }

    public int restarts() {
        return watch.restarts();
    }

    /** Lines that did not parse as one event of one object (count, and the first few). */
    public synchronized String rejectedLines() {
        return rejectedCount == 0 ? "none" : rejectedCount + " " + rejected;
    }

    /**
     * A condition over the watch's state that, while false, lists everything again after {@link #STALL_RESYNC_MS}
     * without a new Ready object (a missed event must not hold a wait until its timeout).
     */
    private java.util.concurrent.Callable<Boolean> resyncingWhenStalled(java.util.concurrent.Callable<Boolean> done) {
        long[] last = {System.currentTimeMillis(), -1};
        return () -> {
            if (done.call()) {
                return true;
            }
            int ready = readyCount();
            long now = System.currentTimeMillis();
            if (ready != last[1]) {
                last[0] = now;
                last[1] = ready;
            } else if (now - last[0] > STALL_RESYNC_MS) {
                Progress.log(
                        "  (%s: no object became Ready for %d s: listing again; rejected lines %s)",
                        "mre-watch", STALL_RESYNC_MS / 1000, rejectedLines());
                resync();
                last[0] = System.currentTimeMillis();
            }
            return done.call();
        };
    }

    /** A copy of the current objects. */
    public synchronized List<Obj> snapshot() {
        return objects.values().stream().map(Obj::copy).toList();
    }

    public synchronized Map<String, Long> deletedAt() {
        return Map.copyOf(deletedAt);
    }

    /** Reasons of the Ready condition of the objects not Ready, counted (for progress lines). */
    public synchronized Map<String, Integer> notReadyReasons() {
        Map<String, Integer> m = new TreeMap<>();
        objects.values().stream()
                .filter(o -> !o.ready)
                .forEach(o -> m.merge(o.reason.isEmpty() ? "(none)" : o.reason, 1, Integer::sum));
        return m;
    }

    private synchronized boolean allReady(int expected) {
        return objects.size() == expected && readyCount() == expected;
    }

    /**
     * Waits until {@code expected} objects exist and all are Ready (progress every 10 s); returns the epoch-ms instant
     * the last of them became Ready, or -1 on timeout.
     */
    public long awaitAllReady(int expected, Duration timeout, String what) {
        if (!Conditions.within(
                what + ": " + expected + " objects Ready",
                timeout,
                Duration.ofMillis(100),
                resyncingWhenStalled(() -> allReady(expected)),
                () -> size() + "/" + expected + " objects, " + readyCount() + " Ready; not Ready by reason "
                        + notReadyReasons() + "; rejected lines " + rejectedLines())) {
            return -1;
        }
        synchronized (this) {
            return objects.values().stream().mapToLong(o -> o.readyAt).max().orElse(-1);
        }
    }

    /**
     * Waits until {@code expected} objects whose key ({@code namespace/name}) passes {@code keys} exist and all are
     * Ready; returns the epoch-ms instant the last of them became Ready, or -1 on timeout.
     */
    public long awaitAllReady(java.util.function.Predicate<String> keys, int expected, Duration timeout, String what) {
        if (!Conditions.within(
                what + ": " + expected + " objects Ready",
                timeout,
                Duration.ofMillis(100),
                resyncingWhenStalled(() -> count(keys, false) == expected && count(keys, true) == expected),
                () -> count(keys, false) + "/" + expected + " objects, " + count(keys, true) + " Ready; rejected lines "
                        + rejectedLines())) {
            return -1;
        }
        synchronized (this) {
            return objects.values().stream()
                    .filter(o -> keys.test(o.key))
                    .mapToLong(o -> o.readyAt)
                    .max()
                    .orElse(-1);
        }
    }

    /** Objects whose key passes {@code keys} (only the Ready ones when {@code ready}). */
    public synchronized int count(java.util.function.Predicate<String> keys, boolean ready) {
        return (int) objects.values().stream()
                .filter(o -> keys.test(o.key) && (!ready || o.ready))
                .count();
    }

    /** Waits until no object is left; returns the epoch-ms instant of the last deletion, or -1 on timeout. */
    public long awaitEmpty(Duration timeout, String what) {
        if (!Conditions.within(
                what + ": no object left",
                timeout,
                Duration.ofMillis(100),
                () -> size() == 0,
                () -> size() + " objects left, by reason " + notReadyReasons())) {
            return -1;
        }
        synchronized (this) {
            return deletedAt.values().stream().mapToLong(Long::longValue).max().orElse(System.currentTimeMillis());
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
