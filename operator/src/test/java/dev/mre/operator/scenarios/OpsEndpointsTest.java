package dev.mre.operator.scenarios;

import static dev.mre.operator.scenarios.OperatorHarness.mre;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.config.OperatorConfig;
import dev.mre.operator.ops.OpsServer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /healthz, /readyz and /metrics of a running operator, as the chart's probes and Prometheus read them. */
@EnableKubernetesMockClient(crud = true, https = false)
class OpsEndpointsTest extends ScenarioTest {

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAndMetricsReflectTheOperator() throws Exception {
        h = new OperatorHarness(client, s -> s).start();
        OperatorConfig config = h.config();
        AtomicBoolean stopping = new AtomicBoolean();
        try (OpsServer ops = new OpsServer(
                0,
                () -> !stopping.get() && h.operator().getRuntimeInfo().isStarted(),
                () -> dev.mre.operator.Main.readiness(config, h.operator(), new AtomicBoolean(), stopping),
                h.registry)) {
            h.create(mre("mail", "metrics-probe-object", s -> {}));
            h.awaitReady("mail", "metrics-probe-object");

            assertThat(get(ops.port(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(ops.port(), "/readyz").statusCode()).isEqualTo(200);
            String metrics = get(ops.port(), "/metrics").body();
            assertThat(metrics)
                    .contains("ses_mre_ses_calls_total{account=\"" + h.ses.accountId()
                            + "\",operation=\"CreateMultiRegionEndpoint\",outcome=\"success\"} 1.0")
                    .contains("ses_mre_ses_calls_total{account=\"" + h.ses.accountId()
                            + "\",operation=\"ListMultiRegionEndpoints\",outcome=\"success\"}")
                    .contains("ses_mre_endpoints{status=\"READY\"} 1.0")
                    .containsPattern("(?m)^ses_mre_ses_call_rate_limit\\{account=\"" + h.ses.accountId()
                            + "\",region=\"us-east-1\"} [0-9.E]+$")
                    .contains("operator_sdk_reconciliations")
                    .doesNotContain("metrics-probe-object"); // no per-object labels

            stopping.set(true);
            assertThat(get(ops.port(), "/readyz").statusCode()).isEqualTo(503);
            assertThat(get(ops.port(), "/healthz").statusCode()).isEqualTo(503);
        }
    }
}
