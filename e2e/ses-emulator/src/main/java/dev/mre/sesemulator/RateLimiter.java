package dev.mre.sesemulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per (account, region), refilled at the account's rate ({@link Settings#rateLimitFor(String)}: its
 * override or the global {@code rateLimit}) per second up to {@link Settings#effectiveBurstFor(String)}. Real elapsed time (System.nanoTime), not the injected clock:
 * the load a client generates is real, and a frozen test clock must not freeze the refill.
 * A bucket whose rate or size no longer matches the settings is replaced, full.
 */
final class RateLimiter {

    private static final class Bucket {
        final double rate;
        final int size;
        double tokens;
        long lastRefill;

        Bucket(double rate, int size, long now) {
            this.rate = rate;
            this.size = size;
            this.tokens = size;
            this.lastRefill = now;
        }

        synchronized boolean tryTake(long now) {
            tokens = Math.min(size, tokens + (now - lastRefill) / 1e9 * rate);
            lastRefill = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final LiveSettings settings;
    private final LongSupplier nanoTime;
    private final Map<EndpointStore.Scope, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(LiveSettings settings, LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /** True when the request may proceed. */
    boolean tryAcquire(EndpointStore.Scope scope) {
        Settings current = settings.get();
        double rate = current.rateLimitFor(scope.accountId());
        if (rate <= 0) {
            return true;
        }
        int size = current.effectiveBurstFor(scope.accountId());
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.compute(
                scope, (k, b) -> b == null || b.rate != rate || b.size != size ? new Bucket(rate, size, now) : b);
        return bucket.tryTake(now);
    }

    void clear() {
        buckets.clear();
    }
}
