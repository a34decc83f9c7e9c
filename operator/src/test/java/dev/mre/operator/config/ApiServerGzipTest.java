package dev.mre.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes client the operator builds (fabric8 with the HTTP transport on its classpath) asks the API server
 * for gzip and reads a gzip answer: kube-apiserver compresses LIST answers over 128 KiB for a client that asks, so
 * the informers' initial LIST of many objects crosses TLS in a fraction of the bytes. Against a loopback server
 * that, like kube-apiserver, compresses only when asked.
 */
class ApiServerGzipTest {

    @Test
    void theClientAsksForGzipAndReadsTheCompressedList() throws Exception {
        List<String> acceptEncodings = new CopyOnWriteArrayList<>();
        byte[] list =
                "{\"apiVersion\":\"v1\",\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[{\"metadata\":{\"name\":\"mail\"}}]}"
                        .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/namespaces", exchange -> {
            String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            acceptEncodings.add(String.valueOf(accept));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = list;
            if (accept != null && accept.contains("gzip")) {
                ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                    gz.write(list);
                }
                body = zipped.toByteArray();
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            NamespaceList namespaces = client.namespaces().list();

            assertThat(acceptEncodings).containsExactly("gzip");
            assertThat(namespaces.getItems())
                    .extracting(ns -> ns.getMetadata().getName())
                    .containsExactly("mail");
        } finally {
            server.stop(0);
        }
    }
}
