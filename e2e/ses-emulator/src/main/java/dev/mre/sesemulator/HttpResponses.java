package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing answers with the headers AWS clients look at. */
final class HttpResponses {

    static final String JSON = "application/json";
    static final String XML = "text/xml";

    private HttpResponses() {}

    static void json(HttpExchange exchange, int status, JsonNode body, String requestId) throws IOException {
        send(exchange, status, JSON, Json.bytes(body), requestId, null);
    }

    /** restJson1 error: the SDK reads the code from x-amzn-ErrorType and the message from the body's "message". */
    static void sesError(HttpExchange exchange, ApiException error, String requestId) throws IOException {
        send(
                exchange,
                error.status(),
                JSON,
                Json.bytes(Json.object().put("message", error.getMessage())),
                requestId,
                error.code());
    }

    static void stsError(HttpExchange exchange, ApiException error, String requestId) throws IOException {
        send(
                exchange,
                error.status(),
                XML,
                StsProtocol.error(error, requestId).getBytes(StandardCharsets.UTF_8),
                requestId,
                null);
    }

    static void send(
            HttpExchange exchange, int status, String contentType, byte[] body, String requestId, String errorType)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (requestId != null) {
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        }
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Ends the exchange without any response. The JDK server closes the socket when an exchange is closed
     * before its response headers were sent, which is what a crashed or partitioned server looks like to a client.
     */
    static void dropConnection(HttpExchange exchange) {
        exchange.close();
    }
}
