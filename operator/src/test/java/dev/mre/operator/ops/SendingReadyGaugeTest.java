package dev.mre.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendingReadyGaugeTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final SendingReadyGauge gauge = new SendingReadyGauge(registry);

    static MultiRegionEndpointStatus status(String type, String status, String reason) {
        MultiRegionEndpointStatus s = new MultiRegionEndpointStatus();
        s.setEndpointStatus("READY");
        s.setConditions(List.of(
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("Available")
                        .build(),
                new ConditionBuilder()
                        .withType(type)
                        .withStatus(status)
                        .withReason(reason)
                        .build()));
        return s;
    }

    static MultiRegionEndpointStatus sending(String status, String reason) {
        return status("SendingReady", status, reason);
    }

    String series(String status, String reason) {
        return "ses_mre_sending_ready_objects{reason=\"" + reason + "\",status=\"" + status + "\"} ";
    }

    @Test
    void everyReasonHasItsSeriesFromTheStartWithTheStatusItHas() {
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains(series("True", "Ready") + "0.0")
                .contains(series("False", "EndpointNotReady") + "0.0")
                .contains(series("False", "ReplicaMissing") + "0.0")
                .contains(series("False", "SendingPaused") + "0.0")
                .contains(series("Unknown", "CheckFailed") + "0.0");
        assertThat(scrape.lines().filter(l -> l.startsWith("ses_mre_sending_ready_objects{")))
                .as("one series per reason, none naming an object")
                .hasSize(SendingReason.values().length)
                .allMatch(l ->
                        l.matches("ses_mre_sending_ready_objects\\{reason=\"[A-Za-z]+\",status=\"[A-Za-z]+\"} .*"));
        assertThat(Arrays.stream(SendingReason.values()).map(r -> r.status().text()))
                .containsOnly("True", "False", "Unknown");
    }

    @Test
    void objectsAreCountedByReasonAndLeaveNothingWhenTheyGoOrDropSpecSending() {
        gauge.observed("a", sending("False", "ReplicaMissing"));
        gauge.observed("b", sending("False", "ReplicaMissing"));
        gauge.observed("c", sending("True", "Ready"));
        gauge.observed("d", status("Reconciling", "False", "Available")); // no spec.sending: no SendingReady
        assertThat(registry.scrape())
                .contains(series("False", "ReplicaMissing") + "2.0")
                .contains(series("True", "Ready") + "1.0");

        gauge.observed("a", sending("True", "Ready")); // a changes reason: counted once, under the new one
        gauge.forget("b"); // released
        gauge.observed("c", new MultiRegionEndpointStatus()); // spec.sending removed: no condition
        assertThat(registry.scrape())
                .contains(series("False", "ReplicaMissing") + "0.0")
                .contains(series("True", "Ready") + "1.0");

        gauge.forget("a");
        assertThat(registry.scrape().lines().filter(l -> l.startsWith("ses_mre_sending_ready_objects{")))
                .allMatch(l -> l.endsWith(" 0.0"));
    }

    @Test
    void aReasonThisOperatorDoesNotKnowIsNotCounted() {
        gauge.observed("a", sending("False", "SomethingNew"));
        gauge.observed("b", sending("True", "ReplicaMissing")); // a status the reason never has
        assertThat(registry.scrape().lines().filter(l -> l.startsWith("ses_mre_sending_ready_objects{")))
                .allMatch(l -> l.endsWith(" 0.0"));
    }
}
