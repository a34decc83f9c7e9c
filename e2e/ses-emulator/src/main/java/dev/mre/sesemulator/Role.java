package dev.mre.sesemulator;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM role that STS AssumeRole can hand out sessions of, with its trust rule.
 *
 * @param arn                {@code arn:aws:iam::<account>:role/<name>} (a path before the name is allowed)
 * @param trustedPrincipals  who may assume it: user ARNs ({@code arn:aws:iam::<acct>:user/<name>}), role ARNs
 *                           (every session of that role), assumed-role session ARNs
 *                           ({@code arn:aws:sts::<acct>:assumed-role/<role>/<session>}), {@code arn:aws:iam::<acct>:root}
 *                           or the bare 12-digit account id (every principal of that account), or {@code *} (anyone)
 * @param externalId         when not null, AssumeRole must send exactly this ExternalId (the {@code sts:ExternalId} condition)
 * @param allowTagSession    whether AssumeRole may pass session tags ({@code sts:TagSession}); they become
 *                           {@code aws:PrincipalTag/<key>} of the session
 * @param maxSessionDuration the longest DurationSeconds allowed, 1 h to 12 h (AWS's MaxSessionDuration)
 * @param trustPolicy        when not null, the role's trust policy document as IAM holds it: AssumeRole (and
 *                           TagSession, when session tags are passed) must be allowed by it, its Principal and its
 *                           conditions ({@code sts:ExternalId}, {@code aws:RequestTag/...}, {@code aws:TagKeys})
 *                           evaluated as STS does; the three simple rules above are then not used
 */
