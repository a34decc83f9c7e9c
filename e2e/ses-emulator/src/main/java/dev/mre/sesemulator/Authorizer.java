package dev.mre.sesemulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * IAM for one account, as SES and STS apply it to a signed request: {@code denyActions}, then the identity-based
 * policy of the caller (the user, or the role of a session). A caller without a policy may do everything.
 *
 * <p>What each SES action addresses and which condition keys it gets follows the Service Authorization Reference
 * for Amazon SES v2: CreateMultiRegionEndpoint and ListMultiRegionEndpoints support no resource-level permissions
 * (resource {@code *}); Get/Delete address {@code multi-region-endpoint/<name>}; TagResource, UntagResource and
 * ListTagsForResource address the ARN in the request. aws:RequestTag and aws:TagKeys go with Create and TagResource,
 * aws:TagKeys with UntagResource, aws:ResourceTag (the endpoint's current tags) with every action on an existing
 * endpoint (the reference lists it for Get and Delete only; {@link Settings#resourceTagsOnTagActions()} turns it off
 * for the three tagging actions). Every request gets aws:RequestedRegion, aws:PrincipalArn, aws:PrincipalAccount and the session's
 * aws:PrincipalTag keys.
 */
final class Authorizer {

    /** Who asks for what, before the policy is consulted. */
    record Check(String action, String resource, Map<String, List<String>> context) {}

    private final LiveSettings settings;
    private final EndpointStore store;
    private final MailStore mail;

    Authorizer(LiveSettings settings, EndpointStore store) {
        this(settings, store, new MailStore());
    }

    Authorizer(LiveSettings settings, EndpointStore store, MailStore mail) {
        this.settings = settings;
        this.store = store;
        this.mail = mail;
    }

    /**
     * Would the caller's policy allow {@code action} on {@code resource}? For permission-only actions SES checks
     * inside an operation (ses:ReplicateEmailIdentityDKIMSigningKey when a replica is created); denyActions does not
     * apply to them.
     */
    boolean permits(CallContext ctx, String action, String resource, Map<String, List<String>> extraContext) {
        Map<String, List<String>> context = baseContext(ctx);
        extraContext.forEach((k, v) -> context.put(k.toLowerCase(Locale.ROOT), v));
        return evaluate(ctx, new Check(action, resource, context)) == IamPolicy.Outcome.ALLOWED;
    }

    /** Refuses an SES call that {@code denyActions} lists or the caller's policy does not allow. */
    void authorizeSes(CallContext ctx) {
        Check check = sesCheck(ctx);
        if (settings.get().denyActions().contains(ctx.operation())) {
            throw accessDenied("AccessDeniedException", ctx, check, IamPolicy.Outcome.IMPLICIT_DENY);
        }
        IamPolicy.Outcome outcome = evaluate(ctx, check);
        if (outcome != IamPolicy.Outcome.ALLOWED) {
            throw accessDenied("AccessDeniedException", ctx, check, outcome);
        }
    }

    /** The caller's policy (if any) applied to an STS action; STS answers a refusal with the code AccessDenied. */
    void authorizeSts(CallContext ctx, String action, String resource, Map<String, List<String>> extraContext) {
        Map<String, List<String>> context = baseContext(ctx);
        context.putAll(extraContext);
        Check check = new Check(action, resource, context);
        if (settings.get().denyActions().contains(ctx.operation())
                && action.equals(ctx.operation().iamAction())) {
            throw accessDenied("AccessDenied", ctx, check, IamPolicy.Outcome.IMPLICIT_DENY);
        }
        IamPolicy.Outcome outcome = evaluate(ctx, check);
        if (outcome != IamPolicy.Outcome.ALLOWED) {
            throw accessDenied("AccessDenied", ctx, check, outcome);
        }
    }

    private IamPolicy.Outcome evaluate(CallContext ctx, Check check) {
        IamPolicy policy = settings.get().policyFor(ctx.principal().identityArn(ctx.partition()));
        if (policy == null) {
            return IamPolicy.Outcome.ALLOWED;
        }
        return policy.evaluate(new IamPolicy.Request(check.action(), check.resource(), check.context()));
    }

    /** AWS's wording: the caller, the action, the resource, and whether nothing allowed it or a Deny refused it. */
    static ApiException accessDenied(String code, CallContext ctx, Check check, IamPolicy.Outcome outcome) {
        String why = outcome == IamPolicy.Outcome.EXPLICIT_DENY
                ? " with an explicit deny in an identity-based policy"
                : " because no identity-based policy allows the " + check.action() + " action";
        return new ApiException(
                403,
                code,
                "User: " + ctx.principal().arn(ctx.partition()) + " is not authorized to perform: " + check.action()
                        + " on resource: " + check.resource() + why);
    }

    Check sesCheck(CallContext ctx) {
        Map<String, List<String>> context = baseContext(ctx);
        String resource;
        String endpointName = null;
        IncomingRequest request = ctx.request();
        switch (ctx.operation()) {
            case CREATE_MULTI_REGION_ENDPOINT -> {
                resource = "*";
                requestTags(context, SesOperations.requestTags(request));
            }
            case LIST_MULTI_REGION_ENDPOINTS -> resource = "*";
            case GET_MULTI_REGION_ENDPOINT, DELETE_MULTI_REGION_ENDPOINT -> {
                endpointName = ctx.route().pathName();
                resource = Arns.endpointArn(ctx.region(), ctx.accountId(), endpointName);
            }
            case TAG_RESOURCE, UNTAG_RESOURCE, LIST_TAGS_FOR_RESOURCE -> {
                String arn = SesOperations.resourceArn(ctx.route(), request);
                resource = arn == null ? "*" : arn;
                endpointName = arn == null ? null : ownEndpointName(ctx, arn);
                if (ctx.operation() == Operation.TAG_RESOURCE) {
                    requestTags(context, SesOperations.requestTags(request));
                } else if (ctx.operation() == Operation.UNTAG_RESOURCE) {
                    List<String> keys = request.queryParameters().get("TagKeys");
                    if (keys != null && !keys.isEmpty()) {
                        context.put("aws:tagkeys", List.copyOf(keys));
                    }
                }
            }
            case CREATE_EMAIL_IDENTITY -> {
                String name = MailOperations.lenientText(request, "EmailIdentity");
                resource = name == null ? "*" : MailStore.identityArn(ctx.scope(), name);
                requestTags(context, SesOperations.requestTags(request));
            }
            case GET_EMAIL_IDENTITY, DELETE_EMAIL_IDENTITY ->
                resource = MailStore.identityArn(
                        ctx.scope(), String.valueOf(ctx.route().pathName()));
            case CREATE_CONFIGURATION_SET -> {
                String name = MailOperations.lenientText(request, "ConfigurationSetName");
                resource = name == null ? "*" : MailStore.configurationSetArn(ctx.scope(), name);
                requestTags(context, SesOperations.requestTags(request));
            }
            case GET_CONFIGURATION_SET, DELETE_CONFIGURATION_SET ->
                resource = MailStore.configurationSetArn(
                        ctx.scope(), String.valueOf(ctx.route().pathName()));
            case SEND_EMAIL -> {
                // the identity that sends, in the region that answers (through an endpoint: the routed region)
                String from = MailOperations.lenientText(request, "FromEmailAddress");
                IdentityView identity =
                        from == null ? null : mail.sendingIdentity(ctx.scope(), MailOperations.bareAddress(from));
                resource = from == null
                        ? "*"
                        : MailStore.identityArn(
                                ctx.scope(),
                                identity != null ? identity.identityName() : MailOperations.bareAddress(from));
                if (from != null) {
                    context.put("ses:fromaddress", List.of(MailOperations.bareAddress(from)));
                }
                String endpointId = MailOperations.lenientText(request, "EndpointId");
                if (endpointId != null) {
                    context.put("ses:multiregionendpointid", List.of(endpointId));
                }
            }
            default -> resource = "*";
        }
        boolean tagAction = ctx.operation() == Operation.TAG_RESOURCE
                || ctx.operation() == Operation.UNTAG_RESOURCE
                || ctx.operation() == Operation.LIST_TAGS_FOR_RESOURCE;
        if (endpointName != null && (!tagAction || settings.get().resourceTagsOnTagActions())) {
            Optional<Map<String, String>> tags = store.findTags(ctx.scope(), endpointName, ctx.now());
            tags.ifPresent(t -> t.forEach((k, v) -> add(context, "aws:resourcetag/" + k, v)));
        }
        return new Check(ctx.operation().iamAction(), resource, context);
    }

    /** The name of an endpoint of the caller's own account and region the ARN names; null for anything else. */
    private static String ownEndpointName(CallContext ctx, String arn) {
        return Arns.parse(arn)
                .filter(p -> p.partition().equals(ctx.partition())
                        && p.region().equals(ctx.region())
                        && p.accountId().equals(ctx.accountId()))
                .flatMap(Arns.Parsed::endpointName)
                .orElse(null);
    }

    private static Map<String, List<String>> baseContext(CallContext ctx) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        Principal p = ctx.principal();
        context.put("aws:requestedregion", List.of(ctx.region()));
        context.put("aws:principalarn", List.of(p.identityArn(ctx.partition())));
        context.put("aws:principalaccount", List.of(p.accountId()));
        p.tags().forEach((k, v) -> add(context, "aws:principaltag/" + k, v));
        return context;
    }

    /** aws:RequestTag/<key> per tag and the multi-valued aws:TagKeys, as IAM sees tags in a request. */
    static void requestTags(Map<String, List<String>> context, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        tags.forEach((k, v) -> add(context, "aws:requesttag/" + k, v));
        context.put("aws:tagkeys", List.copyOf(tags.keySet()));
    }

    /** Condition keys are case-insensitive, also in their tag-key part; two tags differing only by case add up. */
    private static void add(Map<String, List<String>> context, String key, String value) {
        context.computeIfAbsent(key.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(value);
    }
}
