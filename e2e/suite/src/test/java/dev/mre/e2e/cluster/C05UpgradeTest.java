package dev.mre.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code helm upgrade} to a second image tag while objects are being created: the Deployment rolls (surge one, none
 * unavailable: the new pod waits for the Lease), every object converges with one Create, and the call log never
 * shows two pods acting at once: each access key's calls form one interval, and the intervals do not overlap.
 */
@Order(5)
@DisplayName("C05 helm upgrade to a second image tag rolls the Deployment with no window of two acting replicas")
class C05UpgradeTest extends ClusterTest {

    static final List<Mre> OBJECTS = Mre.numbered(ClusterEnv.NAMESPACE, "upgrade", 10);

    @Test
    void helm_upgrade_to_a_second_tag() {
        assumeTrue(env().upgradeTag().isPresent(), "no second tag of the image (E2E_IMAGE_UPGRADE_TAG)");
        String tag = env().upgradeTag().get();
        awaitLeader(READY_TIMEOUT);
        Instant t0 = Instant.now();
        apply(OBJECTS, "upgrade.yaml");
        awaitCreating(OBJECTS);
        helmRelease("upgrade", 2, tag, "podDisruptionBudget.enabled=true").orThrow();

        List<JsonNode> pods = awaitReadyPods(2, READY_TIMEOUT);
        assertThat(pods)
                .allSatisfy(p -> assertThat(p.path("spec")
                                .path("containers")
                                .path(0)
                                .path("image")
                                .asText())
                        .endsWith(":" + tag));
        JsonNode leader = awaitLeader(READY_TIMEOUT);
        awaitAllReady(OBJECTS);
        assertOneEndpointAndOneCreateEach(OBJECTS);

        // one actor at a time: per access key the span [first call, last call]; sorted, no span starts before the
        // previous one ended
        Map<String, List<Emulator.Call>> byKey = byAccessKey(callsSince(t0));
        List<Instant[]> spans = new ArrayList<>();
        byKey.forEach((key, calls) -> spans.add(new Instant[] {
            calls.get(0).instant(), calls.get(calls.size() - 1).instant()
        }));
        spans.sort(Comparator.comparing(s -> s[0]));
        StringBuilder described = new StringBuilder();
        byKey.forEach((key, calls) -> described
                .append(key)
                .append(": ")
                .append(calls.size())
                .append(" calls ")
                .append(calls.get(0).instant())
                .append(" .. ")
                .append(calls.get(calls.size() - 1).instant())
                .append("; "));
        Progress.log("  callers during the upgrade: %s", described);
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0])
                    .as("callers' spans do not overlap: %s", described)
                    .isAfterOrEqualTo(spans.get(i - 1)[1]);
        }
        assertThat(byKey.keySet())
                .as("the last caller is the new leader")
                .last()
                .isEqualTo(ClusterEnv.podAccessKey(podIp(leader)));
    }
}
