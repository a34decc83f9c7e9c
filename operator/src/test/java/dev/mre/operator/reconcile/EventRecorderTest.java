package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Events aggregate per object and reason, as client-go's event correlator does, across restarts too. */
@EnableKubernetesMockClient(crud = true, https = false)
class EventRecorderTest {

    KubernetesClient client;

    static MultiRegionEndpoint object() {
        MultiRegionEndpoint m = new MultiRegionEndpoint();
        m.setMetadata(new ObjectMetaBuilder()
                .withName("flappy")
                .withNamespace("mail")
                .withUid("uid-1")
                .build());
        return m;
    }

    List<Event> events() {
        return client.v1().events().inNamespace("mail").list().getItems();
    }

    @Test
    void aFlappingObjectKeepsOneEventPerReasonWithACount() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
        EventRecorder recorder = new EventRecorder(client, clock);
        for (int i = 0; i < 5; i++) {
            recorder.record(object(), Reason.Throttled, "SES throttled the operator, try " + i);
            recorder.record(object(), Reason.Available, "READY");
        }
        Map<String, Integer> counts = events().stream().collect(Collectors.toMap(Event::getReason, Event::getCount));
        assertThat(counts).isEqualTo(Map.of("Throttled", 5, "Available", 5));
        Event throttled = events().stream()
                .filter(e -> e.getReason().equals("Throttled"))
                .findFirst()
                .orElseThrow();
        assertThat(throttled.getMessage()).as("the latest message").isEqualTo("SES throttled the operator, try 4");
        assertThat(throttled.getType()).isEqualTo("Warning");
        assertThat(throttled.getInvolvedObject().getUid()).isEqualTo("uid-1");

        // a restarted operator (nothing remembered) continues the same Events
        new EventRecorder(client, clock).record(object(), Reason.Throttled, "again");
        assertThat(events()).hasSize(2);
        assertThat(events().stream()
                        .filter(e -> e.getReason().equals("Throttled"))
                        .findFirst()
                        .orElseThrow()
                        .getCount())
                .isEqualTo(6);
    }

    @Test
    void anExpiredEventIsStartedAgain() {
        EventRecorder recorder = new EventRecorder(client, Clock.systemUTC());
        recorder.record(object(), Reason.Creating, "creating");
        client.v1().events().inNamespace("mail").delete(); // the API server's one-hour TTL
        recorder.record(object(), Reason.Creating, "creating again");
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getMessage()).isEqualTo("creating again");
        });
    }

    static MultiRegionEndpointStatus sending(String status, String reason, String message) {
        MultiRegionEndpointStatus s = new MultiRegionEndpointStatus();
        if (status != null) {
            s.setConditions(List.of(new ConditionBuilder()
                    .withType("SendingReady")
                    .withStatus(status)
                    .withReason(reason)
                    .withMessage(message)
                    .build()));
        }
        return s;
    }

    Event event(String reason) {
        return events().stream()
                .filter(e -> e.getReason().equals(reason))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Event " + reason + " in " + events()));
    }

    /**
     * SendingReady's transitions: Normal while the endpoint is being made and when it turns True, Warning when it
     * turns False for a cause someone must fix (or Unknown); a pass that keeps the reason (whatever its message) and
     * the condition's removal write nothing.
     */
    @Test
    void eachSendingReadyTransitionIsAnEventOfItsReason() {
        EventRecorder recorder = new EventRecorder(client, Clock.systemUTC());
        MultiRegionEndpointStatus creating =
                sending("False", "EndpointNotReady", "the endpoint is not READY in SES yet");
        MultiRegionEndpointStatus missing = sending("False", "ReplicaMissing", "eu-west-1: domain example.com ...");
        MultiRegionEndpointStatus ready = sending("True", "Ready", "both regions (us-east-1, eu-west-1) can send");
        MultiRegionEndpointStatus unknown = sending("Unknown", "CheckFailed", "us-east-1: could not read");

        recorder.sendingTransition(object(), null, SendingReason.EndpointNotReady, creating);
        recorder.sendingTransition(object(), SendingReason.EndpointNotReady, SendingReason.ReplicaMissing, missing);
        recorder.sendingTransition(object(), SendingReason.ReplicaMissing, SendingReason.ReplicaMissing, missing);
        assertThat(events()).hasSize(2);
        assertThat(event("EndpointNotReady").getType()).isEqualTo("Normal");
        Event warning = event("ReplicaMissing");
        assertThat(warning.getType()).isEqualTo("Warning");
        assertThat(warning.getMessage()).isEqualTo("SendingReady False: eu-west-1: domain example.com ...");
        assertThat(warning.getCount()).isEqualTo(1);
        assertThat(warning.getInvolvedObject().getUid()).isEqualTo("uid-1");

        recorder.sendingTransition(object(), SendingReason.ReplicaMissing, SendingReason.Ready, ready);
        Event normal = event("SendingReady");
        assertThat(normal.getType()).isEqualTo("Normal");
        assertThat(normal.getMessage()).isEqualTo("SendingReady True: both regions (us-east-1, eu-west-1) can send");

        recorder.sendingTransition(object(), SendingReason.Ready, null, sending(null, null, null)); // removed
        recorder.sendingTransition(object(), SendingReason.Ready, SendingReason.CheckFailed, unknown);
        recorder.sendingTransition(object(), SendingReason.CheckFailed, SendingReason.ReplicaMissing, missing);
        assertThat(events()).hasSize(4);
        assertThat(event("CheckFailed").getType()).isEqualTo("Warning");
        assertThat(event("CheckFailed").getMessage()).isEqualTo("SendingReady Unknown: us-east-1: could not read");
        assertThat(event("ReplicaMissing").getCount())
                .as("aggregated per reason")
                .isEqualTo(2);
        assertThat(events().stream().map(e -> e.getMetadata().getName()))
                .as("SendingReady's Events are named apart from Ready's")
                .doesNotContain(EventRecorder.eventName("flappy", "uid-1", "EndpointNotReady"))
                .contains(EventRecorder.eventName("flappy", "uid-1", "SendingReady/EndpointNotReady"));
    }

    /** What the reconciler compares: a status this operator wrote gives its SendingReady reason back after a restart. */
    @Test
    void theMemoryOfAStatusKeepsItsSendingReadyReason() {
        assertThat(Memory.of(sending("False", "ReplicaMissing", "m")).sendingReason())
                .isEqualTo(SendingReason.ReplicaMissing);
        assertThat(Memory.of(sending(null, null, null)).sendingReason()).isNull();
        assertThat(Memory.of(sending("False", "NoLongerAReason", "m")).sendingReason())
                .isNull();
    }
}
