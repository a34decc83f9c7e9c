package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.config.Setting;
import dev.mre.operator.reconcile.Timing;
import dev.mre.sesemulator.CallRecord;
import dev.mre.sesemulator.Operation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Batch observation: SES is observed through one shared ListMultiRegionEndpoints per account and region, a new
 * object creates without asking first, and a settled object costs no SES call of its own.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class BatchObservationTest extends ScenarioTest {

    /** The harness's fast polling, but a tag sweep far away, so that only observation is counted. */
    static final Timing NO_SWEEP = new Timing(
            OperatorHarness.FAST.pollMin(),
            OperatorHarness.FAST.pollMax(),
            OperatorHarness.FAST.resync(),
            Duration.ofHours(6),
            OperatorHarness.FAST.createGrace(),
            OperatorHarness.FAST.errorBackoffBase(),
            OperatorHarness.FAST.errorBackoffMax(),
            OperatorHarness.FAST.throttleBackoffMax(),
            OperatorHarness.FAST.stalledRetryMin(),
            OperatorHarness.FAST.stalledRetryMax());

    long calls(Operation op) {
        return h.ses.calls().count(op);
    }

    @Test
    void manyObjectsCostOneCreateEachAndShareTheirObservation() {
        h = new OperatorHarness(client, s -> s).timing(NO_SWEEP).start();
        int n = 20;
        IntStream.range(0, n).forEach(i -> h.create(mre("mail", "batch-" + i, s -> {})));
        IntStream.range(0, n).forEach(i -> h.awaitReady("mail", "batch-" + i));

        long lists = calls(Operation.LIST_MULTI_REGION_ENDPOINTS);
        System.out.printf(
                "batch observation: %d objects Ready with %s%n",
                n, h.ses.calls().byOperation());
        assertThat(calls(Operation.CREATE_MULTI_REGION_ENDPOINT))
                .as("one Create per object, no probe")
                .isEqualTo(n);
        assertThat(calls(Operation.GET_MULTI_REGION_ENDPOINT))
                .as("no Get per object")
                .isZero();
        assertThat(calls(Operation.LIST_TAGS_FOR_RESOURCE))
                .as("the tags went in with Create")
                .isZero();
        assertThat(lists)
                .as("objects waiting on CREATING share their Lists")
                .isPositive()
                .isLessThan(n);
    }

    @Test
    void aNewObjectCreatesWithoutAskingSesFirst() {
        h = new OperatorHarness(client, s -> s).timing(NO_SWEEP).start();
        h.create(mre("mail", "first", s -> {}));
        h.awaitReady("mail", "first");
        List<CallRecord> sesCalls = h.ses.calls().log().stream()
                .filter(c -> !c.operation().equals(Operation.GET_CALLER_IDENTITY.wireName()))
                .toList();
        assertThat(sesCalls.get(0).operation())
                .as("the first SES call is the Create")
                .isEqualTo(Operation.CREATE_MULTI_REGION_ENDPOINT.wireName());
        assertThat(sesCalls.get(0).outcome()).isEqualTo("200");
    }

    @Test
    void aTakenNameIsJudgedAfterAlreadyExistsAndNeverTouched() {
        h = new OperatorHarness(client, s -> s).timing(NO_SWEEP).start();
        try (SesV2Client outsider = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            outsider.createMultiRegionEndpoint(
                    b -> b.endpointName("taken").details(d -> d.routesDetails(r -> r.region("eu-west-1"))));
        }
        h.create(mre("mail", "taken", s -> {}));
        h.awaitReason("mail", "taken", "EndpointNameConflict", Duration.ofSeconds(20));
        assertThat(h.ses.calls().count(Operation.CREATE_MULTI_REGION_ENDPOINT, "AlreadyExistsException"))
                .as("Create is the probe")
                .isGreaterThanOrEqualTo(1);
        assertThat(calls(Operation.TAG_RESOURCE) + calls(Operation.DELETE_MULTI_REGION_ENDPOINT))
                .isZero();
        // later passes know the name from the shared List and the owner from memory: no Create storm
        long creates = calls(Operation.CREATE_MULTI_REGION_ENDPOINT);
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(5))
                .until(() -> calls(Operation.CREATE_MULTI_REGION_ENDPOINT) <= creates + 1);
    }

    @Test
    void aRestartedOperatorReobservesSettledObjectsWithListsOnly() {
        h = new OperatorHarness(client, s -> s).timing(NO_SWEEP).start();
        int n = 10;
        IntStream.range(0, n).forEach(i -> h.create(mre("mail", "settled-" + i, s -> {})));
        IntStream.range(0, n).forEach(i -> h.awaitReady("mail", "settled-" + i));
        h.stopOperator();
        Map<String, Long> before = Map.of(
                "get", calls(Operation.GET_MULTI_REGION_ENDPOINT),
                "tags", calls(Operation.LIST_TAGS_FOR_RESOURCE),
                "create", calls(Operation.CREATE_MULTI_REGION_ENDPOINT),
                "list", calls(Operation.LIST_MULTI_REGION_ENDPOINTS));
        double reconciledBefore = reconciliations();

        h.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations() >= reconciledBefore + n);
        assertThat(calls(Operation.GET_MULTI_REGION_ENDPOINT)).isEqualTo(before.get("get"));
        assertThat(calls(Operation.LIST_TAGS_FOR_RESOURCE))
                .as("tags are swept later, not read on restart")
                .isEqualTo(before.get("tags"));
        assertThat(calls(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(before.get("create"));
        assertThat(calls(Operation.LIST_MULTI_REGION_ENDPOINTS) - before.get("list"))
                .as("Lists after the restart")
                .isBetween(1L, 3L);
        IntStream.range(0, n)
                .forEach(i -> assertThat(h.reason("mail", "settled-" + i)).isEqualTo("Available"));
    }

    @Test
    void theSharedListNoticesAnEndpointDeletedOutOfBandAndRecreatesIt() {
        h = new OperatorHarness(client, s -> s).timing(NO_SWEEP).start();
        String first = h.awaitReady(
                        "mail",
                        h.create(mre("mail", "drift", s -> {})).getMetadata().getName())
                .getStatus()
                .getEndpointId();
        try (SesV2Client outsider = SesClientsForTests.outsider(h.ses, "us-east-1")) {
            outsider.deleteMultiRegionEndpoint(b -> b.endpointName("drift"));
        }
        // READY objects do not poll: the next periodic List (resync 3 s here) raises the event
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.get("mail", "drift")
                        .map(m -> m.getStatus().getEndpointId() != null
                                && !m.getStatus().getEndpointId().equals(first)
                                && "Available".equals(h.reason("mail", "drift")))
                        .orElse(false));
        assertThat(calls(Operation.GET_MULTI_REGION_ENDPOINT)).isZero();
    }

    @Test
    void perObjectObservationStillWorksForComparison() {
        h = new OperatorHarness(client, s -> s)
                .timing(NO_SWEEP)
                .setting(Setting.OBSERVATION, "per-object")
                .start();
        h.create(mre("mail", "classic", s -> {}));
        h.awaitReady("mail", "classic");
        assertThat(calls(Operation.GET_MULTI_REGION_ENDPOINT))
                .as("a Get probe and polls")
                .isGreaterThanOrEqualTo(2);
        assertThat(calls(Operation.LIST_MULTI_REGION_ENDPOINTS)).isZero();
        assertThat(calls(Operation.CREATE_MULTI_REGION_ENDPOINT)).isEqualTo(1);
    }

    @Test
    void aLabelSelectorLimitsTheOperatorToItsShard() {
        h = new OperatorHarness(client, s -> s)
                .timing(NO_SWEEP)
                .setting(Setting.WATCH_LABEL_SELECTOR, "shard=a")
                .start();
        var mine = mre("mail", "shard-a", s -> {});
        mine.getMetadata().setLabels(Map.of("shard", "a"));
        var other = mre("mail", "shard-b", s -> {});
        other.getMetadata().setLabels(Map.of("shard", "b"));
        h.create(other);
        h.create(mine);
        h.awaitReady("mail", "shard-a");
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> h.get("mail", "shard-b").orElseThrow().getStatus() == null);
        assertThat(h.ses.findEndpoint("us-east-1", "shard-b")).isEmpty();
    }

    double reconciliations() {
        return h.registry.find("operator.sdk.reconciliations.started").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
