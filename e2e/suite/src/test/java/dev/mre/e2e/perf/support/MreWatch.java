package dev.mre.e2e.perf.support;

import dev.mre.e2e.support.Cmd;
import dev.mre.e2e.support.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Follows every MultiRegionEndpoint with one {@code kubectl get mre -A --watch} process (one stream, no polling
 * load on the API server), timestamping each event on arrival: when each object appeared, when it (last) became
 * Ready for its generation, when it went away. The watch is restarted when it ends (e.g. kube-apiserver restart),
 * followed by a full list so that nothing missed in between stays wrong.
 */
public final class MreWatch implements AutoCloseable {

    private static final String FORMAT = "{.type}|{.object.metadata.namespace}/{.object.metadata.name}"
            + "|{.object.metadata.generation}|{.object.status.observedGeneration}"
            + "|{.object.status.conditions[?(@.type==\"Ready\")].status}"
            + "|{.object.status.conditions[?(@.type==\"Ready\")].reason}|{.object.metadata.deletionTimestamp}{\"\\n\"}";
    private static final String LIST_FORMAT = "{range .items[*]}ADDED|{.metadata.namespace}/{.metadata.name}"
            + "|{.metadata.generation}|{.status.observedGeneration}"
            + "|{.status.conditions[?(@.type==\"Ready\")].status}"
            + "|{.status.conditions[?(@.type==\"Ready\")].reason}|{.metadata.deletionTimestamp}{\"\\n\"}{end}";

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
    }

    private final String kubectl;
    private final Path kubeconfig;
    private final Map<String, Obj> objects = new HashMap<>();
    private final Map<String, Long> deletedAt = new HashMap<>();
    private final Thread thread;
    private volatile Process process;
    private volatile boolean closed;
    private int restarts;

    public MreWatch(String kubectl, Path kubeconfig) {
        this.kubectl = kubectl;
        this.kubeconfig = kubeconfig;
        this.thread = new Thread(this::loop, "mre-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        boolean first = true;
        while (!closed) {
            try {
                ProcessBuilder pb = new ProcessBuilder(kubectl, "get", "multiregionendpoints.ses.mre.dev", "-A",
                        "--watch", "--output-watch-events", "-o", "jsonpath=" + FORMAT)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("KUBECONFIG", kubeconfig.toString());
                process = pb.start();
                if (!first) {
                    resync();
                }
                first = false;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        apply(line, System.currentTimeMillis());
                    }
                }
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // restart below
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                synchronized (this) {
                    restarts++;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** After a watch restart: a full list replaces what may have been missed (objects deleted in between). */
    private void resync() {
        Cmd.Result r = Cmd.of(kubectl, "get", "multiregionendpoints.ses.mre.dev", "-A", "-o", "jsonpath=" + LIST_FORMAT)
                .env("KUBECONFIG", kubeconfig.toString()).timeout(Duration.ofSeconds(60)).run();
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
            notifyAll();
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
            notifyAll();
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
        notifyAll();
        return key;
    }

    public synchronized int size() {
        return objects.size();
    }

    public synchronized int readyCount() {
        return (int) objects.values().stream().filter(o -> o.ready).count();
    }

    public synchronized int restarts() {
        return restarts;
    }

    /** A copy of the current objects. */
    public synchronized List<Obj> snapshot() {
        List<Obj> l = new ArrayList<>();
        for (Obj o : objects.values()) {
            Obj c = new Obj(o.key, o.addedAt);
            c.firstReadyAt = o.firstReadyAt;
            c.readyAt = o.readyAt;
            c.ready = o.ready;
            c.reason = o.reason;
            c.deleting = o.deleting;
            l.add(c);
        }
        return l;
    }

    public synchronized Map<String, Long> deletedAt() {
        return Map.copyOf(deletedAt);
    }

    /** Reasons of the Ready condition of the objects not Ready, counted (for progress lines). */
    public synchronized Map<String, Integer> notReadyReasons() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        objects.values().stream().filter(o -> !o.ready)
                .forEach(o -> m.merge(o.reason.isEmpty() ? "(none)" : o.reason, 1, Integer::sum));
        return m;
    }

    /**
     * Waits until {@code expected} objects exist and all are Ready, printing progress every 10 s; returns the
     * epoch-ms instant the last of them became Ready, or -1 on timeout.
     */
    public long awaitAllReady(int expected, Duration timeout, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long nextLog = System.currentTimeMillis() + 10_000;
        synchronized (this) {
            while (true) {
                if (objects.size() == expected && readyCount() == expected) {
                    return objects.values().stream().mapToLong(o -> o.readyAt).max().orElse(-1);
                }
                long now = System.currentTimeMillis();
                if (now >= deadline) {
                    return -1;
                }
                if (now >= nextLog) {
                    Progress.log("  %s: %d/%d objects, %d Ready; not Ready by reason %s", what, objects.size(),
                            expected, readyCount(), notReadyReasons());
                    nextLog = now + 10_000;
                }
                wait(Math.min(1000, deadline - now));
            }
        }
    }

    /** Waits until no object is left; returns the epoch-ms instant of the last deletion, or -1 on timeout. */
    public long awaitEmpty(Duration timeout, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long nextLog = System.currentTimeMillis() + 10_000;
        synchronized (this) {
            while (true) {
                if (objects.isEmpty()) {
                    return deletedAt.values().stream().mapToLong(Long::longValue).max().orElse(System.currentTimeMillis());
                }
                long now = System.currentTimeMillis();
                if (now >= deadline) {
                    return -1;
                }
                if (now >= nextLog) {
                    Map<String, Integer> reasons = new java.util.TreeMap<>();
                    objects.values().forEach(o -> reasons.merge(o.reason.isEmpty() ? "(none)" : o.reason, 1, Integer::sum));
                    Progress.log("  %s: %d objects left, by reason %s", what, objects.size(), reasons);
                    nextLog = now + 10_000;
                }
                wait(Math.min(1000, deadline - now));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
        thread.interrupt();
    }
}
