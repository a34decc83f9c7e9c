package dev.mre.operator.aws;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Paces every SES HTTP attempt of one account and region (SDK retries included: it runs before each
 * transmission) through one token bucket of capacity 1, so calls leave evenly spaced, 1/rate apart, instead of in
 * a burst at the start of each second that would meet SES's own token bucket all at once. The rate is the
 * configured ceiling, or, with adaptive limiting on, what {@link AdaptiveCallRate} makes of SES's answers.
 * bucket4j because its bucket can be reconfigured while threads wait on it (resilience4j's rate limiter has a
 * fixed refresh period, too coarse to go from 10 calls/s down to 0.5).
 *
 * <p>A call waits for its turn at most the longer of {@code minMaxWait}, the time every reconcile thread takes to
 * get a turn at the ceiling ((threads + 1) / ceiling), and {@link #MIN_TURNS} turns at the current rate. At the
 * ceiling no call ever waits that long; below it, while SES throttles this account and region, the calls beyond are
 * not sent ({@link NoTurn}, a throttling failure for the reconciler, which reschedules the object with its backoff)
 * instead of holding a reconcile thread: a throttled scope holds about rate × (threads + 1) / ceiling threads, and
 * never fewer than {@link #MIN_TURNS}. Otherwise one throttled account takes every reconcile thread and the objects of
 * every other account wait behind it (measured: with an account throttled at 2 calls/s, all 16 threads parked here
 * and another account's objects at a fifth of their pace). A List always waits: one List serves every object of its
 * scope and at most one runs per scope (EndpointInventory); the {@link #MIN_TURNS} keep a List from taking every turn
 * while other calls give up.
 */
final class CallPacer implements ExecutionInterceptor {

    /** The operation that always waits for its turn. */
    static final String LIST = "ListMultiRegionEndpoints";
    /** A call may always wait this many turns at the current rate (one behind a List, one of its own). */
    static final int MIN_TURNS = 2;

    private final Bucket bucket;
    private final AdaptiveCallRate adaptive;
    private final long minMaxWaitNanos;
    private final int minTurns;
    private volatile double appliedRate;

    /**
     * @param adaptive null for a fixed ceiling
     * @param minMaxWait the longest a call other than a List waits for its turn, unless {@code minTurns} take longer
     * @param minTurns turns at the current rate a call may always wait ({@link #MIN_TURNS})
     */
    CallPacer(double ceiling, AdaptiveCallRate adaptive, Duration minMaxWait, int minTurns) {
        this.adaptive = adaptive;
        this.appliedRate = ceiling;
        this.minMaxWaitNanos = minMaxWait.toNanos();
        this.minTurns = minTurns;
        this.bucket = Bucket.builder()
                .withNanosecondPrecision()
                .addLimit(bandwidth(ceiling))
                .build();
    }

    /** (threads + 1) / ceiling: at the ceiling, every reconcile thread can wait for its turn. */
    static Duration maxWait(int reconcileThreads, double ceiling) {
        return Duration.ofNanos((long) ((reconcileThreads + 1) / ceiling * 1_000_000_000L));
    }

    /** Calls per second allowed now. */
    double rate() {
        return appliedRate;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        try {
            if (LIST.equals(executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                bucket.asBlocking().consume(1);
            } else {
                double rate = appliedRate;
                long maxWait = Math.max(minMaxWaitNanos, (long) (minTurns / rate * 1_000_000_000L));
                if (!bucket.asBlocking().tryConsume(1, maxWait)) {
                    throw SdkClientException.builder()
                            .cause(new NoTurn(rate, Duration.ofNanos(maxWait)))
                            .build();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder()
                    .message("interrupted while waiting for the SES call rate")
                    .cause(e)
                    .build();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes) {
        if (adaptive == null) {
            return;
        }
        var response = context.httpResponse();
        String code = response.firstMatchingHeader("x-amzn-ErrorType")
                .map(AwsErrors::errorCodeOf)
                .orElse(null);
        double next = adaptive.onAnswer(AwsErrors.isThrottling(response.statusCode(), code), System.nanoTime());
        if (next != appliedRate) {
            synchronized (this) {
                if (next != appliedRate) {
                    appliedRate = next;
                    bucket.replaceConfiguration(
                            new BucketConfiguration(List.of(bandwidth(next))), TokensInheritanceStrategy.AS_IS);
                }
            }
        }
    }

    private static Bandwidth bandwidth(double callsPerSecond) {
        Duration interval = Duration.ofNanos((long) (1_000_000_000L / callsPerSecond));
        return Bandwidth.builder().capacity(1).refillGreedy(1, interval).build();
    }

    /** Why a call was not sent: no turn within the longest wait. Never reaches SES, so the metrics skip it. */
    static final class NoTurn extends RuntimeException {

        /** The error code the reconciler and the object's status show. */
        static final String CODE = "OperatorCallRate";

        NoTurn(double rate, Duration maxWait) {
            super(
                    String.format(
                            Locale.ROOT,
                            "no turn within %.1f s at the operator's SES call rate for this account"
                                    + " and region (%.2f calls/s, lowered while SES throttles); not sent",
                            maxWait.toMillis() / 1000.0,
                            rate),
                    null,
                    false,
                    false);
        }
    }
}
