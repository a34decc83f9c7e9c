package dev.mre.sesemulator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An IAM identity-based policy document (Version, Statement[] with Sid, Effect, Action|NotAction,
 * Resource|NotResource, Condition), checked when it is set and evaluated as IAM does for one account.
 *
 * <p>Written by hand: no maintained Java library evaluates IAM policies (the SDK's {@code iam-policy-builder}
 * only builds and parses documents, and the AWS SDK is kept off the emulator's runtime classpath on purpose).
 * Only what the project's documented policy needs is supported: the operators StringEquals, StringNotEquals,
 * StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike (each also ...IfExists and with the
 * set qualifiers ForAllValues:/ForAnyValue:) and Null. Policy variables ({@code ${aws:username}}) are not
 * expanded: they match literally. Anything else is refused when the policy is set, with the statement named.
 */
public final class IamPolicy {

    /** The outcome of evaluating one request against one policy. */
    enum Outcome {
        ALLOWED,
        IMPLICIT_DENY,
        EXPLICIT_DENY
    }

    /**
     * What a request asks IAM: the action ({@code ses:DeleteMultiRegionEndpoint}), the resource ({@code *} for an
     * action without resource-level permissions) and the request context, keyed by lower-case condition key.
     * Multi-valued keys ({@code aws:TagKeys}) have several values; an absent key is not in the map.
     */
    record Request(
            String action,
            String resource,
            Map<String, List<String>> context,
            java.util.function.Predicate<List<String>> principalMatches) {

        /** A request to an identity-based policy: its statements name no principal. */
        Request(String action, String resource, Map<String, List<String>> context) {
            this(action, resource, context, principals -> true);
        }
    }

    /** Which document this is: who it is attached to decides which elements it may hold. */
    enum Kind {
        /** attached to a user or role: no Principal, a Resource in every statement */
        IDENTITY,
        /** a role's trust policy: a Principal in every statement, no Resource (the role itself is the resource) */
        TRUST
    }

    private enum Effect {
        ALLOW,
        DENY
    }

    private enum Qualifier {
        NONE,
        FOR_ALL_VALUES,
        FOR_ANY_VALUE
    }

    private enum Operator {
        STRING_EQUALS("StringEquals", false, false, false),
        STRING_NOT_EQUALS("StringNotEquals", true, false, false),
        STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", false, false, true),
        STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", true, false, true),
        STRING_LIKE("StringLike", false, true, false),
        STRING_NOT_LIKE("StringNotLike", true, true, false),
        NULL("Null", false, false, false);

        final String iamName;
        final boolean negated;
        final boolean wildcards;
        final boolean ignoreCase;

        Operator(String iamName, boolean negated, boolean wildcards, boolean ignoreCase) {
            this.iamName = iamName;
            this.negated = negated;
            this.wildcards = wildcards;
            this.ignoreCase = ignoreCase;
        }

        /** The positive comparison of one request value with one policy value. */
        boolean same(String requestValue, String policyValue) {
            if (wildcards) {
                return Wildcards.matches(policyValue, requestValue, false);
            }
            return ignoreCase ? requestValue.equalsIgnoreCase(policyValue) : requestValue.equals(policyValue);
        }

        /** The operator applied to one request value: positive = it equals/matches some policy value, negated = none. */
        boolean test(String requestValue, List<String> policyValues) {
            boolean any = policyValues.stream().anyMatch(p -> same(requestValue, p));
            return negated != any;
        }
    }

    private record Condition(
            String text, Qualifier qualifier, Operator operator, boolean ifExists, String key, List<String> values) {

        boolean holds(Map<String, List<String>> context) {
            List<String> requestValues = context.get(key);
            boolean absent = requestValues == null || requestValues.isEmpty();
            if (operator == Operator.NULL) {
                // "true": the key must be absent; "false": it must be present; several values are OR-ed
                return values.stream().anyMatch(v -> Boolean.parseBoolean(v) == absent);
            }
            switch (qualifier) {
                case FOR_ALL_VALUES:
                    // vacuously true for a missing or empty key, as IAM documents
                    return absent || requestValues.stream().allMatch(v -> operator.test(v, values));
                case FOR_ANY_VALUE:
                    return absent ? ifExists : requestValues.stream().anyMatch(v -> operator.test(v, values));
                default:
                    if (absent) {
                        // a missing key fails a positive operator and satisfies a negated one; IfExists satisfies both
                        return ifExists || operator.negated;
                    }
                    return operator.negated
                            ? requestValues.stream().allMatch(v -> operator.test(v, values))
                            : requestValues.stream().anyMatch(v -> operator.test(v, values));
            }
        }
    }

    private record Statement(
            String label,
            Effect effect,
            List<String> actions,
            boolean notAction,
            List<String> resources,
            boolean notResource,
            List<Condition> conditions,
            List<String> principals) {

        boolean applies(Request request) {
            boolean actionListed = actions.stream().anyMatch(a -> Wildcards.matches(a, request.action(), true));
            if (actionListed == notAction) {
                return false;
            }
            if (principals != null) {
                // a trust policy: the caller must be one of the statement's principals; it has no Resource
                return request.principalMatches().test(principals)
                        && conditions.stream().allMatch(c -> c.holds(request.context()));
            }
            boolean resourceListed = resources.stream().anyMatch(r -> Wildcards.matches(r, request.resource(), false));
            if (resourceListed == notResource) {
                return false;
            }
            return conditions.stream().allMatch(c -> c.holds(request.context()));
        }
    }

    private static final Set<String> STATEMENT_ELEMENTS =
            Set.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9]*");
    private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+");

    private final JsonNode document;
    private final List<Statement> statements;

    private IamPolicy(JsonNode document, List<Statement> statements) {
        this.document = document;
        this.statements = statements;
    }

    /**
     * Reads and checks a policy document.
     *
     * @throws IllegalArgumentException naming the statement (number and Sid) and what is wrong with it
     */
    public static IamPolicy parse(String json) {
        return parse(json, Kind.IDENTITY);
    }

    /** Reads and checks a role's trust policy (Principal instead of Resource), as IAM's CreateRole does. */
    public static IamPolicy parseTrust(String json) {
        return parse(json, Kind.TRUST);
    }

    private static IamPolicy parse(String json, Kind kind) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("policy is not valid JSON: " + e.getOriginalMessage());
        }
        return parse(node, kind);
    }

    static IamPolicy parse(JsonNode document) {
        return parse(document, Kind.IDENTITY);
    }

    /** A document as a JSON object, or as JSON text (how a command line or a file hands it over): the settings' form. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static IamPolicy fromJson(JsonNode document) {
        return document.isTextual() ? parse(document.asText()) : parse(document);
    }

    static IamPolicy parse(JsonNode document, Kind kind) {
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException("policy must be a JSON object with Version and Statement");
        }
        for (var e : document.properties()) {
            if (!Set.of("Version", "Id", "Statement").contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "policy has an unknown element '" + e.getKey() + "' (known: Version, Id, Statement)");
            }
        }
        JsonNode version = document.get("Version");
        if (version != null
                && !(version.isTextual() && Set.of("2012-10-17", "2008-10-17").contains(version.asText()))) {
            throw new IllegalArgumentException(
                    "policy Version must be \"2012-10-17\" (or \"2008-10-17\"), not " + version);
        }
        JsonNode statementNode = document.get("Statement");
        if (statementNode == null || statementNode.isNull()) {
            throw new IllegalArgumentException("policy has no Statement");
        }
        List<JsonNode> raw = new ArrayList<>();
        if (statementNode.isArray()) {
            statementNode.forEach(raw::add);
        } else {
            raw.add(statementNode);
        }
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("policy Statement must not be empty");
        }
        List<Statement> statements = new ArrayList<>();
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Statement s = statement(raw.get(i), i + 1, kind);
            JsonNode sid = raw.get(i).get("Sid");
            if (sid != null && !sid.asText().isEmpty() && !sids.add(sid.asText())) {
                throw new IllegalArgumentException(s.label() + ": Sid must be unique within the policy");
            }
            statements.add(s);
        }
        return new IamPolicy(document.deepCopy(), List.copyOf(statements));
    }

    private static Statement statement(JsonNode node, int number, Kind kind) {
        String label = "Statement " + number;
        if (!node.isObject()) {
            throw new IllegalArgumentException(label + ": must be a JSON object");
        }
        JsonNode sid = node.get("Sid");
        if (sid != null) {
            if (!sid.isTextual() || !SID.matcher(sid.asText()).matches()) {
                throw new IllegalArgumentException(label + ": Sid must be a string of letters and digits, not " + sid);
            }
            label += " (Sid \"" + sid.asText() + "\")";
        }
        for (var e : node.properties()) {
            if (kind == Kind.IDENTITY
                    && (e.getKey().equals("Principal") || e.getKey().equals("NotPrincipal"))) {
                throw new IllegalArgumentException(
                        label + ": " + e.getKey() + " is not allowed in an identity-based policy");
            }
            if (kind == Kind.TRUST && e.getKey().equals("NotPrincipal")) {
                throw new IllegalArgumentException(label + ": NotPrincipal is not supported in a trust policy");
            }
            if (kind == Kind.TRUST
                    && (e.getKey().equals("Resource") || e.getKey().equals("NotResource"))) {
                throw new IllegalArgumentException(
                        label + ": " + e.getKey() + " is not allowed in a trust policy (the role is the resource)");
            }
            if (kind == Kind.TRUST && e.getKey().equals("Principal")) {
                continue;
            }
            if (!STATEMENT_ELEMENTS.contains(e.getKey())) {
                throw new IllegalArgumentException(label + ": unknown element '" + e.getKey() + "' (known: "
                        + String.join(", ", STATEMENT_ELEMENTS.stream().sorted().toList()) + ")");
            }
        }
        JsonNode effectNode = node.get("Effect");
        Effect effect;
        if (effectNode == null) {
            throw new IllegalArgumentException(label + ": Effect is missing (Allow or Deny)");
        } else if (effectNode.isTextual() && effectNode.asText().equals("Allow")) {
            effect = Effect.ALLOW;
        } else if (effectNode.isTextual() && effectNode.asText().equals("Deny")) {
            effect = Effect.DENY;
        } else {
            throw new IllegalArgumentException(label + ": Effect must be \"Allow\" or \"Deny\", not " + effectNode);
        }

        String actionElement = exactlyOne(node, label, "Action", "NotAction");
        List<String> actions = strings(node.get(actionElement), label, actionElement);
        for (String a : actions) {
            if (!ACTION.matcher(a).matches()) {
                throw new IllegalArgumentException(
                        label + ": " + actionElement + " '" + a
                                + "' must be \"*\" or service:Action (wildcards * and ? allowed), e.g. ses:DeleteMultiRegionEndpoint");
            }
        }
        if (kind == Kind.TRUST) {
            return new Statement(
                    label,
                    effect,
                    actions,
                    actionElement.startsWith("Not"),
                    List.of(),
                    false,
                    conditions(node.get("Condition"), label),
                    principals(node.get("Principal"), label));
        }
        String resourceElement = exactlyOne(node, label, "Resource", "NotResource");
        List<String> resources = strings(node.get(resourceElement), label, resourceElement);
        for (String r : resources) {
            if (!r.equals("*")
                    && !(r.startsWith("arn:") && r.chars().filter(c -> c == ':').count() >= 5)) {
                throw new IllegalArgumentException(
                        label + ": " + resourceElement + " '" + r
                                + "' must be \"*\" or an ARN arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (wildcards allowed)");
            }
        }
        List<Condition> conditions = conditions(node.get("Condition"), label);
        return new Statement(
                label,
                effect,
                actions,
                actionElement.startsWith("Not"),
                resources,
                resourceElement.startsWith("Not"),
                conditions,
                null);
    }

    /** {@code "*"} or {@code {"AWS": ARN | account id | [..]}}: the only principal kind the operator is. */
    private static List<String> principals(JsonNode node, String label) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(
                    label + ": Principal is missing: a trust policy names who may assume the role");
        }
        if (node.isTextual() && node.asText().equals("*")) {
            return List.of("*");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(label + ": Principal must be \"*\" or {\"AWS\": ...}, not " + node);
        }
        for (var e : node.properties()) {
            if (!e.getKey().equals("AWS")) {
                throw new IllegalArgumentException(
                        label + ": Principal '" + e.getKey() + "' is not supported (only AWS principals)");
            }
        }
        JsonNode aws = node.get("AWS");
        if (aws == null) {
            throw new IllegalArgumentException(label + ": Principal needs an AWS entry");
        }
        return strings(aws, label, "Principal.AWS");
    }

    private static String exactlyOne(JsonNode node, String label, String element, String negated) {
        boolean has = node.has(element);
        boolean hasNot = node.has(negated);
        if (has == hasNot) {
            throw new IllegalArgumentException(
                    label + ": needs exactly one of " + element + " and " + negated + (has ? ", not both" : ""));
        }
        return has ? element : negated;
    }

    /** A string or a non-empty array of strings. */
    private static List<String> strings(JsonNode node, String label, String element) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException(label + ": " + element + " must hold strings only, not " + item);
                }
                out.add(item.asText());
            }
        } else {
            throw new IllegalArgumentException(
                    label + ": " + element + " must be a string or a non-empty list of strings, not " + node);
        }
        return List.copyOf(out);
    }

    private static List<Condition> conditions(JsonNode node, String label) {
        if (node == null) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(label + ": Condition must be an object {operator: {key: value(s)}}");
        }
        List<Condition> out = new ArrayList<>();
        for (var byOperator : node.properties()) {
            String text = byOperator.getKey();
            Qualifier qualifier = Qualifier.NONE;
            String rest = text;
            if (rest.startsWith("ForAllValues:")) {
                qualifier = Qualifier.FOR_ALL_VALUES;
                rest = rest.substring("ForAllValues:".length());
            } else if (rest.startsWith("ForAnyValue:")) {
                qualifier = Qualifier.FOR_ANY_VALUE;
                rest = rest.substring("ForAnyValue:".length());
            }
            boolean ifExists = rest.endsWith("IfExists");
            if (ifExists) {
                rest = rest.substring(0, rest.length() - "IfExists".length());
            }
            Operator operator = null;
            for (Operator candidate : Operator.values()) {
                if (candidate.iamName.equals(rest)) {
                    operator = candidate;
                }
            }
            if (operator == null) {
                throw new IllegalArgumentException(
                        label + ": condition operator '" + text + "' is not supported by the emulator"
                                + " (supported: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike,"
                                + " StringNotLike, each also ...IfExists and with ForAllValues:/ForAnyValue:, and Null)");
            }
            if (operator == Operator.NULL && (ifExists || qualifier != Qualifier.NONE)) {
                throw new IllegalArgumentException(label + ": condition operator '" + text
                        + "': Null takes neither IfExists nor ForAllValues:/ForAnyValue:");
            }
            if (!byOperator.getValue().isObject() || byOperator.getValue().isEmpty()) {
                throw new IllegalArgumentException(
                        label + ": condition " + text + " must be a non-empty object {key: value(s)}");
            }
            for (var byKey : byOperator.getValue().properties()) {
                String key = byKey.getKey();
                if (key.isBlank()) {
                    throw new IllegalArgumentException(label + ": condition " + text + " has an empty key");
                }
                List<String> values = conditionValues(byKey.getValue(), label, text, key);
                if (operator == Operator.NULL) {
                    for (String v : values) {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException(
                                    label + ": condition Null on " + key + " takes true or false, not '" + v + "'");
                        }
                    }
                }
                // condition key names are case-insensitive in IAM; values are compared as the operator says
                out.add(new Condition(text, qualifier, operator, ifExists, key.toLowerCase(Locale.ROOT), values));
            }
        }
        return List.copyOf(out);
    }

    private static List<String> conditionValues(JsonNode node, String label, String operator, String key) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw new IllegalArgumentException(
                        label + ": condition " + operator + " on " + key + " has an empty list of values");
            }
            for (JsonNode item : node) {
                out.add(scalar(item, label, operator, key));
            }
        } else {
            out.add(scalar(node, label, operator, key));
        }
        return List.copyOf(out);
    }

    private static String scalar(JsonNode node, String label, String operator, String key) {
        if (node.isTextual() || node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw new IllegalArgumentException(
                label + ": condition " + operator + " on " + key + " takes strings, not " + node);
    }

    /** Explicit Deny wins; otherwise one matching Allow is needed; otherwise the request is implicitly denied. */
    Outcome evaluate(Request request) {
        boolean allowed = false;
        for (Statement s : statements) {
            if (s.applies(request)) {
                if (s.effect() == Effect.DENY) {
                    return Outcome.EXPLICIT_DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Outcome.ALLOWED : Outcome.IMPLICIT_DENY;
    }

    /** The document as it was given (a copy). */
    @JsonValue
    public JsonNode document() {
        return document.deepCopy();
    }

    /** The document as compact JSON text. */
    public String json() {
        return Json.text(document);
    }

    @Override
    public String toString() {
        return json();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IamPolicy other && other.document.equals(document);
    }

    @Override
    public int hashCode() {
        return document.hashCode();
    }
}
