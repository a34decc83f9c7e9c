package dev.mre.sesemulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** STS GetCallerIdentity and AssumeRole: parameters, trust rules, session credentials. */
final class StsOperations {

    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_PARAMETER = Pattern.compile("Tags\\.member\\.(\\d+)\\.(Key|Value)");
    private static final Pattern ARN_OF_ACCOUNT = Pattern.compile("^arn:[a-z-]+:iam::(\\d{12}):root$");
    private static final Pattern USER_ARN = Pattern.compile("^arn:[a-z-]+:iam::(\\d{12}):user/(.+)$");
    private static final Pattern ROLE_ARN_ANY_PARTITION = Pattern.compile("^arn:[a-z-]+:iam::(\\d{12}):role/(.+)$");
    private static final Pattern SESSION_ARN =
            Pattern.compile("^arn:[a-z-]+:sts::(\\d{12}):assumed-role/([^/]+)/(.+)$");
    /** Role chaining (a role session assuming a role) is limited to one hour by STS. */
    private static final Duration CHAINED_MAX = Duration.ofHours(1);

    private final LiveSettings settings;
    private final SessionStore sessions;
    private final Authorizer authorizer;

    StsOperations(LiveSettings settings, SessionStore sessions, Authorizer authorizer) {
        this.settings = settings;
        this.sessions = sessions;
        this.authorizer = authorizer;
    }

    /** The XML answer of the STS operation of {@code ctx}. */
    String handle(CallContext ctx, String requestId) {
        return switch (ctx.operation()) {
            case GET_CALLER_IDENTITY -> {
                // needs no permission on AWS (not even an explicit deny stops it); only denyActions can refuse it here
                if (settings.get().denyActions().contains(Operation.GET_CALLER_IDENTITY)) {
                    throw new ApiException(
                            403,
                            "AccessDenied",
                            "User: " + ctx.principal().arn(ctx.partition())
                                    + " is not authorized to perform: sts:GetCallerIdentity because no identity-based policy allows the sts:GetCallerIdentity action");
                }
                yield StsProtocol.getCallerIdentity(ctx.principal(), ctx.partition(), requestId);
            }
            case ASSUME_ROLE -> assumeRole(ctx, requestId);
            default -> throw new IllegalStateException("not an STS operation: " + ctx.operation());
        };
    }

