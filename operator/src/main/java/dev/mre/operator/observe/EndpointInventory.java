package dev.mre.operator.observe;

import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.aws.SesGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The endpoints SES reports per scope (account and region), from one paginated ListMultiRegionEndpoints shared by
 * every object of that scope. Concurrent needs coalesce: while one List runs, everyone who needs a fresher
 * snapshot waits for that same List instead of starting another, so a hundred objects waiting on CREATING cost one
 * List, not a hundred. Written by hand because it is SES-specific glue: the periodic part is driven by JOSDK's
 * PollingEventSource ({@link EndpointEventSource}).
 */
public final class EndpointInventory {

    /** The endpoints of one scope by name, as of {@code fetchedAt}; {@code version} grows with every List. */
    public record Snapshot(ScopeKey scope, Map<String, ObservedEndpoint> byName, Instant fetchedAt, long version) {

        /** The calls its List took: one per page of SES's largest page (one for an empty scope). */
        public int pages() {
            return Math.max(1, (byName.size() + SesGateway.PAGE_SIZE - 1) / SesGateway.PAGE_SIZE);
        }
    }
    /**
     * The share of a scope's SES call rate that Lists may take while objects are polled: a List of P pages is not
     * repeated within P / (LIST_SHARE × rate), whatever age a caller asks for, up to {@code maxListInterval}. A List
     * of 10,000 endpoints is ten calls; repeated every 2 s (the shortest poll of an endpoint in transition) it would
     * take half of 10 calls/s, and each shard of a sharded cluster lists the whole account: Creates would wait
     * behind Lists.
     */
    static final double LIST_SHARE = 0.1;

    private final BiFunction<ScopeKey, AwsIdentity, List<ObservedEndpoint>> lister;
    private final ToDoubleFunction<ScopeKey> callRate;
    private final Duration maxListInterval;
    /** The identity each scope was last listed with (any identity acting in the account can list it). */
    private final Map<ScopeKey, AwsIdentity> listers = new ConcurrentHashMap<>();

    private final Clock clock;
    private final Map<ScopeKey, Snapshot> latest = new ConcurrentHashMap<>();
    private final Map<ScopeKey, CompletableFuture<Snapshot>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param lister one whole List of a scope (every page) as an identity acting in it, through the SES gateway
     * @param callRate the SES calls per second the operator allows itself now in a scope
     * @param maxListInterval the longest the rate share may hold a List back: the longest poll of an endpoint in
     *                        transition (Timing.pollMax), so that an endpoint created a create grace ago (twice that)
     *                        has been looked for in at least one List made after its Create
     */
    public EndpointInventory(
            BiFunction<ScopeKey, AwsIdentity, List<ObservedEndpoint>> lister,
            ToDoubleFunction<ScopeKey> callRate,
            Duration maxListInterval,
            Clock clock) {
        this.lister = lister;
        this.callRate = callRate;
        this.maxListInterval = maxListInterval;
        this.clock = clock;
    }

    /** Without a call rate to share: Lists as often as callers ask. */
    public EndpointInventory(BiFunction<ScopeKey, AwsIdentity, List<ObservedEndpoint>> lister, Clock clock) {
        this(lister, scope -> Double.POSITIVE_INFINITY, Duration.ZERO, clock);
    }

    /** The identity to list {@code scope} with from now on (any identity acting in that account may). */
    public void listAs(ScopeKey scope, AwsIdentity as) {
        listers.put(scope, as);
    }

    /** The latest snapshot of {@code scope}, whatever its age, without calling SES. */
    public Optional<Snapshot> known(ScopeKey scope) {
        return Optional.ofNullable(latest.get(scope));
    }

    /**
     * A snapshot of {@code scope} no older than {@code maxAge}: the latest one, or a new List (joined if one is
     * already running). Blocks the caller for the duration of that List.
     *
     * @throws SesFailure when the List failed (every caller waiting on it gets the failure)
     */
    public Snapshot fresh(ScopeKey scope, AwsIdentity as, Duration maxAge) {
        listAs(scope, as);
        return fresh(scope, maxAge);
    }

    /** {@link #fresh(ScopeKey, AwsIdentity, Duration)} as the identity the scope was last listed with. */
    Snapshot fresh(ScopeKey scope, Duration maxAge) {
        Snapshot s = latest.get(scope);
        Instant now = clock.instant();
        Duration age = s == null ? maxAge : max(maxAge, listInterval(s));
        if (s != null && !s.fetchedAt().plus(age).isBefore(now)) {
            return s;
        }
        return refresh(scope, now.minus(age));
    }

    /**
     * The shortest time between two Lists of the snapshot's scope: its pages at {@link #LIST_SHARE} of the rate, at
     * most {@code maxListInterval}.
     */
    Duration listInterval(Snapshot s) {
        double rate = callRate.applyAsDouble(s.scope());
        if (!(rate > 0) || Double.isInfinite(rate)) {
            return Duration.ZERO;
        }
        Duration share =
                Duration.ofNanos((long) Math.min(s.pages() / (LIST_SHARE * rate) * 1_000_000_000L, Long.MAX_VALUE));
        return share.compareTo(maxListInterval) > 0 ? maxListInterval : share;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The scopes whose snapshot is older than {@code period}: the periodic resync lists them again. */
    List<ScopeKey> due(Duration period) {
        Instant limit = clock.instant().minus(period);
        return latest.values().stream()
                .filter(s -> s.fetchedAt().isBefore(limit))
                .map(Snapshot::scope)
                .toList();
    }

    /**
     * Lists {@code scope} now, unless a snapshot fetched at or after {@code notBefore} arrived meanwhile; joins a
     * List already running.
     */
    private Snapshot refresh(ScopeKey scope, Instant notBefore) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = inFlight.putIfAbsent(scope, mine);
        if (running != null) {
            return await(running);
        }
        try {
            Snapshot previous = latest.get(scope);
            if (previous != null && !previous.fetchedAt().isBefore(notBefore)) {
                // another List finished while this caller got here: it is fresh enough
                mine.complete(previous);
                return previous;
            }
            Instant started = clock.instant();
            AwsIdentity as = listers.getOrDefault(scope, AwsIdentity.OWN);
            Map<String, ObservedEndpoint> byName = lister.apply(scope, as).stream()
                    .collect(Collectors.toUnmodifiableMap(ObservedEndpoint::name, e -> e, (a, b) -> a));
            Snapshot next = new Snapshot(scope, byName, started, previous == null ? 1 : previous.version() + 1);
            latest.put(scope, next);
            mine.complete(next);
            return next;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(scope, mine);
        }
    }

    private static Snapshot await(CompletableFuture<Snapshot> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SesFailure(SesFailure.Kind.UNAVAILABLE, "Interrupted", "interrupted while waiting for a List", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
