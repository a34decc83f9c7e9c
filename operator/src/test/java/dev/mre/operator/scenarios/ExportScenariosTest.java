package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.Export;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.config.Setting;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.export through the real reconciler, the real AWS SDK and the SES emulator (the fabric8 mock server stands in
 * for the API server; it does not garbage-collect, so deletion with the owner is the e2e suite's): the ConfigMap
 * appears with what SES reported, owned by the object; a hand edit is put back; a foreign ConfigMap of that name is
 * never written (Stalled/ExportConflict, Ready stays True) until it is gone; without the administrator's setting,
 * Stalled/ExportNotAllowed and no ConfigMap.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ExportScenariosTest extends ScenarioTest {

    @Test
    void theConfigMapHoldsWhatSesReportedAndIsOwnedByTheObject() {
        h = new OperatorHarness(client, s -> s);
        h.setting(Setting.ALLOW_EXPORT, "true").start();
        h.create(mre("mail", "send", s -> s.setExport(new Export("ses-endpoint"))));
        MultiRegionEndpoint ready = h.awaitReady("mail", "send");
        ConfigMap cm = awaitConfigMap("mail", "ses-endpoint");
        assertThat(cm.getData())
                .containsOnly(
                        Map.entry("SES_ENDPOINT_ID", ready.getStatus().getEndpointId()),
                        Map.entry("SES_ENDPOINT_NAME", "send"),
                        Map.entry("SES_ENDPOINT_ARN", ready.getStatus().getArn()),
                        Map.entry("SES_PRIMARY_REGION", "us-east-1"),
                        Map.entry("SES_SECONDARY_REGION", "eu-west-1"));
        assertThat(ready.getStatus().getEndpointId()).isNotBlank();
        assertThat(ready.getStatus().getArn()).startsWith("arn:aws:ses:us-east-1:");
        OwnerReference owner = cm.getMetadata().getOwnerReferences().get(0);
        assertThat(cm.getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(owner.getUid()).isEqualTo(ready.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getKind()).isEqualTo("MultiRegionEndpoint");
        assertThat(owner.getApiVersion()).isEqualTo(MultiRegionEndpoint.GROUP + "/" + MultiRegionEndpoint.VERSION);
        assertThat(cm.getMetadata().getLabels()).containsEntry("ses.mre.dev/exported-by", "ses-mre-operator");
        assertThat(h.condition("mail", "send", "Stalled").orElseThrow().getStatus())
                .isEqualTo("False");

        // a hand edit of the operator's own ConfigMap is put back at the next pass
        client.configMaps()
                .inNamespace("mail")
                .withName("ses-endpoint")
                .edit(c -> new ConfigMapBuilder(c)
                        .addToData("SES_ENDPOINT_ID", "edited")
                        .build());
        refresh("mail", "send", "1");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ready.getStatus()
                        .getEndpointId()
                        .equals(configMap("mail", "ses-endpoint").getData().get("SES_ENDPOINT_ID")));
    }

    @Test
    void aForeignConfigMapOfThatNameIsLeftAlone() {
        h = new OperatorHarness(client, s -> s);
        h.setting(Setting.ALLOW_EXPORT, "true").start();
        h.namespaceUid("mail");
        client.configMaps()
                .inNamespace("mail")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("app-config")
                        .withNamespace("mail")
                        .endMetadata()
                        .addToData("SES_ENDPOINT_ID", "mine")
                        .build())
                .create();
        h.create(mre("mail", "send", s -> s.setExport(new Export("app-config"))));
        h.awaitReady("mail", "send");
        Condition stalled = awaitStalled("mail", "send", "ExportConflict");
        assertThat(stalled.getStatus()).isEqualTo("True");
        assertThat(stalled.getMessage())
                .contains("ConfigMap app-config")
                .contains("never overwrites a ConfigMap it did not create");
        assertThat(h.condition("mail", "send", "Ready").orElseThrow().getStatus())
                .as("the endpoint itself is READY and managed: Ready stays True")
                .isEqualTo("True");
        ConfigMap foreign = configMap("mail", "app-config");
        assertThat(foreign.getData()).containsExactlyEntriesOf(Map.of("SES_ENDPOINT_ID", "mine"));
        assertThat(foreign.getMetadata().getOwnerReferences()).isNullOrEmpty();

        // once the foreign one is gone, the operator writes its own and the conflict clears
        client.configMaps().inNamespace("mail").withName("app-config").delete();
        refresh("mail", "send", "1");
        ConfigMap ours = awaitConfigMap("mail", "app-config");
        assertThat(ours.getMetadata().getOwnerReferences()).hasSize(1);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> "False"
                        .equals(h.condition("mail", "send", "Stalled")
                                .orElseThrow()
                                .getStatus()));
        assertThat(h.reason("mail", "send")).isEqualTo("Available");
    }

    @Test
    void withoutTheAdministratorsSettingNoConfigMapIsWritten() {
        harness().start();
        h.create(mre("mail", "asks", s -> s.setExport(new Export("ses-endpoint"))));
        h.awaitReady("mail", "asks");
        Condition stalled = awaitStalled("mail", "asks", "ExportNotAllowed");
        assertThat(stalled.getStatus()).isEqualTo("True");
        assertThat(stalled.getMessage()).contains(Setting.ALLOW_EXPORT.env).contains("ses-endpoint");
        assertThat(client.configMaps()
                        .inNamespace("mail")
                        .withName("ses-endpoint")
                        .get())
                .isNull();
    }

    ConfigMap configMap(String ns, String name) {
        return client.configMaps().inNamespace(ns).withName(name).get();
    }

    ConfigMap awaitConfigMap(String ns, String name) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ConfigMap c = configMap(ns, name);
                    return c != null && c.getMetadata().getOwnerReferences() != null;
                });
        return configMap(ns, name);
    }

    Condition awaitStalled(String ns, String name, String reason) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> h.condition(ns, name, "Stalled")
                        .map(c -> reason.equals(c.getReason()))
                        .orElse(false));
        return h.condition(ns, name, "Stalled").orElseThrow();
    }

    void refresh(String ns, String name, String value) {
        client.resources(MultiRegionEndpoint.class)
                .inNamespace(ns)
                .withName(name)
                .edit(m -> {
                    var a = m.getMetadata().getAnnotations() == null
                            ? new HashMap<String, String>()
                            : new HashMap<>(m.getMetadata().getAnnotations());
                    a.put(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION, value);
                    m.getMetadata().setAnnotations(a);
                    return m;
                });
    }
}
