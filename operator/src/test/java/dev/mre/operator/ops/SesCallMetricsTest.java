package dev.mre.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SesCallMetricsTest {

    @Test
    void theRateGaugeKeepsReadingAfterAGarbageCollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<Double> rate = new AtomicReference<>(10.0);
        // a supplier nothing else refers to, as in Main (ses::callRate); micrometer holds gauge state weakly
        SesCallMetrics.rateGauge(registry, () -> rate.get());
        System.gc();
        rate.set(7.0);

        assertThat(registry.get(SesCallMetrics.CALL_RATE).gauge().value()).isEqualTo(7.0);
    }
}
