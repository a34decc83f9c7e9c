package dev.mre.sesemulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request read off the wire: raw path and query (exactly as sent, still percent-encoded, because
 * SigV4 signs the encoded form), headers with lower-case names, and the whole body.
 */
record IncomingRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    IncomingRequest {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach(
                (name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                        .addAll(values));
        headers = lower;
        rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    }

    static IncomingRequest read(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new IncomingRequest(
                exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(),
                body);
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Decoded query parameters; '+' is literal because AWS SDKs encode a space as %20. */
    Map<String, List<String>> queryParameters() {
        return UriEncoding.parseQuery(rawQuery, false);
    }

    String queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
