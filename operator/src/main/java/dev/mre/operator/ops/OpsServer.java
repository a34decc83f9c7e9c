package dev.mre.operator.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /healthz (liveness), /readyz (readiness) and /metrics (Prometheus text) on one port. The JDK's HTTP server
 * is enough for three read-only paths and keeps a web framework out of the operator.
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;

    /**
     * @param live whether the process should keep running (the operator started and was not stopped)
     * @param ready a short reason why it is not ready, or null when ready
     */
    public OpsServer(int port, BooleanSupplier live, Supplier<String> ready, PrometheusMeterRegistry registry)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(
                "/healthz",
                ex -> reply(
                        ex,
                        live.getAsBoolean() ? 200 : 503,
                        live.getAsBoolean() ? "ok\n" : "operator not running\n",
                        "text/plain"));
        server.createContext("/readyz", ex -> {
            String notReady = ready.get();
            reply(ex, notReady == null ? 200 : 503, notReady == null ? "ok\n" : notReady + "\n", "text/plain");
        });
        server.createContext(
                "/metrics", ex -> reply(ex, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
