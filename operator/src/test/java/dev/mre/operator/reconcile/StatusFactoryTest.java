package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFactoryTest {

    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    static final EndpointFacts FACTS = new EndpointFacts(
            "id.abc",
            "CREATING",
            List.of("us-east-1", "eu-west-1"),
            null,
            null,
            "arn:aws:ses:us-east-1:1:multi-region-endpoint/n");

    static MultiRegionEndpointStatus next(
            MultiRegionEndpointStatus prev, Reason r, String msg, EndpointFacts f, Instant now) {
        return StatusFactory.next(prev, "n", "us-east-1", 1, r, msg, null, f, "123456789012", false, now);
    }

    @Test
    void conditionsFollowKstatus() {
        MultiRegionEndpointStatus s = next(new MultiRegionEndpointStatus(), Reason.Creating, "m", FACTS, T0);
        assertThat(s.getConditions())
                .extracting(Condition::getType, Condition::getStatus)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Ready", "False"),
                        org.assertj.core.groups.Tuple.tuple("Reconciling", "True"),
                        org.assertj.core.groups.Tuple.tuple("Stalled", "False"));
        MultiRegionEndpointStatus stalled = next(s, Reason.EndpointNameConflict, "m", null, T0);
        assertThat(StatusFactory.condition(stalled, "Stalled").orElseThrow().getStatus())
                .isEqualTo("True");
        assertThat(StatusFactory.condition(stalled, "Reconciling").orElseThrow().getStatus())
                .isEqualTo("False");
        MultiRegionEndpointStatus ready = next(s, Reason.Available, "m", FACTS.withStatus("READY"), T0);
        assertThat(StatusFactory.condition(ready, "Ready").orElseThrow().getStatus())
                .isEqualTo("True");
        assertThat(ready.getObservedGeneration()).isEqualTo(1);
    }

    @Test
    void samePassTwiceGivesAnEqualStatusSoNothingIsWritten() {
        MultiRegionEndpointStatus s1 = next(new MultiRegionEndpointStatus(), Reason.Creating, "m", FACTS, T0);
        MultiRegionEndpointStatus s2 = next(s1, Reason.Creating, "m", FACTS, T0.plusSeconds(30));
        assertThat(s2).isEqualTo(s1);
    }

    @Test
    void lastTransitionTimeChangesOnlyWithTheConditionStatus() {
        MultiRegionEndpointStatus s1 = next(new MultiRegionEndpointStatus(), Reason.Creating, "m", FACTS, T0);
        MultiRegionEndpointStatus s2 = next(s1, Reason.Throttled, "slow", null, T0.plusSeconds(30));
        assertThat(StatusFactory.condition(s2, "Reconciling").orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-25T12:00:00Z");
        assertThat(StatusFactory.condition(s2, "Reconciling").orElseThrow().getReason())
                .isEqualTo("Throttled");
        assertThat(s2.getEndpointId()).as("LAST_KNOWN keeps the endpoint").isEqualTo("id.abc");
        MultiRegionEndpointStatus s3 = next(s2, Reason.Available, "ok", FACTS.withStatus("READY"), T0.plusSeconds(60));
        assertThat(StatusFactory.condition(s3, "Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-25T12:01:00Z");
    }

    @Test
    void clearEndpointShowsNoEndpoint() {
        MultiRegionEndpointStatus s1 = next(new MultiRegionEndpointStatus(), Reason.Creating, "m", FACTS, T0);
        MultiRegionEndpointStatus s2 = StatusFactory.next(
                s1, "n", "us-east-1", 1, Reason.EndpointNameConflict, "c", null, null, null, true, T0);
        assertThat(s2.getEndpointId()).isNull();
        assertThat(s2.getArn()).isNull();
        assertThat(s2.getEndpointName()).isEqualTo("n");
    }

    @Test
    void pausedKeepsReadyAndStalledAndSaysSoInReconciling() {
        MultiRegionEndpointStatus ready = next(new MultiRegionEndpointStatus(), Reason.Available, "ok", FACTS, T0);
        MultiRegionEndpointStatus paused = StatusFactory.next(
                ready, "n", "us-east-1", 2, Reason.Paused, "paused", null, null, null, false, T0.plusSeconds(60));
        assertThat(StatusFactory.condition(paused, "Ready")).isEqualTo(StatusFactory.condition(ready, "Ready"));
        assertThat(StatusFactory.condition(paused, "Stalled")).isEqualTo(StatusFactory.condition(ready, "Stalled"));
        var reconciling = StatusFactory.condition(paused, "Reconciling").orElseThrow();
        assertThat(reconciling.getStatus()).isEqualTo("False");
        assertThat(reconciling.getReason()).isEqualTo("Paused");
        assertThat(paused.getEndpointId()).isEqualTo(ready.getEndpointId());
        assertThat(paused.getObservedGeneration())
                .as("the spec was not acted on")
                .isEqualTo(1L);
        assertThat(Memory.of(paused).reason())
                .as("the state machine resumes where it was")
                .isEqualTo(Reason.Available);
    }

    @Test
    void theAccountIsRecordedWithTheEndpointAndKept() {
        MultiRegionEndpointStatus s1 = next(new MultiRegionEndpointStatus(), Reason.Creating, "m", FACTS, T0);
        assertThat(s1.getAccountId()).isEqualTo("123456789012");
        MultiRegionEndpointStatus s2 = StatusFactory.next(
                s1, "n", "us-east-1", 1, Reason.Throttled, "t", null, null, "999999999999", false, T0);
        assertThat(s2.getAccountId())
                .as("only an observed endpoint records an account")
                .isEqualTo("123456789012");
    }
}
