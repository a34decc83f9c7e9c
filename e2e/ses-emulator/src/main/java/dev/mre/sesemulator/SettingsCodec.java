package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads and writes {@link Settings} as JSON (admin API) and command-line flags (standalone jar).
 * One table of setting names serves both, so a flag is always the kebab-case of its JSON key
 * ({@code errorRate500} = {@code --error-rate-500}).
 */
final class SettingsCodec {

    private record Field(Function<Settings, Object> read, BiConsumer<Settings, JsonNode> write, String help) {
    }

    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        duration("createDelay", Settings::createDelay, Settings::createDelay, "time a new endpoint stays CREATING (default 2s)");
        duration("deleteDelay", Settings::deleteDelay, Settings::deleteDelay, "time a deleted endpoint stays DELETING (default 2s)");
        integer("quota", Settings::quota, Settings::quota, "endpoints per account and region (default 100)");
        decimal("rateLimit", Settings::rateLimit, Settings::rateLimit, "SES requests/s per account and region, 0 = unlimited (default 0)");
        integer("burst", Settings::burst, Settings::burst, "token bucket size, 0 = rate limit rounded up (default 0)");
        integer("defaultPageSize", Settings::defaultPageSize, Settings::defaultPageSize, "ListMultiRegionEndpoints page size without PageSize (default 100)");
        decimal("errorRate500", Settings::errorRate500, Settings::errorRate500, "probability of 500 InternalServiceErrorException");
        decimal("throttleRate", Settings::throttleRate, Settings::throttleRate, "probability of 429 TooManyRequestsException");
        decimal("dropConnectionRate", Settings::dropConnectionRate, Settings::dropConnectionRate, "probability of closing the connection unanswered, before the operation");
        decimal("dropResponseRate", Settings::dropResponseRate, Settings::dropResponseRate, "probability of closing the connection unanswered, after the operation");
        duration("latency", Settings::latency, Settings::latency, "added to every request (default 0ms)");
        decimal("latencySpikeRate", Settings::latencySpikeRate, Settings::latencySpikeRate, "probability of an extra latency spike");
        duration("latencySpike", Settings::latencySpike, Settings::latencySpike, "length of a latency spike (default 2s)");
        decimal("failProvisioningRate", Settings::failProvisioningRate, Settings::failProvisioningRate, "probability that a new endpoint ends FAILED");
        FIELDS.put("failProvisioningNames", new Field(
                s -> s.failProvisioningNames() == null ? null : s.failProvisioningNames().pattern(),
                (s, n) -> s.failProvisioningNames(n.isNull() ? null : n.asText()),
                "regex: endpoints whose name contains a match end FAILED"));
        FIELDS.put("concurrentModificationOnDeleteWhileCreating", new Field(
                Settings::concurrentModificationOnDeleteWhileCreating,
                (s, n) -> s.concurrentModificationOnDeleteWhileCreating(bool(n)),
                "Delete while CREATING answers ConcurrentModificationException (default true)"));
        operations("denyActions", Settings::denyActions, Settings::denyActions, "operations answered with AccessDeniedException, comma-separated");
        operations("faultOperations", Settings::faultOperations, Settings::faultOperations, "operations faults apply to, comma-separated (default: all SES operations)");
        duration("clockSkew", Settings::clockSkew, Settings::clockSkew, "allowed X-Amz-Date skew, 0 = unchecked (default 15m)");
        FIELDS.put("seed", new Field(Settings::seed,
                (s, n) -> s.seed(n.isNull() ? null : Long.valueOf(n.asText().trim())),
                "seed of the fault and endpoint-id generators"));
    }

    private SettingsCodec() {
    }

    static ObjectNode toJson(Settings settings) {
        ObjectNode node = Json.object();
        FIELDS.forEach((name, field) -> node.set(name, Json.MAPPER.valueToTree(field.read().apply(settings))));
        return node;
    }

    /**
     * Applies a partial update: all of it or nothing. A {@code seed} in the update always restarts the
     * random sequences, even when it equals the current seed (that is how a test replays a fault pattern).
     */
    static void apply(Settings live, JsonNode update) {
        if (!update.isObject()) {
            throw new IllegalArgumentException("settings must be a JSON object");
        }
        Settings candidate = live.copy();
        for (Map.Entry<String, JsonNode> e : update.properties()) {
            Field field = FIELDS.get(e.getKey());
            if (field == null) {
                throw new IllegalArgumentException("unknown setting '" + e.getKey() + "'; known: " + String.join(", ", FIELDS.keySet()));
            }
            try {
                field.write().accept(candidate, e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("invalid value for " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        synchronized (live) {
            live.assign(candidate);
            if (update.has("seed")) {
                live.seed(candidate.seed());
            }
        }
    }

    /** The JSON key for a kebab-case flag name, or null: {@code error-rate-500} -> {@code errorRate500}. */
    static String keyForFlag(String flag) {
        for (String key : FIELDS.keySet()) {
            if (flagFor(key).equals(flag)) {
                return key;
            }
        }
        return null;
    }

    static String flagFor(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1-$2").replaceAll("([a-zA-Z])(\\d)", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        FIELDS.forEach((key, field) -> lines.add(String.format("  --%-44s %s", flagFor(key) + " VALUE", field.help())));
        return lines;
    }

    private static void duration(String name, Function<Settings, Duration> read, BiConsumer<Settings, Duration> write, String help) {
        FIELDS.put(name, new Field(s -> DurationText.format(read.apply(s)), (s, n) -> write.accept(s, durationOf(n)), help));
    }

    private static void integer(String name, Function<Settings, Integer> read, BiConsumer<Settings, Integer> write, String help) {
        FIELDS.put(name, new Field(read::apply, (s, n) -> write.accept(s, intOf(n)), help));
    }

    private static void decimal(String name, Function<Settings, Double> read, BiConsumer<Settings, Double> write, String help) {
        FIELDS.put(name, new Field(read::apply, (s, n) -> write.accept(s, doubleOf(n)), help));
    }

    private static void operations(String name, Function<Settings, Set<Operation>> read, BiConsumer<Settings, Set<Operation>> write, String help) {
        FIELDS.put(name, new Field(s -> read.apply(s).stream().map(Operation::wireName).sorted().toList(),
                (s, n) -> write.accept(s, operationsOf(n)), help));
    }

    private static Duration durationOf(JsonNode n) {
        if (n.isNumber()) {
            return Duration.ofMillis(n.asLong());
        }
        return DurationText.parse(n.asText());
    }

    private static int intOf(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.asInt();
        }
        try {
            return Integer.parseInt(n.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: " + n);
        }
    }

    private static double doubleOf(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + n);
        }
    }

    private static boolean bool(JsonNode n) {
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        String t = n.asText().trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("not a boolean: " + n);
    }

    /** A JSON array of names, or one comma-separated string (the command-line form). */
    private static Set<Operation> operationsOf(JsonNode n) {
        List<String> names = new ArrayList<>();
        if (n.isArray()) {
            ((ArrayNode) n).forEach(item -> names.add(item.asText()));
        } else if (!n.isNull()) {
            for (String part : n.asText().split(",")) {
                if (!part.isBlank()) {
                    names.add(part);
                }
            }
        }
        Set<Operation> ops = new LinkedHashSet<>();
        for (String name : names) {
            if (name.trim().equals("*") || name.trim().equalsIgnoreCase("ses:*")) {
                for (Operation op : Operation.values()) {
                    if (op.service() == Operation.Service.SES && op != Operation.UNKNOWN) {
                        ops.add(op);
                    }
                }
                continue;
            }
            ops.add(Operation.parse(name).filter(op -> op != Operation.UNKNOWN)
                    .orElseThrow(() -> new IllegalArgumentException("unknown operation '" + name + "'")));
        }
        return ops;
    }
}
