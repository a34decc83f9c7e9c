package dev.mre.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OperatorStateGaugesTest {

    @Test
    void leaderAndReadyFollowTheReplicaAndKeepReadingAfterAGarbageCollection() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicBoolean leading = new AtomicBoolean();
        AtomicReference<String> notReady = new AtomicReference<>("starting");
        OperatorStateGauges.register(registry, leading::get, notReady::get);
        SesCallMetricsTest.collectGarbageForSure();

        assertThat(registry.scrape()).contains("ses_mre_leader 0.0").contains("ses_mre_ready 0.0");
        leading.set(true);
        notReady.set(null);
        // the names the chart's alerts and dashboard use (helm/ses-mre-operator/templates/prometheusrule.yaml)
        assertThat(registry.scrape()).contains("ses_mre_leader 1.0").contains("ses_mre_ready 1.0");
    }
}
