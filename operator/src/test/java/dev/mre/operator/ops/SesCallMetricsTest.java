package dev.mre.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.aws.ScopeKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SesCallMetricsTest {

    @Test
    void theRateGaugeKeepsReadingAfterAGarbageCollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<Double> rate = new AtomicReference<>(10.0);
        // a supplier nothing else refers to, as in Main (ses::callRate); micrometer holds gauge state weakly
        new SesCallMetrics(registry).callRate(new ScopeKey("123456789012", "us-east-1"), () -> rate.get());
        collectGarbageForSure();
        rate.set(7.0);

        assertThat(registry.get(SesCallMetrics.CALL_RATE).gauge().value()).isEqualTo(7.0);
    }

    /**
     * System.gc() is only a hint: ask until an object that only a weak reference holds is gone, which proves that a
     * collection ran (a weakly held gauge supplier would be gone with it), or fail.
     */
    static void collectGarbageForSure() {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return canary.get() == null;
                });
    }
}
