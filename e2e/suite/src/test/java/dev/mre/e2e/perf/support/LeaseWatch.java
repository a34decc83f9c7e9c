package dev.mre.e2e.perf.support;

import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.KubectlWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Follows the leader-election Lease with one {@code kubectl get lease --watch} ({@link KubectlWatch}): every holder
 * the Lease has had, with the acquire time the new holder wrote into it (its own clock: the same machine as the
 * emulator). The watch restarts when it ends (the Lease does not exist yet, kube-apiserver restarts).
 */
public final class LeaseWatch implements AutoCloseable {

    private static final String FORMAT = "{.spec.holderIdentity}|{.spec.acquireTime}|{.spec.renewTime}"
            + "|{.spec.leaseTransitions}|{.spec.leaseDurationSeconds}{\"\\n\"}";

    /** One holder of the Lease: who, when it acquired it (from the Lease), when this watch first saw it. */
    public record Holder(String identity, Instant acquired, Instant seenAt, int transitions) {}

    private final Map<String, Holder> holders = new LinkedHashMap<>();
    private final KubectlWatch watch;
    private String current;
    private Instant lastRenew;
    private int leaseDurationSeconds = -1;

    public LeaseWatch(Kubectl kubectl, String namespace, String name) {
        this.watch = new KubectlWatch(
                "lease-watch",
                kubectl,
                List.of("get", "lease", name, "-n", namespace, "-o", "jsonpath=" + FORMAT),
                line -> apply(line, Instant.now()),
                () -> {});
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

    public synchronized List<Holder> history() {
        return new ArrayList<>(holders.values());
    }

    private synchronized Optional<Holder> holderOtherThan(Set<String> not) {
        return current == null || not.contains(current) ? Optional.empty() : Optional.of(holders.get(current));
    }

    /** Waits until the Lease has a holder that is none of {@code not}; empty on timeout. */
    public Optional<Holder> awaitHolderOtherThan(Set<String> not, Duration timeout) {
        boolean ok = Conditions.within(
                "a Lease holder other than " + not,
                timeout,
                Duration.ofMillis(100),
                () -> holderOtherThan(not).isPresent(),
                () -> "holder " + current());
        return ok ? holderOtherThan(not) : Optional.empty();
    }

    @Override
    public void close() {
        watch.close();
    }
}
