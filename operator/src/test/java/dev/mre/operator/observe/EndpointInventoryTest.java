package dev.mre.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.ScopeKey;
import dev.mre.operator.aws.SesFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EndpointInventoryTest {

    static final ScopeKey SCOPE = new ScopeKey("123456789012", "us-east-1");
    static final ObservedEndpoint EP = new ObservedEndpoint(
            "a", "id.a", EndpointStatus.READY, List.of("us-east-1", "eu-west-1"), Instant.EPOCH, Instant.EPOCH);

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aFreshEnoughSnapshotIsReusedAndAnOldOneListedAgain() {
        TestClock clock = new TestClock();
        AtomicInteger lists = new AtomicInteger();
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    lists.incrementAndGet();
                    return List.of(EP);
                },
                clock);
        assertThat(inv.known(SCOPE)).isEmpty();
        assertThat(inv.fresh(SCOPE, Duration.ofSeconds(2)).byName()).containsKey("a");
        clock.now = clock.now.plusSeconds(1);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        assertThat(lists).hasValue(1);
        clock.now = clock.now.plusSeconds(2);
        assertThat(inv.fresh(SCOPE, Duration.ofSeconds(2)).version()).isEqualTo(2);
        assertThat(lists).hasValue(2);
        assertThat(inv.due(Duration.ofSeconds(10))).isEmpty();
        clock.now = clock.now.plusSeconds(11);
        assertThat(inv.due(Duration.ofSeconds(10))).containsExactly(SCOPE);
    }

    @Test
    void concurrentNeedsCoalesceIntoOneList() throws Exception {
        TestClock clock = new TestClock();
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lists = new AtomicInteger();
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    lists.incrementAndGet();
                    listing.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return List.of(EP);
                },
                clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<EndpointInventory.Snapshot>> waiting = new ArrayList<>();
            waiting.add(pool.submit(() -> inv.fresh(SCOPE, Duration.ZERO)));
            assertThat(listing.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 7; i++) {
                waiting.add(pool.submit(() -> inv.fresh(SCOPE, Duration.ZERO)));
            }
            release.countDown();
            for (Future<EndpointInventory.Snapshot> f : waiting) {
                assertThat(f.get(10, TimeUnit.SECONDS).byName()).containsKey("a");
            }
            // the seven that came while the List ran joined it (or took its result): never eight Lists
            assertThat(lists.get()).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedListFailsItsWaitersAndTheNextNeedListsAgain() {
        TestClock clock = new TestClock();
        AtomicInteger lists = new AtomicInteger();
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    if (lists.incrementAndGet() == 1) {
                        throw new SesFailure(SesFailure.Kind.THROTTLED, "TooManyRequestsException", "slow down", null);
                    }
                    return List.of(EP);
                },
                clock);
        assertThatThrownBy(() -> inv.fresh(SCOPE, Duration.ZERO)).isInstanceOf(SesFailure.class);
        assertThat(inv.known(SCOPE)).isEmpty();
        assertThat(inv.fresh(SCOPE, Duration.ZERO).byName()).containsKey("a");
    }

    @Test
    void aLargeListIsNotRepeatedWithinItsShareOfTheCallRate() {
        TestClock clock = new TestClock();
        AtomicInteger lists = new AtomicInteger();
        List<ObservedEndpoint> many = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            many.add(new ObservedEndpoint(
                    "e" + i,
                    "id" + i,
                    EndpointStatus.READY,
                    List.of("us-east-1", "eu-west-1"),
                    Instant.EPOCH,
                    Instant.EPOCH));
        }
        // 2,500 endpoints = 3 pages; at 10 calls/s a tenth of the rate is 1 call/s: one such List per 3 s at most
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    lists.incrementAndGet();
                    return many;
                },
                scope -> 10.0,
                Duration.ofSeconds(30),
                clock);
        EndpointInventory.Snapshot first = inv.fresh(SCOPE, Duration.ofSeconds(2));
        assertThat(first.pages()).isEqualTo(3);
        clock.now = clock.now.plusMillis(2500);
        assertThat(inv.fresh(SCOPE, Duration.ofSeconds(2))).isSameAs(first);
        assertThat(lists).hasValue(1);
        clock.now = clock.now.plusMillis(600);
        assertThat(inv.fresh(SCOPE, Duration.ofSeconds(2)).version()).isEqualTo(2);
        assertThat(lists).hasValue(2);
    }

    @Test
    void aOnePageListIsRepeatedAsOftenAsCallersAsk() {
        TestClock clock = new TestClock();
        AtomicInteger lists = new AtomicInteger();
        // one page at 10 calls/s: 1 s apart at least, below the 2 s a poll asks for
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    lists.incrementAndGet();
                    return List.of(EP);
                },
                scope -> 10.0,
                Duration.ofSeconds(30),
                clock);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        clock.now = clock.now.plusMillis(2100);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        assertThat(lists).hasValue(2);
    }

    @Test
    void theRateShareNeverHoldsAListBackLongerThanTheLongestPoll() {
        TestClock clock = new TestClock();
        AtomicInteger lists = new AtomicInteger();
        // one page at a throttled 0.5 calls/s would be 20 s apart; the longest poll, 5 s here, caps it
        EndpointInventory inv = new EndpointInventory(
                (s, as) -> {
                    lists.incrementAndGet();
                    return List.of(EP);
                },
                scope -> 0.5,
                Duration.ofSeconds(5),
                clock);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        clock.now = clock.now.plusMillis(4900);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        assertThat(lists).hasValue(1);
        clock.now = clock.now.plusMillis(200);
        inv.fresh(SCOPE, Duration.ofSeconds(2));
        assertThat(lists).hasValue(2);
    }
}
