package dev.mre.operator.aws;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A fixed ceiling on SES HTTP attempts per second for the whole operator, shared by every region's client.
 * It runs before each transmission, so SDK retries count too. The SDK's adaptive retry mode lowers the rate
 * further when SES throttles; this ceiling keeps a thousand objects from ever starting a storm.
 */
final class CallRateCeiling implements ExecutionInterceptor {

    private final RateLimiter limiter;

    CallRateCeiling(double callsPerSecond) {
        // one permit per 1/rate seconds: calls are spread evenly instead of leaving in bursts at the start of
        // each second, which would meet SES's token bucket all at once
        Duration period = Duration.ofNanos((long) (1_000_000_000L / callsPerSecond));
        this.limiter = RateLimiter.of("ses-calls", RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(period)
                .timeoutDuration(Duration.ofMinutes(10))
                .build());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        RateLimiter.waitForPermission(limiter);
    }
}
