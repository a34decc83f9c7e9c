package dev.mre.e2e.perf.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Follows the leader-election Lease with one {@code kubectl get lease --watch} process: every holder the Lease has
 * had, with the acquire time the new holder wrote into it (its own clock: the same machine as the emulator). The
 * watch is restarted when it ends (the Lease does not exist yet, kube-apiserver restarts).
 */
public final class LeaseWatch implements AutoCloseable {

    private static final String FORMAT = "{.spec.holderIdentity}|{.spec.acquireTime}|{.spec.renewTime}"
            + "|{.spec.leaseTransitions}|{.spec.leaseDurationSeconds}{\"\\n\"}";

    /** One holder of the Lease: who, when it acquired it (from the Lease), when this watch first saw it. */
    public record Holder(String identity, Instant acquired, Instant seenAt, int transitions) {}

    private final String kubectl;
    private final Path kubeconfig;
    private final String namespace;
    private final String name;
    private final Map<String, Holder> holders = new LinkedHashMap<>();
    private final Thread thread;
    private volatile Process process;
    private volatile boolean closed;
    private String current;
    private Instant lastRenew;
    private int leaseDurationSeconds = -1;

    public LeaseWatch(String kubectl, Path kubeconfig, String namespace, String name) {
        this.kubectl = kubectl;
        this.kubeconfig = kubeconfig;
        this.namespace = namespace;
        this.name = name;
        this.thread = new Thread(this::loop, "lease-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try {
                ProcessBuilder pb = new ProcessBuilder(kubectl, "get", "lease", name, "-n", namespace, "--watch", "-o",
                        "jsonpath=" + FORMAT).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("KUBECONFIG", kubeconfig.toString());
                process = pb.start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        apply(line, Instant.now());
                    }
                }
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // restart
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void apply(String line, Instant now) {
        String[] f = line.split("\\|", -1);
        if (f.length < 5 || f[0].isEmpty()) {
            return;
        }
        Instant acquired = f[1].isEmpty() ? null : Instant.parse(f[1]);
        lastRenew = f[2].isEmpty() ? null : Instant.parse(f[2]);
        if (!f[4].isEmpty()) {
            leaseDurationSeconds = Integer.parseInt(f[4]);
        }
        int transitions = f[3].isEmpty() ? 0 : Integer.parseInt(f[3]);
        holders.putIfAbsent(f[0], new Holder(f[0], acquired, now, transitions));
        current = f[0];
        notifyAll();
    }

    public synchronized String current() {
        return current;
    }

    public synchronized Instant lastRenew() {
        return lastRenew;
    }

    public synchronized int leaseDurationSeconds() {
        return leaseDurationSeconds;
    }

    public synchronized Map<String, Holder> holders() {
        return new LinkedHashMap<>(holders);
    }

    public synchronized List<Holder> history() {
        return new ArrayList<>(holders.values());
    }

    /** Waits until the holder is none of {@code not} (and set); returns it, or null on timeout. */
    public synchronized Holder awaitHolderOtherThan(java.util.Set<String> not, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (current == null || not.contains(current)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(Math.min(left, 200));
        }
        return holders.get(current);
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