public record Role(
        String arn,
        List<String> trustedPrincipals,
        String externalId,
        boolean allowTagSession,
        Duration maxSessionDuration,
        IamPolicy trustPolicy) {

    static final Pattern ROLE_ARN = Pattern.compile(
            "^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):iam::(\\d{12}):role/((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})$");
    private static final Pattern TRUSTED =
            Pattern.compile("^(\\*|\\d{12}|arn:[a-z-]+:iam::\\d{12}:(root|user/[\\w+=,.@/-]+|role/[\\w+=,.@/-]+)"
                    + "|arn:[a-z-]+:sts::\\d{12}:assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+)$");
    private static final Pattern EXTERNAL_ID = Pattern.compile("^[\\w+=,.@:/-]{2,1224}$");

    public static final Duration DEFAULT_MAX_SESSION_DURATION = Duration.ofHours(1);

    /** A role with the simple trust rules and no trust policy document. */
    public Role(
            String arn,
            List<String> trustedPrincipals,
            String externalId,
            boolean allowTagSession,
            Duration maxSessionDuration) {
        this(arn, trustedPrincipals, externalId, allowTagSession, maxSessionDuration, null);
    }

    public Role {
        Objects.requireNonNull(arn, "arn");
        if (!ROLE_ARN.matcher(arn).matches()) {
            throw new IllegalArgumentException(
                    "role ARN '" + arn + "' must look like arn:aws:iam::123456789012:role/NAME");
        }
        trustedPrincipals = List.copyOf(Objects.requireNonNull(trustedPrincipals, "trustedPrincipals"));
        for (String p : trustedPrincipals) {
            if (!TRUSTED.matcher(p).matches()) {
                throw new IllegalArgumentException(
                        "role " + arn + ": trusted principal '" + p + "' must be a user, role or assumed-role ARN,"
                                + " arn:aws:iam::ACCOUNT:root, a 12-digit account id or *");
            }
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            throw new IllegalArgumentException(
                    "role " + arn + ": externalId must be 2..1224 characters of [\\w+=,.@:/-]");
        }
        if (maxSessionDuration == null) {
            maxSessionDuration = DEFAULT_MAX_SESSION_DURATION;
        }
        if (maxSessionDuration.compareTo(Duration.ofHours(1)) < 0
                || maxSessionDuration.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("role " + arn + ": maxSessionDuration must be between 1h and 12h, not "
                    + DurationText.format(maxSessionDuration));
        }
    }

    /** A role that the given principals may assume, without external id or session tags, for at most an hour. */
    public static Role trusting(String arn, String... trustedPrincipals) {
        return new Role(arn, Arrays.asList(trustedPrincipals), null, false, DEFAULT_MAX_SESSION_DURATION);
    }

    public Role withTrustedPrincipals(String... principals) {
        return new Role(arn, Arrays.asList(principals), externalId, allowTagSession, maxSessionDuration, trustPolicy);
    }

    public Role withExternalId(String id) {
        return new Role(arn, trustedPrincipals, id, allowTagSession, maxSessionDuration, trustPolicy);
    }

    public Role withTagSession(boolean allowed) {
        return new Role(arn, trustedPrincipals, externalId, allowed, maxSessionDuration, trustPolicy);
    }

    public Role withMaxSessionDuration(Duration max) {
        return new Role(arn, trustedPrincipals, externalId, allowTagSession, max, trustPolicy);
    }

    /** A role whose trust is decided by this trust policy document (see {@link IamPolicy#parseTrust}). */
    public static Role withTrustPolicy(String arn, IamPolicy trustPolicy, Duration maxSessionDuration) {
        return new Role(arn, List.of(), null, false, maxSessionDuration, Objects.requireNonNull(trustPolicy));
    }

    /**
     * A role as the settings give it, its ARN being the key: {@code {"trustedPrincipals": [..] or "a,b",
     * "externalId", "allowTagSession", "maxSessionDuration"}} or {@code {"trustPolicy": {..} or "..",
     * "maxSessionDuration"}}.
     */
    static Role fromJson(String arn, JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("must be an object {\"trustedPrincipals\":[...],\"externalId\":..,"
                    + "\"allowTagSession\":..,\"maxSessionDuration\":..}");
        }
        List<String> known =
                List.of("allowTagSession", "externalId", "maxSessionDuration", "trustPolicy", "trustedPrincipals");
        n.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw new IllegalArgumentException(
                        "unknown field '" + field + "' (known: " + String.join(", ", known) + ")");
            }
        });
        Duration max = n.hasNonNull("maxSessionDuration") ? DurationText.parse(n.get("maxSessionDuration")) : null;
        JsonNode trustPolicy = n.get("trustPolicy");
        if (trustPolicy != null && !trustPolicy.isNull()) {
            for (String simple : List.of("trustedPrincipals", "externalId", "allowTagSession")) {
                if (n.hasNonNull(simple)) {
                    throw new IllegalArgumentException("trustPolicy and " + simple
                            + " exclude each other: the trust policy document says who may assume the role");
                }
            }
            try {
                String text = trustPolicy.isTextual() ? trustPolicy.asText() : Json.text(trustPolicy);
                return withTrustPolicy(arn, IamPolicy.parseTrust(text), max);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trustPolicy: " + e.getMessage(), e);
            }
        }
        JsonNode t = n.get("trustedPrincipals");
        if (t == null || t.isNull()) {
            throw new IllegalArgumentException("trustedPrincipals is missing: who may assume the role");
        }
        List<String> trusted = new ArrayList<>();
        if (t.isArray()) {
            t.forEach(item -> trusted.add(item.asText()));
        } else {
            Arrays.stream(t.asText().split(","))
                    .filter(p -> !p.isBlank())
                    .map(String::trim)
                    .forEach(trusted::add);
        }
        JsonNode tagSession = n.get("allowTagSession");
        String tag = tagSession == null ? "false" : tagSession.asText().trim().toLowerCase(Locale.ROOT);
        if (!tag.equals("true") && !tag.equals("false") && !tagSession.isNull()) {
            throw new IllegalArgumentException("not a boolean: " + tagSession);
        }
        return new Role(
                arn,
                trusted,
                n.hasNonNull("externalId") ? n.get("externalId").asText() : null,
                tag.equals("true"),
                max);
    }

    /** The settings' form of the role (without its ARN, the key). */
    @JsonValue
    ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (trustPolicy != null) {
            o.set("trustPolicy", trustPolicy.document());
        } else {
            trustedPrincipals.forEach(o.putArray("trustedPrincipals")::add);
            o.put("externalId", externalId);
            o.put("allowTagSession", allowTagSession);
        }
        return o.put("maxSessionDuration", DurationText.format(maxSessionDuration));
    }

    /** The account the role belongs to: sessions act in it. */
    public String accountId() {
        return part(2);
    }

    /** The role name without its path, as assumed-role ARNs show it. */
    public String name() {
        return part(4);
    }

    private String part(int group) {
        Matcher m = ROLE_ARN.matcher(arn);
        if (!m.matches()) {
            throw new IllegalStateException(arn);
        }
        return m.group(group);
    }
}