    private String assumeRole(CallContext ctx, String requestId) {
        Map<String, List<String>> params = Route.stsParameters(ctx.request());
        List<String> violations = new ArrayList<>();
        String roleArn = first(params, "RoleArn");
        if (roleArn == null) {
            violations.add(violation(null, "roleArn", "Member must not be null"));
        } else if (roleArn.length() < 20 || roleArn.length() > 2048) {
            violations.add(violation(roleArn, "roleArn", "Member must have length between 20 and 2048"));
        }
        String sessionName = first(params, "RoleSessionName");
        if (sessionName == null) {
            violations.add(violation(null, "roleSessionName", "Member must not be null"));
        } else {
            if (sessionName.length() < 2 || sessionName.length() > 64) {
                violations.add(violation(sessionName, "roleSessionName", "Member must have length between 2 and 64"));
            }
            if (!SESSION_NAME.matcher(sessionName).matches()) {
                violations.add(violation(
                        sessionName,
                        "roleSessionName",
                        "Member must satisfy regular expression pattern: [\\w+=,.@-]*"));
            }
        }
        String externalId = first(params, "ExternalId");
        if (externalId != null
                && (externalId.length() < 2
                        || externalId.length() > 1224
                        || !EXTERNAL_ID.matcher(externalId).matches())) {
            violations.add(
                    violation(
                            externalId,
                            "externalId",
                            "Member must have length between 2 and 1224 and satisfy regular expression pattern: [\\w+=,.@:/-]*"));
        }
        Duration requested = Duration.ofHours(1);
        boolean durationGiven = false;
        String rawDuration = first(params, "DurationSeconds");
        if (rawDuration != null) {
            durationGiven = true;
            try {
                long seconds = Long.parseLong(rawDuration.trim());
                if (seconds < 900) {
                    violations.add(violation(
                            rawDuration, "durationSeconds", "Member must have value greater than or equal to 900"));
                } else if (seconds > 43200) {
                    violations.add(violation(
                            rawDuration, "durationSeconds", "Member must have value less than or equal to 43200"));
                }
                requested = Duration.ofSeconds(seconds);
            } catch (NumberFormatException e) {
                violations.add(violation(rawDuration, "durationSeconds", "Member must be an integer"));
            }
        }
        Map<String, String> tags = sessionTags(params, violations);
        if (params.containsKey("Policy") || params.keySet().stream().anyMatch(k -> k.startsWith("PolicyArns."))) {
            // silently ignoring them would grant more than the caller asked for
            violations.add(
                    "session policies (Policy, PolicyArns) are not supported by the emulator; attach the policy to the role instead");
        }
        if (!violations.isEmpty()) {
            int n = violations.size();
            throw validationError(
                    n + " validation error" + (n == 1 ? "" : "s") + " detected: " + String.join("; ", violations));
        }

        // the caller's own identity policy must allow the call (and the tagging of the session)
        Map<String, List<String>> requestContext = new LinkedHashMap<>();
        Authorizer.requestTags(requestContext, tags);
        requestContext.put("sts:rolesessionname", List.of(sessionName));
        if (externalId != null) {
            requestContext.put("sts:externalid", List.of(externalId));
        }
        authorizer.authorizeSts(ctx, "sts:AssumeRole", roleArn, requestContext);
        if (!tags.isEmpty()) {
            authorizer.authorizeSts(ctx, "sts:TagSession", roleArn, requestContext);
        }

        // then the role's trust: its trust policy document where it has one, else the simple rules
        Role role = settings.get().roles().get(roleArn);
        if (role == null) {
            throw notTrusted(ctx, "sts:AssumeRole", roleArn);
        }
        if (role.trustPolicy() != null) {
            requireTrustPolicyAllows(ctx, role, "sts:AssumeRole", requestContext);
            if (!tags.isEmpty()) {
                requireTrustPolicyAllows(ctx, role, "sts:TagSession", requestContext);
            }
        } else {
            if (!trusts(role, ctx.principal(), ctx.partition())
                    || (role.externalId() != null && !role.externalId().equals(externalId))) {
                throw notTrusted(ctx, "sts:AssumeRole", roleArn);
            }
            if (!tags.isEmpty() && !role.allowTagSession()) {
                throw notTrusted(ctx, "sts:TagSession", roleArn);
            }
        }
        if (requested.compareTo(role.maxSessionDuration()) > 0) {
            throw validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        if (ctx.principal().isSession() && durationGiven && requested.compareTo(CHAINED_MAX) > 0) {
            throw validationError(
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        Duration fixed = settings.get().sessionDuration();
        Duration lasting = fixed.isZero() ? requested : fixed;
        // the real clock: SDKs compare the Expiration with their own (real) time when they decide to refresh
        SessionStore.Session session =
                sessions.issue(role, sessionName, tags, ctx.principal().arn(ctx.partition()), Instant.now(), lasting);
        return StsProtocol.assumeRole(session, ctx.partition(), requestId);
    }

    /** Tags.member.N.Key / Tags.member.N.Value, at most 50, keys unique (case-insensitively, as STS requires). */
    private static Map<String, String> sessionTags(Map<String, List<String>> params, List<String> violations) {
        Map<Integer, String[]> byIndex = new TreeMap<>();
        params.forEach((name, values) -> {
            Matcher m = TAG_PARAMETER.matcher(name);
            if (m.matches() && !values.isEmpty()) {
                String[] kv = byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[2]);
                kv[m.group(2).equals("Key") ? 0 : 1] = values.get(0);
            }
        });
        Map<String, String> tags = new LinkedHashMap<>();
        Set<String> lowerKeys = new HashSet<>();
        if (byIndex.size() > 50) {
            violations.add(violation(
                    "[" + byIndex.size() + " tags]", "tags", "Member must have length less than or equal to 50"));
        }
        byIndex.forEach((i, kv) -> {
            String field = "tags." + i + ".member";
            if (kv[0] == null) {
                violations.add(violation(null, field + ".key", "Member must not be null"));
                return;
            }
            if (kv[0].isEmpty()
                    || kv[0].length() > 128
                    || !TAG_KEY.matcher(kv[0]).matches()) {
                violations.add(
                        violation(
                                kv[0],
                                field + ".key",
                                "Member must have length between 1 and 128 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"));
            }
            String value = kv[1] == null ? "" : kv[1];
            if (value.length() > 256) {
                violations.add(violation(value, field + ".value", "Member must have length less than or equal to 256"));
            }
            if (!lowerKeys.add(kv[0].toLowerCase(Locale.ROOT))) {
                violations.add(
                        violation(kv[0], field + ".key", "Member must be unique (tag keys are case-insensitive)"));
            }
            tags.put(kv[0], value);
        });
        return tags;
    }

    /** Whether the role's trust rule names this caller, its role, or its account. */
    /**
     * STS evaluates the trust policy for each action of the request (AssumeRole, and TagSession when session tags
     * come with it) with the same request context: the caller against each statement's Principal, then its
     * conditions ({@code aws:RequestTag/<key>}, {@code aws:TagKeys}, {@code sts:ExternalId}, ...).
     */
    private void requireTrustPolicyAllows(
            CallContext ctx, Role role, String action, Map<String, List<String>> requestContext) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        requestContext.forEach((k, v) -> context.put(k.toLowerCase(Locale.ROOT), v));
        context.put("aws:principalarn", List.of(ctx.principal().identityArn(ctx.partition())));
        context.put("aws:principalaccount", List.of(ctx.principal().accountId()));
        IamPolicy.Outcome outcome = role.trustPolicy()
                .evaluate(new IamPolicy.Request(
                        action,
                        role.arn(),
                        context,
                        principals -> trusts(principals, ctx.principal(), ctx.partition())));
        if (outcome != IamPolicy.Outcome.ALLOWED) {
            throw notTrusted(ctx, action, role.arn());
        }
    }

    static boolean trusts(Role role, Principal caller, String partition) {
        return trusts(role.trustedPrincipals(), caller, partition);
    }

    static boolean trusts(List<String> trustedPrincipals, Principal caller, String partition) {
        for (String trusted : trustedPrincipals) {
            if (trusted.equals("*")) {
                return true;
            }
            if (trusted.matches("\\d{12}")) {
                if (trusted.equals(caller.accountId())) {
                    return true;
                }
                continue;
            }
            Matcher account = ARN_OF_ACCOUNT.matcher(trusted);
            if (account.matches()) {
                if (account.group(1).equals(caller.accountId())) {
                    return true;
                }
                continue;
            }
            Matcher user = USER_ARN.matcher(trusted);
            if (user.matches()) {
                if (!caller.isSession()
                        && user.group(1).equals(caller.accountId())
                        && user.group(2).equals(caller.userName())) {
                    return true;
                }
                continue;
            }
            Matcher roleArn = ROLE_ARN_ANY_PARTITION.matcher(trusted);
            if (roleArn.matches()) {
                Matcher callerRole = ROLE_ARN_ANY_PARTITION.matcher(caller.isSession() ? caller.roleArn() : "");
                if (callerRole.matches()
                        && callerRole.group(1).equals(roleArn.group(1))
                        && callerRole.group(2).equals(roleArn.group(2))) {
                    return true;
                }
                continue;
            }
            Matcher session = SESSION_ARN.matcher(trusted);
            if (session.matches()
                    && caller.isSession()
                    && session.group(1).equals(caller.accountId())
                    && session.group(2).equals(caller.roleName())
                    && session.group(3).equals(caller.session())) {
                return true;
            }
        }
        return false;
    }

    /** A trust rule that refuses: AWS's message names caller, action and role, nothing more. */
    private static ApiException notTrusted(CallContext ctx, String action, String roleArn) {
        return new ApiException(
                403,
                "AccessDenied",
                "User: " + ctx.principal().arn(ctx.partition()) + " is not authorized to perform: " + action
                        + " on resource: " + roleArn);
    }

    static ApiException validationError(String message) {
        return new ApiException(400, "ValidationError", message);
    }

    private static String violation(String value, String field, String constraint) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + field
                + "' failed to satisfy constraint: " + constraint;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
