package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.MultiRegionEndpoint;
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
@EnableKubernetesMockClient(crud = true)
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
}
