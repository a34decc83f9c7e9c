package dev.mre.e2e.perf.support;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.KubectlWatch;
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

    private final Kubectl kubectl;
    private final Map<String, Obj> objects = new HashMap<>();
    private final Map<String, Long> deletedAt = new HashMap<>();
    private final KubectlWatch watch;

    public MreWatch(Kubectl kubectl) {
        this.kubectl = kubectl;
        this.watch = new KubectlWatch("mre-watch", kubectl, List.of("get", Harness.CRD_NAME, "-A",
                "--output-watch-events", "-o", "jsonpath=" + FORMAT), line -> apply(line, System.currentTimeMillis()),
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
        if (f.length < 7) {
            return "";
        }
        String type = f[0];
        String key = f[1];
        if (type.equals("DELETED")) {
            objects.remove(key);
            deletedAt.put(key, now);
            return key;
        }
        if (type.equals("ERROR") || type.equals("BOOKMARK")) {
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
        objects.values().stream().filter(o -> !o.ready)
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
        if (!Conditions.within(what + ": " + expected + " objects Ready", timeout, Duration.ofMillis(100),
                () -> allReady(expected), () -> size() + "/" + expected + " objects, " + readyCount()
                        + " Ready; not Ready by reason " + notReadyReasons())) {
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
        if (!Conditions.within(what + ": " + expected + " objects Ready", timeout, Duration.ofMillis(100),
                () -> count(keys, false) == expected && count(keys, true) == expected,
                () -> count(keys, false) + "/" + expected + " objects, " + count(keys, true) + " Ready")) {
            return -1;
        }
        synchronized (this) {
            return objects.values().stream().filter(o -> keys.test(o.key)).mapToLong(o -> o.readyAt).max().orElse(-1);
        }
    }

    /** Objects whose key passes {@code keys} (only the Ready ones when {@code ready}). */
    public synchronized int count(java.util.function.Predicate<String> keys, boolean ready) {
        return (int) objects.values().stream().filter(o -> keys.test(o.key) && (!ready || o.ready)).count();
    }

    /** Waits until no object is left; returns the epoch-ms instant of the last deletion, or -1 on timeout. */
    public long awaitEmpty(Duration timeout, String what) {
        if (!Conditions.within(what + ": no object left", timeout, Duration.ofMillis(100), () -> size() == 0,
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
