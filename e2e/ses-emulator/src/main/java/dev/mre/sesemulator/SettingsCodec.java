package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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

    /**
     * @param entryFlag for a map setting ({@code policies}, {@code roles}, {@code accounts}): the repeatable
     *                  command-line flag that sets one entry as {@code KEY=JSON} or {@code KEY=@file.json}; else null
     */
    private record Field(
            Function<Settings, Object> read, BiConsumer<Settings, JsonNode> write, String help, String entryFlag) {
        Field(Function<Settings, Object> read, BiConsumer<Settings, JsonNode> write, String help) {
            this(read, write, help, null);
        }
    }

    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        duration(
                "createDelay",
                Settings::createDelay,
                Settings::createDelay,
                "time a new endpoint stays CREATING (default 2s)");
        duration(
                "deleteDelay",
                Settings::deleteDelay,
                Settings::deleteDelay,
                "time a deleted endpoint stays DELETING (default 2s)");
        integer("quota", Settings::quota, Settings::quota, "endpoints per account and region (default 100)");
        decimal(
                "rateLimit",
                Settings::rateLimit,
                Settings::rateLimit,
                "SES requests/s per account and region, 0 = unlimited (default 0)");
        integer("burst", Settings::burst, Settings::burst, "token bucket size, 0 = rate limit rounded up (default 0)");
        integer(
                "defaultPageSize",
                Settings::defaultPageSize,
                Settings::defaultPageSize,
                "ListMultiRegionEndpoints page size without PageSize (default 100)");
        decimal(
                "errorRate500",
                Settings::errorRate500,
                Settings::errorRate500,
                "probability of 500 InternalServiceErrorException");
        decimal(
                "throttleRate",
                Settings::throttleRate,
                Settings::throttleRate,
                "probability of 429 TooManyRequestsException");
        decimal(
                "dropConnectionRate",
                Settings::dropConnectionRate,
                Settings::dropConnectionRate,
                "probability of closing the connection unanswered, before the operation");
        decimal(
                "dropResponseRate",
                Settings::dropResponseRate,
                Settings::dropResponseRate,
                "probability of closing the connection unanswered, after the operation");
        duration("latency", Settings::latency, Settings::latency, "added to every request (default 0ms)");
        decimal(
                "latencySpikeRate",
                Settings::latencySpikeRate,
                Settings::latencySpikeRate,
                "probability of an extra latency spike");
        duration(
                "latencySpike",
                Settings::latencySpike,
                Settings::latencySpike,
                "length of a latency spike (default 2s)");
        decimal(
                "failProvisioningRate",
                Settings::failProvisioningRate,
                Settings::failProvisioningRate,
                "probability that a new endpoint ends FAILED");
        FIELDS.put(
                "failProvisioningNames",
                new Field(
                        s -> s.failProvisioningNames() == null
                                ? null
                                : s.failProvisioningNames().pattern(),
                        (s, n) -> s.failProvisioningNames(n.isNull() ? null : n.asText()),
                        "regex: endpoints whose name contains a match end FAILED"));
        FIELDS.put(
                "concurrentModificationOnDeleteWhileCreating",
                new Field(
                        Settings::concurrentModificationOnDeleteWhileCreating,
                        (s, n) -> s.concurrentModificationOnDeleteWhileCreating(bool(n)),
                        "Delete while CREATING answers ConcurrentModificationException (default true)"));
        operations(
                "denyActions",
                Settings::denyActions,
                Settings::denyActions,
                "operations answered with AccessDeniedException, comma-separated");
        operations(
                "faultOperations",
                Settings::faultOperations,
                Settings::faultOperations,
                "operations faults apply to, comma-separated (default: all SES operations)");
        duration(
                "clockSkew",
                Settings::clockSkew,
                Settings::clockSkew,
                "allowed X-Amz-Date skew, 0 = unchecked (default 15m)");
        FIELDS.put(
                "seed",
                new Field(
                        Settings::seed,
                        (s, n) -> s.seed(
                                n.isNull() ? null : Long.valueOf(n.asText().trim())),
                        "seed of the fault and endpoint-id generators"));
        duration(
                "visibilityDelay",
                Settings::visibilityDelay,
                Settings::visibilityDelay,
                "time a new endpoint is missing from List and Get after Create (default 0s)");
        duration(
                "sessionDuration",
                Settings::sessionDuration,
                Settings::sessionDuration,
                "every AssumeRole session lasts this long, 0 = as requested (default 0s)");
        FIELDS.put(
                "resourceTagsOnTagActions",
                new Field(
                        Settings::resourceTagsOnTagActions,
                        (s, n) -> s.resourceTagsOnTagActions(bool(n)),
                        "IAM sees aws:ResourceTag on TagResource/UntagResource/ListTagsForResource too (default true)"));
        FIELDS.put(
                "accounts",
                new Field(
                        SettingsCodec::accountsJson,
                        (s, n) -> mergeMap(
                                n,
                                "accounts",
                                () -> s.accounts(Map.of()),
                                (account, v) -> s.account(account, v == null ? null : accountLimits(v))),
                        "per-account overrides, ACCOUNT_ID={\"quota\":5,\"rateLimit\":2,\"burst\":2} (repeatable)",
                        "account"));
        FIELDS.put(
                "roles",
                new Field(
                        SettingsCodec::rolesJson,
                        (s, n) -> mergeMap(n, "roles", () -> s.roles(Map.of()), (arn, v) -> {
                            if (v == null) {
                                s.removeRole(arn);
                            } else {
                                s.role(role(arn, v));
                            }
                        }),
                        "IAM role for AssumeRole, ROLE_ARN={\"trustedPrincipals\":[..],\"externalId\":..,\"allowTagSession\":..,"
                                + "\"maxSessionDuration\":\"1h\"} or ROLE_ARN={\"trustPolicy\":{..}} (a trust policy"
                                + " document) or ROLE_ARN=@role.json (repeatable)",
                        "role"));
        FIELDS.put(
                "policies",
                new Field(
                        SettingsCodec::policiesJson,
                        (s, n) -> mergeMap(
                                n,
                                "policies",
                                () -> s.policies(Map.of()),
                                (principal, v) -> s.policy(
                                        Settings.policyPrincipal(principal),
                                        v == null ? null : policyOf(principal, v))),
                        "identity-based IAM policy of a user or role, PRINCIPAL_ARN=@policy.json or PRINCIPAL_ARN={...} (repeatable)",
                        "policy"));
    }

    private SettingsCodec() {}

    static ObjectNode toJson(Settings settings) {
        ObjectNode node = Json.object();
        FIELDS.forEach((name, field) ->
                node.set(name, Json.MAPPER.valueToTree(field.read().apply(settings))));
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
                throw new IllegalArgumentException(
                        "unknown setting '" + e.getKey() + "'; known: " + String.join(", ", FIELDS.keySet()));
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

    /** The map setting whose repeatable entry flag this is ({@code policy} -> {@code policies}), or null. */
    static String mapKeyForEntryFlag(String flag) {
        for (Map.Entry<String, Field> e : FIELDS.entrySet()) {
            if (flag.equals(e.getValue().entryFlag())) {
                return e.getKey();
            }
        }
        return null;
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
        return key.replaceAll("([a-z])([A-Z])", "$1-$2")
                .replaceAll("([a-zA-Z])(\\d)", "$1-$2")
                .toLowerCase(Locale.ROOT);
    }

    static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        FIELDS.forEach((key, field) -> lines.add(
                field.entryFlag() == null
                        ? String.format("  --%-44s %s", flagFor(key) + " VALUE", field.help())
                        : String.format("  --%-44s %s", field.entryFlag() + " KEY=JSON|KEY=@FILE", field.help())));
        return lines;
    }

    private static void duration(
            String name, Function<Settings, Duration> read, BiConsumer<Settings, Duration> write, String help) {
        FIELDS.put(
                name,
                new Field(s -> DurationText.format(read.apply(s)), (s, n) -> write.accept(s, durationOf(n)), help));
    }

    private static void integer(
            String name, Function<Settings, Integer> read, BiConsumer<Settings, Integer> write, String help) {
        FIELDS.put(name, new Field(read::apply, (s, n) -> write.accept(s, intOf(n)), help));
    }

    private static void decimal(
            String name, Function<Settings, Double> read, BiConsumer<Settings, Double> write, String help) {
        FIELDS.put(name, new Field(read::apply, (s, n) -> write.accept(s, doubleOf(n)), help));
    }

    private static void operations(
            String name,
            Function<Settings, Set<Operation>> read,
            BiConsumer<Settings, Set<Operation>> write,
            String help) {
        FIELDS.put(
                name,
                new Field(
                        s -> read.apply(s).stream()
                                .map(Operation::wireName)
                                .sorted()
                                .toList(),
                        (s, n) -> write.accept(s, operationsOf(n)),
                        help));
    }

    /**
     * A map setting in JSON: an object updates the entries it names (a null entry removes one), JSON null clears
     * the map; the command line may pass the object as text.
     */
    private static void mergeMap(JsonNode n, String name, Runnable clear, BiConsumer<String, JsonNode> setEntry) {
        JsonNode node = n;
        if (node.isTextual()) {
            try {
                node = Json.MAPPER.readTree(node.asText());
            } catch (IOException e) {
                throw new IllegalArgumentException(name + " must be a JSON object: " + e.getMessage());
            }
        }
        if (node == null || node.isNull()) {
            clear.run();
            return;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(name + " must be a JSON object {key: value}, or null to clear it");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            try {
                setEntry.accept(e.getKey(), e.getValue().isNull() ? null : e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(name + "[" + e.getKey() + "]: " + ex.getMessage(), ex);
            }
        }
    }

    private static ObjectNode accountsJson(Settings s) {
        ObjectNode out = Json.object();
        s.accounts().forEach((account, limits) -> {
            ObjectNode o = out.putObject(account);
            if (limits.quota() != null) {
                o.put("quota", limits.quota());
            }
            if (limits.rateLimit() != null) {
                o.put("rateLimit", limits.rateLimit());
            }
            if (limits.burst() != null) {
                o.put("burst", limits.burst());
            }
        });
        return out;
    }

    private static AccountLimits accountLimits(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("must be an object {\"quota\":N,\"rateLimit\":R,\"burst\":B}");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!Set.of("quota", "rateLimit", "burst").contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown field '" + e.getKey() + "' (known: quota, rateLimit, burst)");
            }
        }
        return new AccountLimits(
                n.hasNonNull("quota") ? intOf(n.get("quota")) : null,
                n.hasNonNull("rateLimit") ? doubleOf(n.get("rateLimit")) : null,
                n.hasNonNull("burst") ? intOf(n.get("burst")) : null);
    }

    private static ObjectNode rolesJson(Settings s) {
        ObjectNode out = Json.object();
        s.roles().forEach((arn, role) -> {
            ObjectNode o = out.putObject(arn);
            if (role.trustPolicy() != null) {
                o.set("trustPolicy", role.trustPolicy().document());
                o.put("maxSessionDuration", DurationText.format(role.maxSessionDuration()));
                return;
            }
            ArrayNode trusted = o.putArray("trustedPrincipals");
            role.trustedPrincipals().forEach(trusted::add);
            o.put("externalId", role.externalId());
            o.put("allowTagSession", role.allowTagSession());
            o.put("maxSessionDuration", DurationText.format(role.maxSessionDuration()));
        });
        return out;
    }

    private static Role role(String arn, JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    "must be an object {\"trustedPrincipals\":[...],\"externalId\":..,\"allowTagSession\":..,\"maxSessionDuration\":..}");
        }
        Set<String> known =
                Set.of("trustedPrincipals", "externalId", "allowTagSession", "maxSessionDuration", "trustPolicy");
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!known.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown field '" + e.getKey() + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        JsonNode trustPolicy = n.get("trustPolicy");
        if (trustPolicy != null && !trustPolicy.isNull()) {
            for (String simple : List.of("trustedPrincipals", "externalId", "allowTagSession")) {
                if (n.hasNonNull(simple)) {
                    throw new IllegalArgumentException("trustPolicy and " + simple
                            + " exclude each other: the trust policy document says who may assume the role");
                }
            }
            IamPolicy policy;
            try {
                policy = trustPolicy.isTextual()
                        ? IamPolicy.parseTrust(trustPolicy.asText())
                        : IamPolicy.parseTrust(Json.MAPPER.writeValueAsString(trustPolicy));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("trustPolicy: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trustPolicy: " + e.getMessage(), e);
            }
            return Role.withTrustPolicy(
                    arn, policy, n.hasNonNull("maxSessionDuration") ? durationOf(n.get("maxSessionDuration")) : null);
        }
        List<String> trusted = new ArrayList<>();
        JsonNode t = n.get("trustedPrincipals");
        if (t == null || t.isNull()) {
            throw new IllegalArgumentException("trustedPrincipals is missing: who may assume the role");
        } else if (t.isArray()) {
            t.forEach(item -> trusted.add(item.asText()));
        } else {
            for (String part : t.asText().split(",")) {
                if (!part.isBlank()) {
                    trusted.add(part.trim());
                }
            }
        }
        return new Role(
                arn,
                trusted,
                n.hasNonNull("externalId") ? n.get("externalId").asText() : null,
                n.hasNonNull("allowTagSession") && bool(n.get("allowTagSession")),
                n.hasNonNull("maxSessionDuration") ? durationOf(n.get("maxSessionDuration")) : null);
    }

    private static ObjectNode policiesJson(Settings s) {
        ObjectNode out = Json.object();
        s.policies().forEach((principal, policy) -> out.set(principal, policy.document()));
        return out;
    }

    /** A policy document as a JSON object, or as JSON text (how a command line or a file hands it over). */
    private static IamPolicy policyOf(String principal, JsonNode n) {
        return n.isTextual() ? IamPolicy.parse(n.asText()) : IamPolicy.parse(n);
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
            ops.add(Operation.parse(name)
                    .filter(op -> op != Operation.UNKNOWN)
                    .orElseThrow(() -> new IllegalArgumentException("unknown operation '" + name + "'")));
        }
        return ops;
    }
}
