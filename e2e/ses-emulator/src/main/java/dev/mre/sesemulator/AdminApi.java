package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;

/**
 * The control API under {@code /_emulator/}: no signature, no rate limit, no faults, so tests and
 * humans can always look inside. JSON in lower camel case with ISO-8601 times (unlike the SES wire format,
 * this is for reading, not for the SDK).
 */
final class AdminApi {

    static final String PREFIX = "/_emulator";

    private final SesEmulator emulator;

    AdminApi(SesEmulator emulator) {
        this.emulator = emulator;
    }

    void handle(HttpExchange exchange, IncomingRequest request) throws IOException {
        String path = request.rawPath();
        String key = request.method() + " " + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        try {
            switch (key) {
                case "GET /_emulator/health" ->
                    reply(
                            exchange,
                            200,
                            Json.object()
                                    .put("status", "UP")
                                    .put("endpoint", emulator.endpoint().toString()));
                case "GET /_emulator/state" -> reply(exchange, 200, state());
                case "GET /_emulator/calls" ->
                    reply(exchange, 200, calls("true".equalsIgnoreCase(request.queryParameter("log"))));
                case "GET /_emulator/settings" -> reply(exchange, 200, SettingsCodec.toJson(emulator.settings()));
                case "POST /_emulator/settings" -> {
                    JsonNode update = request.body().length == 0 ? Json.object() : Json.MAPPER.readTree(request.body());
                    reply(exchange, 200, SettingsCodec.toJson(emulator.applySettings(update)));
                }
                case "POST /_emulator/reset" -> {
                    boolean alsoSettings = "true".equalsIgnoreCase(request.queryParameter("settings"));
                    boolean alsoSessions = "true".equalsIgnoreCase(request.queryParameter("sessions"));
                    emulator.reset();
                    if (alsoSettings) {
                        emulator.resetSettings();
                    }
                    if (alsoSessions) {
                        emulator.forgetSessions();
                    }
                    reply(
                            exchange,
                            200,
                            Json.object()
                                    .put("reset", true)
                                    .put("settings", alsoSettings)
                                    .put("sessions", alsoSessions));
                }
                case "POST /_emulator/expire-sessions" ->
                    reply(exchange, 200, Json.object().put("expired", emulator.expireSessions()));
                case "POST /_emulator/identity-status" ->
                    reply(exchange, 200, MailAdmin.identityStatus(emulator, body(request)));
                case "POST /_emulator/account-sending" ->
                    reply(exchange, 200, MailAdmin.accountSending(emulator, body(request)));
                case "POST /_emulator/region-availability" ->
                    reply(exchange, 200, MailAdmin.regionAvailability(emulator, body(request)));
                case "GET /_emulator/messages" -> reply(exchange, 200, MailAdmin.messages(emulator, request));
                default ->
                    reply(
                            exchange,
                            404,
                            Json.object()
                                    .put(
                                            "message",
                                            "unknown admin call " + key
                                                    + "; try GET /_emulator/health, /state, /calls[?log=true], /settings, POST /settings, POST /reset[?settings=true][&sessions=true],"
                                                    + " POST /expire-sessions, POST /identity-status, POST /account-sending, POST /region-availability,"
                                                    + " GET /messages[?endpointId=&region=&accountId=]"));
            }
        } catch (IllegalArgumentException | IOException e) {
            reply(exchange, 400, Json.object().put("message", e.getMessage()));
        }
    }

    private ObjectNode state() {
        ObjectNode out = Json.object();
        out.put("now", emulator.clock().instant().toString());
        ArrayNode list = out.putArray("endpoints");
        for (EndpointView e : emulator.endpoints()) {
            ObjectNode item = list.addObject();
            item.put("accountId", e.accountId());
            item.put("region", e.region());
            item.put("endpointName", e.endpointName());
            item.put("endpointId", e.endpointId());
            item.put("status", e.status().name());
            ArrayNode regions = item.putArray("regions");
            e.regions().forEach(regions::add);
            ObjectNode tags = item.putObject("tags");
            e.tags().forEach(tags::put);
            item.put("createdTimestamp", e.createdTimestamp().toString());
            item.put("lastUpdatedTimestamp", e.lastUpdatedTimestamp().toString());
            item.put("arn", e.arn());
        }
        ArrayNode sessions = out.putArray("sessions");
        for (SessionView v : emulator.sessions()) {
            ObjectNode item = sessions.addObject();
            item.put("accessKeyId", v.accessKeyId());
            item.put("roleArn", v.roleArn());
            item.put("sessionName", v.sessionName());
            item.put("accountId", v.accountId());
            item.put("arn", v.arn());
            ObjectNode tags = item.putObject("tags");
            v.tags().forEach(tags::put);
            item.put("assumedBy", v.assumedBy());
            item.put("issuedAt", v.issuedAt().toString());
            item.put("expiration", v.expiration().toString());
        }
        MailAdmin.addState(emulator, out);
        return out;
    }

    private ObjectNode calls(boolean withLog) {
        CallStats stats = emulator.calls();
        ObjectNode out = Json.object();
        out.put("total", stats.total());
        ObjectNode byOperation = out.putObject("byOperation");
        stats.byOperation().forEach((op, outcomes) -> {
            ObjectNode o = byOperation.putObject(op);
            outcomes.forEach(o::put);
        });
        ObjectNode byOutcome = out.putObject("byOutcome");
        stats.byOutcome().forEach(byOutcome::put);
        if (withLog) {
            ArrayNode log = out.putArray("log");
            for (CallRecord c : stats.log()) {
                log.addObject()
                        .put("time", iso(c.time()))
                        .put("operation", c.operation())
                        .put("region", c.region())
                        .put("accountId", c.accountId())
                        .put("endpointName", c.endpointName())
                        .put("accessKeyId", c.accessKeyId())
                        .put("outcome", c.outcome())
                        .put("httpStatus", c.httpStatus())
                        .put("requestId", c.requestId())
                        .put("principalArn", c.principalArn())
                        .put("roleArn", c.roleArn());
            }
        }
        return out;
    }

    private static JsonNode body(IncomingRequest request) throws IOException {
        if (request.body().length == 0) {
            return Json.object();
        }
        JsonNode node = Json.MAPPER.readTree(request.body());
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return node;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        HttpResponses.json(exchange, status, body, null);
    }
}
