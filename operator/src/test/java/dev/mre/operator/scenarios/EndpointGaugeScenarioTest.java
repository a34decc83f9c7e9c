package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.ProcessorStatePruning;
import dev.mre.operator.api.MultiRegionEndpoint;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code ses_mre_endpoints} gauge follows an endpoint through its deletion: while SES deletes it the object
 * counts as DELETING (not READY until it is gone), and once released it counts nowhere.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class EndpointGaugeScenarioTest extends ScenarioTest {

    @Test
    void anEndpointBeingDeletedCountsAsDeleting() {
        h = new OperatorHarness(client, s -> s.withDeleteDelay(Duration.ofSeconds(4))).start();
        h.create(mre("mail", "gauged", s -> {}));
        h.awaitReady("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 1.0"));

        h.delete("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"DELETING\"} 1.0")
                        && h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 0.0"));

        h.awaitGone("mail", "gauged");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"DELETING\"} 0.0"));
    }

    /**
     * An object whose finalizer is removed by hand is gone without a release: what the operator kept of it (memory,
     * the followed endpoint, the tags it knew, its metric entry) goes at the next sweep all the same.
     */
    @Test
    void anObjectGoneWithoutItsFinalizerLeavesNothingBehind() {
        harness().start();
        for (String name : List.of("kept", "dropped-1", "dropped-2")) {
            h.create(mre("mail", name, s -> {}));
        }
        for (String name : List.of("kept", "dropped-1", "dropped-2")) {
            h.awaitReady("mail", name);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 3.0"));
        for (String name : List.of("dropped-1", "dropped-2")) {
            var r = client.resources(MultiRegionEndpoint.class)
                    .inNamespace("mail")
                    .withName(name);
            r.edit(m -> {
                m.getMetadata().setFinalizers(List.of());
                return m;
            });
            r.delete();
        }
        await().atMost(Duration.ofSeconds(15))
                .until(() -> h.registry.scrape().contains("ses_mre_endpoints{status=\"READY\"} 1.0"));
    }

    /**
     * JOSDK's own per-object event state: a state left "processed for deletion" for an object that is gone (what
     * JOSDK 5.2.3 leaves when the delete event races the end of the cleanup pass; see ProcessorStatePruning) goes
     * at the next sweep; the states of live objects stay. The leaked state is made here as JOSDK makes it, since the
     * race itself cannot be forced.
     */
    @Test
    void jOSDKsEventStateOfADeletedObjectGoesAtTheNextSweep() throws Exception {
        harness().start();
        h.create(mre("mail", "live", s -> {}));
        h.awaitReady("mail", "live");
        var registered = h.operator()
                .getRegisteredController(dev.mre.operator.reconcile.MultiRegionEndpointReconciler.NAME)
                .orElseThrow();
        ProcessorStatePruning pruning = ProcessorStatePruning.of(registered);
        assertThat(pruning)
                .as("JOSDK's internals as this workaround expects them")
                .isNotNull();

        var processor = ((io.javaoperatorsdk.operator.processing.Controller<?>) registered).getEventProcessor();
        java.lang.reflect.Field managerField = processor.getClass().getDeclaredField("resourceStateManager");
        managerField.setAccessible(true);
        Object manager = managerField.get(processor);
        java.lang.reflect.Method getOrCreate = manager.getClass().getDeclaredMethod("getOrCreate", ResourceID.class);
        getOrCreate.setAccessible(true);
        Object leaked;
        synchronized (processor) {
            leaked = getOrCreate.invoke(manager, new ResourceID("gone", "mail"));
            java.lang.reflect.Method mark = leaked.getClass().getDeclaredMethod("markProcessedMarkForDeletion");
            mark.setAccessible(true);
            mark.invoke(leaked);
        }
        int withLeak = pruning.size();
        assertThat(withLeak).isGreaterThanOrEqualTo(2);

        await().atMost(Duration.ofSeconds(15)).until(() -> pruning.size() == withLeak - 1);
        assertThat(h.get("mail", "live")).isPresent();

        // JOSDK's deletion tombstones: a deleted object's UID stays for JOSDK's 20 minutes; one past expiry goes at
        // the sweep (an idle JOSDK would keep it until later events pass by), a fresh one stays
        h.create(mre("mail", "deleted", s -> {}));
        h.awaitReady("mail", "deleted");
        h.delete("mail", "deleted");
        h.awaitGone("mail", "deleted");
        await().atMost(Duration.ofSeconds(10)).until(() -> pruning.tombstones() >= 1);
        var events = ((io.javaoperatorsdk.operator.processing.Controller<?>) registered)
                .getEventSourceManager()
                .getControllerEventSource();
        java.lang.reflect.Field tempField =
                io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource.class
                        .getDeclaredField("temporaryResourceCache");
        tempField.setAccessible(true);
        Object temporary = tempField.get(events);
        java.lang.reflect.Field tombField = temporary.getClass().getDeclaredField("tombstones");
        tombField.setAccessible(true);
        Object tombstones = tombField.get(temporary);
        java.lang.reflect.Field cacheField = tombstones.getClass().getDeclaredField("cache");
        cacheField.setAccessible(true);
        @SuppressWarnings("unchecked")
        var entries = (java.util.LinkedHashMap<String, Long>) cacheField.get(tombstones);
        int fresh;
        synchronized (temporary) {
            // an entry of a deletion 21 minutes ago, first in JOSDK's insertion order as it would be
            var all = new java.util.LinkedHashMap<>(entries);
            entries.clear();
            entries.put(
                    "uid-deleted-long-ago",
                    System.currentTimeMillis() - Duration.ofMinutes(21).toMillis());
            entries.putAll(all);
            fresh = all.size();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> pruning.tombstones() == fresh);
    }
}
