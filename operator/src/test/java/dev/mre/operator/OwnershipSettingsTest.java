package dev.mre.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mre.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the cluster id of the ownership tag comes from. */
@EnableKubernetesMockClient(crud = true, https = false)
class OwnershipSettingsTest {

    KubernetesClient client;

    @Test
    void withoutASettingTheClusterIdIsTheKubeSystemNamespaceUid() {
        String uid = client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("kube-system")
                        .endMetadata()
                        .build())
                .create()
                .getMetadata()
                .getUid();
        var ownership = OperatorApp.ownership(client, OperatorConfig.from(Map.of()));
        assertThat(uid).isNotBlank();
        assertThat(ownership.clusterId()).isEqualTo(uid);
    }

    @Test
    void theSettingWins() {
        var ownership = OperatorApp.ownership(client, OperatorConfig.from(Map.of("SES_MRE_CLUSTER_ID", "prod-eu")));
        assertThat(ownership.clusterId()).isEqualTo("prod-eu");
    }

    @Test
    void neitherSettingNorKubeSystemRefusesToStartWithAClearMessage() {
        assertThatThrownBy(() -> OperatorApp.ownership(client, OperatorConfig.from(Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SES_MRE_CLUSTER_ID is not set")
                .hasMessageContaining("kube-system");
    }
}
