package dev.mre.sesemulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SES v2 operations a sender needs: email identities (with Deterministic Easy DKIM replicas), configuration sets,
 * GetAccount, and SendEmail, regional or through a multi-region endpoint (routed by {@link #routeSigV4a}).
 */
final class MailOperations {

    static final int MAX_IDENTITIES = 10_000;
    static final int MAX_CONFIGURATION_SETS = 10_000;
    static final int MAX_RECIPIENTS = 50;

    /** DomainSigningAttributesOrigin values that name a parent region ({@code AWS_SES_<REGION>}), per the SES model. */
    static final Set<String> ORIGIN_REGIONS = Set.of(
            "AF_SOUTH_1",
            "EU_NORTH_1",
            "AP_SOUTH_1",
            "EU_WEST_3",
            "EU_WEST_2",
            "EU_SOUTH_1",
            "EU_WEST_1",
            "AP_NORTHEAST_3",
            "AP_NORTHEAST_2",
            "ME_SOUTH_1",
            "AP_NORTHEAST_1",
            "IL_CENTRAL_1",
            "SA_EAST_1",
            "CA_CENTRAL_1",
            "AP_SOUTHEAST_1",
            "AP_SOUTHEAST_2",
            "AP_SOUTHEAST_3",
            "EU_CENTRAL_1",
            "US_EAST_1",
            "US_EAST_2",
            "US_WEST_1",
            "US_WEST_2",
            "ME_CENTRAL_1",
            "AP_SOUTH_2",
            "EU_CENTRAL_2",
            "AP_SOUTHEAST_5",
            "CA_WEST_1",
            "US_GOV_EAST_1",
            "US_GOV_WEST_1");

    static final Set<String> STATUSES = Set.of("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED");

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$");
    private static final Pattern DOMAIN =
            Pattern.compile("^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9-]{2,63}$");
    private static final Pattern CONFIGURATION_SET_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>]+)>");
    private static final String SIMULATOR_DOMAIN = "simulator.amazonses.com";

    private final MailStore mail;
    private final EndpointStore endpoints;
    private final LiveSettings settings;
    private final Authorizer authorizer;

    MailOperations(MailStore mail, EndpointStore endpoints, LiveSettings settings, Authorizer authorizer) {
        this.mail = mail;
        this.endpoints = endpoints;
        this.settings = settings;
        this.authorizer = authorizer;
    }

    static boolean handles(Operation op) {
        return switch (op) {
            case CREATE_EMAIL_IDENTITY,
                    GET_EMAIL_IDENTITY,
                    DELETE_EMAIL_IDENTITY,
                    LIST_EMAIL_IDENTITIES,
                    GET_ACCOUNT,
                    CREATE_CONFIGURATION_SET,
                    GET_CONFIGURATION_SET,
                    DELETE_CONFIGURATION_SET,
                    SEND_EMAIL -> true;
            default -> false;
        };
    }

    ObjectNode handle(CallContext ctx) {
        return switch (ctx.operation()) {
            case CREATE_EMAIL_IDENTITY -> createIdentity(ctx);
            case GET_EMAIL_IDENTITY -> getIdentity(ctx);
            case DELETE_EMAIL_IDENTITY -> {
                mail.deleteIdentity(ctx.scope(), identityPath(ctx));
                yield Json.object();
            }
            case LIST_EMAIL_IDENTITIES -> listIdentities(ctx);
            case GET_ACCOUNT -> getAccount(ctx);
            case CREATE_CONFIGURATION_SET -> createConfigurationSet(ctx);
            case GET_CONFIGURATION_SET -> getConfigurationSet(ctx);
            case DELETE_CONFIGURATION_SET -> {
                mail.deleteConfigurationSet(ctx.scope(), configurationSetPath(ctx));
                yield Json.object();
            }
            case SEND_EMAIL -> sendEmail(ctx);
            default -> throw new IllegalStateException("not a mail operation: " + ctx.operation());
        };
    }

    // ---- routing through a multi-region endpoint

    /**
     * The region a SigV4a-signed request is answered in. Only SendEmail with an EndpointId is accepted this way: the
     * endpoint (of the caller's account, READY) sends from its primary region unless the account's sending is paused
     * there or the region is marked unavailable, then from its secondary; the chosen region must be in the signed
     * region set.
     */
    String routeSigV4a(Route route, IncomingRequest request, SigV4aVerifier.Caller caller, Instant now) {
        if (route.operation() != Operation.SEND_EMAIL) {
            throw SesErrors.badRequest("The emulator accepts SigV4a (" + SigV4aVerifier.ALGORITHM
                    + ") only on SendEmail with an EndpointId; sign "
                    + route.operation().wireName() + " with SigV4.");
        }
        String endpointId = lenientText(request, "EndpointId");
        if (endpointId == null) {
            throw SesErrors.badRequest(
                    "A SendEmail signed with SigV4a goes through a multi-region endpoint: EndpointId is missing.");
        }
        EndpointView endpoint = endpointById(caller.principal().accountId(), endpointId, now);
        String chosen = null;
        for (String region : endpoint.regions()) {
            if (mail.regionAvailable(region)
                    && mail.account(new EndpointStore.Scope(endpoint.accountId(), region))
                            .sendingEnabled()) {
                chosen = region;
                break;
            }
        }
        if (chosen == null) {
            // nowhere to send: a region that is up answers SendingPaused; if both are out of service, a server error
            chosen = endpoint.regions().stream()
                    .filter(mail::regionAvailable)
                    .findFirst()
                    .orElseThrow(() -> SesErrors.internalError("No region of multi-region endpoint " + endpointId
                            + " is available (" + String.join(", ", endpoint.regions()) + " are out of service)."));
        }
        if (!caller.covers(chosen)) {
            throw new ApiException(
                    403,
                    AuthFailure.SIGNATURE_MISMATCH
                            .toApiException(Operation.Service.SES, "")
                            .code(),
                    "The request was routed to " + chosen + ", which the signed X-Amz-Region-Set ("
                            + String.join(",", caller.regionSet()) + ") does not include.");
        }
        return chosen;
    }

    /** A SigV4 (regional) SendEmail must not name an endpoint: the endpoint's host only takes SigV4a. */
    static void refuseEndpointIdUnderSigV4(Route route, IncomingRequest request) {
        if (route.operation() == Operation.SEND_EMAIL && lenientText(request, "EndpointId") != null) {
            throw SesErrors.badRequest("SendEmail with an EndpointId must be signed with SigV4a ("
                    + SigV4aVerifier.ALGORITHM + "); this request was signed with SigV4 for one region.");
        }
    }

    private EndpointView endpointById(String accountId, String endpointId, Instant now) {
        EndpointView endpoint = endpoints.snapshot(now).stream()
                .filter(e -> e.accountId().equals(accountId) && e.endpointId().equals(endpointId))
                .findFirst()
                .orElseThrow(
                        () -> SesErrors.notFound("Multi-region endpoint with id " + endpointId + " does not exist."));
        if (endpoint.status() != EndpointStatus.READY) {
            throw SesErrors.badRequest("Multi-region endpoint " + endpoint.endpointName() + " (" + endpointId + ") is "
                    + endpoint.status() + "; only a READY endpoint takes mail.");
        }
        return endpoint;
    }

    // ---- identities

    private ObjectNode createIdentity(CallContext ctx) {
        JsonNode body = jsonBody(ctx.request());
        Violations v = new Violations();
        String name = text(body, "EmailIdentity", v);
        if (name == null && !v.isEmpty()) {
            v.throwIfAny();
        }
        if (name == null) {
            v.add(null, "EmailIdentity", "Member must not be null");
        } else if (name.isEmpty()) {
            v.add(name, "EmailIdentity", "Member must have length greater than or equal to 1");
        }
        Map<String, String> tags = InputRules.tags(body.get("Tags"), "Tags", v);
        String configurationSet = text(body, "ConfigurationSetName", v);
        JsonNode dkim = body.get("DkimSigningAttributes");
        v.throwIfAny();

        String type;
        if (name.contains("@")) {
            if (!EMAIL.matcher(name).matches()) {
                throw SesErrors.badRequest("Invalid email address <" + name + ">.");
            }
            type = "EMAIL_ADDRESS";
        } else {
            if (!DOMAIN.matcher(name).matches()) {
                throw SesErrors.badRequest("Invalid domain name <" + name + ">.");
            }
            type = "DOMAIN";
        }
        String origin = "AWS_SES";
        String parentRegion = null;
        if (dkim != null && !dkim.isNull()) {
            if (type.equals("EMAIL_ADDRESS")) {
                throw SesErrors.badRequest(
                        "DkimSigningAttributes apply to domain identities only, not to " + name + ".");
            }
            if (!dkim.isObject()) {
                throw SesErrors.badRequest("DkimSigningAttributes must be an object.");
            }
            String requestedOrigin = textOrNull(dkim, "DomainSigningAttributesOrigin");
            boolean byoKey = dkim.hasNonNull("DomainSigningSelector") || dkim.hasNonNull("DomainSigningPrivateKey");
            String keyLength = textOrNull(dkim, "NextSigningKeyLength");
            if (keyLength != null && !keyLength.equals("RSA_1024_BIT") && !keyLength.equals("RSA_2048_BIT")) {
                throw SesErrors.badRequest("1 validation error detected: Value '" + keyLength
                        + "' at 'DkimSigningAttributes.NextSigningKeyLength' failed to satisfy constraint: Member must"
                        + " satisfy enum value set: [RSA_1024_BIT, RSA_2048_BIT]");
            }
            if (requestedOrigin != null) {
                if (requestedOrigin.equals("AWS_SES") || requestedOrigin.equals("EXTERNAL")) {
                    throw SesErrors.badRequest("DomainSigningAttributesOrigin " + requestedOrigin
                            + " is not allowed in CreateEmailIdentity; name the parent's region (AWS_SES_<REGION>)"
                            + " to create a replica.");
                }
                if (!requestedOrigin.startsWith("AWS_SES_")
                        || !ORIGIN_REGIONS.contains(requestedOrigin.substring("AWS_SES_".length()))) {
                    throw SesErrors.badRequest("1 validation error detected: Value '" + requestedOrigin
                            + "' at 'DkimSigningAttributes.DomainSigningAttributesOrigin' failed to satisfy"
                            + " constraint: Member must satisfy enum value set: [AWS_SES, EXTERNAL, AWS_SES_<REGION>]");
                }
                if (byoKey) {
                    throw SesErrors.badRequest("A replica (DomainSigningAttributesOrigin " + requestedOrigin
                            + ") takes no DomainSigningSelector or DomainSigningPrivateKey.");
                }
                origin = requestedOrigin;
                parentRegion = requestedOrigin
                        .substring("AWS_SES_".length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '-');
            } else if (byoKey) {
                if (!dkim.hasNonNull("DomainSigningSelector") || !dkim.hasNonNull("DomainSigningPrivateKey")) {
                    throw SesErrors.badRequest(
                            "Bring-your-own DKIM needs both DomainSigningSelector and DomainSigningPrivateKey.");
                }
                origin = "EXTERNAL";
            }
        }
        if (configurationSet != null && !mail.configurationSetExists(ctx.scope(), configurationSet)) {
            throw MailStore.configurationSetNotFound(configurationSet);
        }
        if (mail.identityExists(ctx.scope(), name)) {
            throw SesErrors.alreadyExists("Email identity " + name + " already exists.");
        }
        if (mail.identityCount(ctx.scope()) >= MAX_IDENTITIES) {
            throw SesErrors.limitExceeded("Maximum number of identities (" + MAX_IDENTITIES + ") reached.");
        }
        String replicationError = null;
        if (parentRegion != null) {
            replicationError = mail.replicationProblem(ctx.scope(), name, parentRegion);
            if (replicationError == null
                    && !authorizer.permits(
                            ctx,
                            "ses:ReplicateEmailIdentityDKIMSigningKey",
                            MailStore.identityArn(new EndpointStore.Scope(ctx.accountId(), parentRegion), name),
                            Map.of("ses:replicaregion", List.of(ctx.region())))) {
                replicationError = "REPLICATION_ACCESS_DENIED";
            }
        }
        IdentityView created = mail.createIdentity(
                ctx.scope(),
                name,
                type,
                origin,
                parentRegion,
                replicationError,
                tags == null ? Map.of() : tags,
                configurationSet,
                ctx.now(),
                settings.idRandom());
        ObjectNode out = Json.object();
        out.put("IdentityType", created.identityType());
        out.put("VerifiedForSendingStatus", created.verifiedForSending());
        out.set("DkimAttributes", dkimAttributes(created));
        return out;
    }

    private ObjectNode getIdentity(CallContext ctx) {
        String name = identityPath(ctx);
        IdentityView identity = mail.identity(ctx.scope(), name).orElseThrow(() -> MailStore.identityNotFound(name));
        ObjectNode out = Json.object();
        out.put("IdentityType", identity.identityType());
        out.put("FeedbackForwardingStatus", true);
        out.put("VerifiedForSendingStatus", identity.verifiedForSending());
        out.set("DkimAttributes", dkimAttributes(identity));
        ObjectNode mailFrom = out.putObject("MailFromAttributes");
        mailFrom.put("MailFromDomain", "");
        mailFrom.put("MailFromDomainStatus", "NOT_STARTED");
        mailFrom.put("BehaviorOnMxFailure", "USE_DEFAULT_VALUE");
        out.putObject("Policies");
        ArrayNode tags = out.putArray("Tags");
        identity.tags().forEach((k, val) -> tags.addObject().put("Key", k).put("Value", val));
        if (identity.configurationSetName() != null) {
            out.put("ConfigurationSetName", identity.configurationSetName());
        }
        out.put("VerificationStatus", identity.verificationStatus());
        ObjectNode info = out.putObject("VerificationInfo");
        info.put("LastCheckedTimestamp", Json.epochSeconds(ctx.now()));
        if (identity.verifiedForSending()) {
            info.put("LastSuccessTimestamp", Json.epochSeconds(identity.createdTimestamp()));
        }
        if (identity.errorType() != null) {
            info.put("ErrorType", identity.errorType());
        }
        return out;
    }

    /**
     * Two wire shapes: {@code GET /v2/email/identities?PageSize=&NextToken=} (older models, botocore) and
     * {@code POST /v2/email/list-identities} with {@code PageSize}, {@code NextToken} and {@code Filter}
     * ({@code IDENTITY_NAME_CONTAINS}, {@code IDENTITY_TYPE}, {@code VERIFICATION_STATUS}) in the body (SDK 2.57).
     */
    private ObjectNode listIdentities(CallContext ctx) {
        Violations v = new Violations();
        int pageSize = settings.get().defaultPageSize();
        boolean inBody = ctx.request().method().equals("POST");
        JsonNode body = inBody ? jsonBody(ctx.request()) : Json.object();
        String rawPageSize = inBody
                ? (body.hasNonNull("PageSize") ? body.get("PageSize").asText() : null)
                : ctx.request().queryParameter("PageSize");
        String token = inBody ? text(body, "NextToken", v) : ctx.request().queryParameter("NextToken");
        java.util.function.Predicate<IdentityView> filter = i -> true;
        JsonNode filters = body.get("Filter");
        if (filters != null && filters.isObject()) {
            for (var it = filters.fields(); it.hasNext(); ) {
                var f = it.next();
                String value = f.getValue().asText();
                switch (f.getKey()) {
                    case "IDENTITY_NAME_CONTAINS" ->
                        filter = filter.and(i -> MailStore.key(i.identityName()).contains(MailStore.key(value)));
                    case "IDENTITY_TYPE" ->
                        filter = filter.and(i -> i.identityType().equals(value));
                    case "VERIFICATION_STATUS" ->
                        filter = filter.and(i -> i.verificationStatus().equals(value));
                    default ->
                        v.add(
                                f.getKey(),
                                "Filter",
                                "Member must satisfy enum value set: [IDENTITY_NAME_CONTAINS,"
                                        + " IDENTITY_TYPE, VERIFICATION_STATUS]");
                }
            }
        }
        if (rawPageSize != null) {
            try {
                int asked = Integer.parseInt(rawPageSize.trim());
                if (asked < 0) {
                    v.add(rawPageSize, "PageSize", "Member must have value greater than or equal to 0");
                } else if (asked > 1000) {
                    v.add(rawPageSize, "PageSize", "Member must have value less than or equal to 1000");
                } else if (asked > 0) {
                    pageSize = asked;
                }
            } catch (NumberFormatException e) {
                v.add(rawPageSize, "PageSize", "Member must be an integer");
            }
        }
        v.throwIfAny();
        String after =
                token == null || token.isEmpty() ? null : PageTokens.decode(token, ctx.accountId(), ctx.region());
        List<IdentityView> page = mail.identities(ctx.scope(), after, pageSize + 1, filter);
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("EmailIdentities");
        for (IdentityView i : page.subList(0, Math.min(pageSize, page.size()))) {
            items.addObject()
                    .put("IdentityType", i.identityType())
                    .put("IdentityName", i.identityName())
                    .put("SendingEnabled", i.verifiedForSending())
                    .put("VerificationStatus", i.verificationStatus());
        }
        if (page.size() > pageSize) {
            out.put(
                    "NextToken",
                    PageTokens.encode(
                            ctx.accountId(),
                            ctx.region(),
                            MailStore.key(page.get(pageSize - 1).identityName())));
        }
        return out;
    }

    private static ObjectNode dkimAttributes(IdentityView identity) {
        ObjectNode dkim = Json.object();
        boolean domain = identity.identityType().equals("DOMAIN");
        dkim.put("SigningEnabled", domain);
        dkim.put("Status", identity.dkimStatus());
        ArrayNode tokens = dkim.putArray("Tokens");
        identity.dkimTokens().forEach(tokens::add);
        dkim.put("SigningAttributesOrigin", identity.signingAttributesOrigin());
        if (domain && !identity.signingAttributesOrigin().equals("EXTERNAL")) {
            dkim.put("SigningHostedZone", "dkim.amazonses.com");
            dkim.put("NextSigningKeyLength", "RSA_2048_BIT");
            dkim.put("CurrentSigningKeyLength", "RSA_2048_BIT");
            dkim.put("LastKeyGenerationTimestamp", Json.epochSeconds(identity.createdTimestamp()));
        }
        return dkim;
    }

    private static String identityPath(CallContext ctx) {
        String name = ctx.route().pathName();
        if (name == null || name.isEmpty()) {
            throw SesErrors.badRequest(
                    "1 validation error detected: Value null at 'EmailIdentity' failed to satisfy constraint: Member must not be null");
        }
        return name;
    }

    // ---- account

    private ObjectNode getAccount(CallContext ctx) {
        AccountSending account = mail.account(ctx.scope());
        ObjectNode out = Json.object();
        out.put("DedicatedIpAutoWarmupEnabled", false);
        out.put("EnforcementStatus", account.enforcementStatus());
        out.put("ProductionAccessEnabled", account.productionAccessEnabled());
        ObjectNode quota = out.putObject("SendQuota");
        quota.put("Max24HourSend", account.max24HourSend());
        quota.put("MaxSendRate", account.maxSendRate());
        quota.put("SentLast24Hours", (double) mail.sentLast24Hours(ctx.scope(), ctx.now()));
        out.put("SendingEnabled", account.sendingEnabled());
        out.putObject("SuppressionAttributes").putArray("SuppressedReasons");
        return out;
    }

    // ---- configuration sets

    private ObjectNode createConfigurationSet(CallContext ctx) {
        JsonNode body = jsonBody(ctx.request());
        Violations v = new Violations();
        String name = text(body, "ConfigurationSetName", v);
        if (name == null && v.isEmpty()) {
            v.add(null, "ConfigurationSetName", "Member must not be null");
        }
        Map<String, String> tags = InputRules.tags(body.get("Tags"), "Tags", v);
        v.throwIfAny();
        configurationSetName(name);
        mail.createConfigurationSet(
                ctx.scope(), name, tags == null ? Map.of() : tags, ctx.now(), MAX_CONFIGURATION_SETS);
        return Json.object();
    }

    private ObjectNode getConfigurationSet(CallContext ctx) {
        String name = configurationSetPath(ctx);
        Map<String, String> tags = mail.configurationSetTags(ctx.scope(), name);
        ObjectNode out = Json.object();
        out.put("ConfigurationSetName", name);
        out.putObject("DeliveryOptions").put("TlsPolicy", "OPTIONAL");
        out.putObject("ReputationOptions").put("ReputationMetricsEnabled", false);
        out.putObject("SendingOptions").put("SendingEnabled", true);
        ArrayNode list = out.putArray("Tags");
        tags.forEach((k, val) -> list.addObject().put("Key", k).put("Value", val));
        return out;
    }

    private static String configurationSetPath(CallContext ctx) {
        String name = ctx.route().pathName();
        configurationSetName(name);
        return name;
    }

    private static void configurationSetName(String name) {
        if (name == null || !CONFIGURATION_SET_NAME.matcher(name).matches()) {
            throw SesErrors.badRequest(
                    "1 validation error detected: Value " + (name == null ? "null" : "'" + name + "'")
                            + " at 'ConfigurationSetName' failed to satisfy constraint: Member must be 1 to 64 letters,"
                            + " digits, '-' or '_'");
        }
    }

    // ---- tags on identity and configuration-set ARNs

    /** The identity or configuration set of the caller's account and region an ARN names, or empty. */
    static Optional<String[]> mailResource(CallContext ctx, String arn) {
        return Arns.parse(arn)
                .filter(p -> p.service().equals("ses")
                        && p.partition().equals(ctx.partition())
                        && p.region().equals(ctx.region())
                        && p.accountId().equals(ctx.accountId()))
                .flatMap(p -> {
                    for (String type : List.of("identity", "configuration-set")) {
                        String prefix = type + "/";
                        if (p.resource().startsWith(prefix) && p.resource().length() > prefix.length()) {
                            return Optional.of(new String[] {type, p.resource().substring(prefix.length())});
                        }
                    }
                    return Optional.empty();
                });
    }

    /** Is this an identity or configuration-set ARN (of anyone)? Those are answered here, not by the endpoint store. */
    static boolean isMailArn(String arn) {
        return arn != null
                && Arns.parse(arn)
                        .filter(p -> p.service().equals("ses")
                                && (p.resource().startsWith("identity/")
                                        || p.resource().startsWith("configuration-set/")))
                        .isPresent();
    }

    void tag(CallContext ctx, String arn, Map<String, String> tags) {
        String[] target = ownMailResource(ctx, arn);
        if (target[0].equals("identity")) {
            mail.tagIdentity(ctx.scope(), target[1], tags, InputRules.MAX_TAGS);
        } else {
            mail.tagConfigurationSet(ctx.scope(), target[1], tags, InputRules.MAX_TAGS);
        }
    }

    void untag(CallContext ctx, String arn, Collection<String> keys) {
        String[] target = ownMailResource(ctx, arn);
        if (target[0].equals("identity")) {
            mail.untagIdentity(ctx.scope(), target[1], keys);
        } else {
            mail.untagConfigurationSet(ctx.scope(), target[1], keys);
        }
    }

    Map<String, String> tags(CallContext ctx, String arn) {
        String[] target = ownMailResource(ctx, arn);
        return target[0].equals("identity")
                ? mail.identityTags(ctx.scope(), target[1])
                : mail.configurationSetTags(ctx.scope(), target[1]);
    }

    private static String[] ownMailResource(CallContext ctx, String arn) {
        return mailResource(ctx, arn).orElseThrow(() -> SesErrors.notFound("Resource " + arn + " does not exist."));
    }

    // ---- SendEmail

    private ObjectNode sendEmail(CallContext ctx) {
        JsonNode body = jsonBody(ctx.request());
        Violations v = new Violations();
        JsonNode content = body.get("Content");
        String contentType = null;
        String subject = null;
        String rawFrom = null;
        if (content == null || content.isNull()) {
            v.add(null, "Content", "Member must not be null");
        } else if (!content.isObject()) {
            v.add(content, "Content", "Member must be an object");
        } else {
            List<String> kinds = new ArrayList<>();
            for (String kind : List.of("Simple", "Raw", "Template")) {
                if (content.hasNonNull(kind)) {
                    kinds.add(kind);
                }
            }
            if (kinds.size() != 1) {
                v.add(kinds, "Content", "Member must contain exactly one of Simple, Raw, Template");
            } else {
                contentType = kinds.get(0);
                JsonNode part = content.get(contentType);
                switch (contentType) {
                    case "Simple" -> {
                        subject = textOrNull(part.path("Subject"), "Data");
                        if (subject == null) {
                            v.add(null, "Content.Simple.Subject.Data", "Member must not be null");
                        }
                        JsonNode bodyPart = part.path("Body");
                        if (textOrNull(bodyPart.path("Text"), "Data") == null
                                && textOrNull(bodyPart.path("Html"), "Data") == null) {
                            v.add(null, "Content.Simple.Body", "Member must contain Text or Html with Data");
                        }
                    }
                    case "Raw" -> {
                        String data = textOrNull(part, "Data");
                        if (data == null) {
                            v.add(null, "Content.Raw.Data", "Member must not be null");
                        } else {
                            try {
                                String raw = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
                                rawFrom = header(raw, "From");
                                subject = header(raw, "Subject");
                            } catch (IllegalArgumentException e) {
                                v.add("...", "Content.Raw.Data", "Member must be base64-encoded");
                            }
                        }
                    }
                    default -> {
                        if (!part.hasNonNull("TemplateName")
                                && !part.hasNonNull("TemplateArn")
                                && !part.hasNonNull("TemplateContent")) {
                            v.add(
                                    null,
                                    "Content.Template",
                                    "Member must name TemplateName, TemplateArn or TemplateContent");
                        }
                        subject = textOrNull(part, "TemplateName");
                    }
                }
            }
        }
        String from = text(body, "FromEmailAddress", v);
        JsonNode destination = body.path("Destination");
        List<String> to = addresses(destination, "ToAddresses", v);
        List<String> cc = addresses(destination, "CcAddresses", v);
        List<String> bcc = addresses(destination, "BccAddresses", v);
        String configurationSet = text(body, "ConfigurationSetName", v);
        String endpointId = text(body, "EndpointId", v);
        v.throwIfAny();

        if (from == null) {
            from = rawFrom;
        }
        if (from == null) {
            throw SesErrors.badRequest("Missing required field FromEmailAddress (or a From header in a Raw message).");
        }
        String fromAddress = bareAddress(from);
        int recipients = to.size() + cc.size() + bcc.size();
        if (recipients == 0 && !"Raw".equals(contentType)) {
            throw SesErrors.badRequest("Missing required field Destination: at least one recipient is needed.");
        }
        if (recipients > MAX_RECIPIENTS) {
            throw SesErrors.badRequest("Recipient count exceeds " + MAX_RECIPIENTS + ".");
        }

        EndpointStore.Scope scope = ctx.scope();
        AccountSending account = mail.account(scope);
        String regionLabel = ctx.region().toUpperCase(Locale.ROOT);
        if (!account.sendingEnabled()) {
            throw new ApiException(
                    400,
                    "SendingPausedException",
                    "Sending is paused for this account in region " + ctx.region() + ".");
        }
        if (configurationSet != null && !mail.configurationSetExists(scope, configurationSet)) {
            throw MailStore.configurationSetNotFound(configurationSet);
        }
        IdentityView identity = mail.sendingIdentity(scope, fromAddress);
        if (identity == null || !identity.verifiedForSending()) {
            throw messageRejected(regionLabel, List.of(fromAddress));
        }
        if (!account.productionAccessEnabled()) {
            List<String> unverified = new ArrayList<>();
            for (String r : concat(to, cc, bcc)) {
                String address = bareAddress(r);
                IdentityView ri = mail.sendingIdentity(scope, address);
                if (!isSimulator(address) && (ri == null || !ri.verifiedForSending())) {
                    unverified.add(address);
                }
            }
            if (!unverified.isEmpty()) {
                throw messageRejected(regionLabel, unverified);
            }
        }
        boolean failover = false;
        if (endpointId != null) {
            failover = endpointById(ctx.accountId(), endpointId, ctx.now())
                    .secondaryRegion()
                    .equals(ctx.region());
        }
        String messageId =
                String.format("%016x-%s-000000", ctx.now().toEpochMilli() | 0x0100000000000000L, UUID.randomUUID());
        mail.record(new SentMessage(
                messageId,
                ctx.now(),
                ctx.accountId(),
                ctx.region(),
                endpointId,
                failover,
                from,
                identity.identityName(),
                to,
                cc,
                bcc,
                subject,
                contentType,
                configurationSet,
                ctx.principal().accessKeyId()));
        return Json.object().put("MessageId", messageId);
    }

    /** The identity ARN SendEmail is authorized against, in the region the call is answered in (for IAM). */
    String sendingIdentityArn(CallContext ctx) {
        String from = lenientText(ctx.request(), "FromEmailAddress");
        if (from == null) {
            return "*";
        }
        IdentityView identity = mail.sendingIdentity(ctx.scope(), bareAddress(from));
        String name = identity != null ? identity.identityName() : bareAddress(from);
        return MailStore.identityArn(ctx.scope(), name);
    }

    static boolean isSimulator(String address) {
        return address.toLowerCase(Locale.ROOT).endsWith("@" + SIMULATOR_DOMAIN);
    }

    private static ApiException messageRejected(String regionLabel, List<String> addresses) {
        return new ApiException(
                400,
                "MessageRejected",
                "Email address is not verified. The following identities failed the check in region " + regionLabel
                        + ": " + String.join(", ", addresses));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }

    /** {@code "Name" <a@b>} -> {@code a@b}. */
    static String bareAddress(String address) {
        Matcher m = ANGLE_ADDRESS.matcher(address);
        return (m.find() ? m.group(1) : address).trim();
    }

    private static String header(String rawMessage, String name) {
        for (String line : rawMessage.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static List<String> addresses(JsonNode destination, String field, Violations v) {
        JsonNode list = destination.get(field);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            v.add(list, "Destination." + field, "Member must be a list of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : list) {
            if (!a.isTextual()) {
                v.add(a, "Destination." + field, "Member must be a list of strings");
            } else {
                out.add(a.asText());
            }
        }
        return List.copyOf(out);
    }

    // ---- JSON helpers

    /** A top-level string member of the body, read leniently (null when absent or the body is not JSON). */
    static String lenientText(IncomingRequest request, String field) {
        try {
            JsonNode node = Json.MAPPER.readTree(request.body());
            JsonNode value = node == null ? null : node.get(field);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String text(JsonNode body, String field, Violations v) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            v.add(node, field, "Member must be a string");
            return null;
        }
        return node.asText();
    }

    private static JsonNode jsonBody(IncomingRequest request) {
        if (request.body().length == 0) {
            return Json.object();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw SesErrors.badRequest("Malformed request body: not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            throw SesErrors.badRequest("Malformed request body: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return Json.object();
        }
        if (!node.isObject()) {
            throw SesErrors.badRequest("Malformed request body: expected a JSON object");
        }
        return node;
    }
}
