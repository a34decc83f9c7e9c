package dev.mre.sesemulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The seven SES v2 multi-region endpoint operations: validate input, act on the store, build the restJson1 answer. */
final class SesOperations {

    private final EndpointStore store;
    private final LiveSettings settings;
    /** Identities, configuration sets, account, SendEmail; also tags on identity and configuration-set ARNs. */
    private final MailOperations mail;

    SesOperations(EndpointStore store, LiveSettings settings, MailOperations mail) {
        this.store = store;
        this.settings = settings;
        this.mail = mail;
    }

    ObjectNode handle(CallContext ctx) {
        if (MailOperations.handles(ctx.operation())) {
            return mail.handle(ctx);
        }
        return switch (ctx.operation()) {
            case CREATE_MULTI_REGION_ENDPOINT -> create(ctx);
            case GET_MULTI_REGION_ENDPOINT -> get(ctx);
            case DELETE_MULTI_REGION_ENDPOINT -> delete(ctx);
            case LIST_MULTI_REGION_ENDPOINTS -> list(ctx);
            case TAG_RESOURCE -> tagResource(ctx);
            case UNTAG_RESOURCE -> untagResource(ctx);
            case LIST_TAGS_FOR_RESOURCE -> listTags(ctx);
            default -> throw new IllegalStateException("not an SES operation: " + ctx.operation());
        };
    }

    /**
     * The endpoint a request is about, read leniently (null when the input is broken): for log lines,
     * call records and AccessDenied messages, which exist before and apart from validation.
     */
    static String targetName(Route route, IncomingRequest request) {
        try {
            switch (route.operation()) {
                case GET_MULTI_REGION_ENDPOINT, DELETE_MULTI_REGION_ENDPOINT:
                    return route.pathName();
                case CREATE_MULTI_REGION_ENDPOINT: {
                    JsonNode name = Json.MAPPER.readTree(request.body()).get("EndpointName");
                    return name != null && name.isTextual() ? name.asText() : null;
                }
                case TAG_RESOURCE: {
                    JsonNode arn = Json.MAPPER.readTree(request.body()).get("ResourceArn");
                    return arn != null && arn.isTextual() ? nameInArn(arn.asText()) : null;
                }
                case UNTAG_RESOURCE, LIST_TAGS_FOR_RESOURCE: {
                    String arn = request.queryParameter("ResourceArn");
                    return arn == null ? null : nameInArn(arn);
                }
                default:
                    return null;
            }
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The tags a Create or TagResource request asks for, read leniently for IAM's aws:RequestTag and aws:TagKeys
     * (authorization happens before validation; broken input is refused by validation afterwards).
     */
    static Map<String, String> requestTags(IncomingRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        try {
            JsonNode list = Json.MAPPER.readTree(request.body()).get("Tags");
            if (list != null && list.isArray()) {
                for (JsonNode tag : list) {
                    JsonNode key = tag.get("Key");
                    JsonNode value = tag.get("Value");
                    if (key != null && key.isTextual()) {
                        tags.put(key.asText(), value != null && value.isTextual() ? value.asText() : "");
                    }
                }
            }
        } catch (Exception e) {
            // not JSON: no tags for IAM; validation answers BadRequest afterwards
        }
        return tags;
    }

    /** The ARN a TagResource (body) or UntagResource/ListTagsForResource (query) request names, or null. */
    static String resourceArn(Route route, IncomingRequest request) {
        try {
            if (route.operation() == Operation.TAG_RESOURCE) {
                JsonNode arn = Json.MAPPER.readTree(request.body()).get("ResourceArn");
                return arn != null && arn.isTextual() ? arn.asText() : null;
            }
            return request.queryParameter("ResourceArn");
        } catch (Exception e) {
            return null;
        }
    }

    private static String nameInArn(String arn) {
        return Arns.parse(arn).flatMap(Arns.Parsed::endpointName).orElse(null);
    }

    private ObjectNode create(CallContext ctx) {
        JsonNode body = jsonBody(ctx.request());
        Violations v = new Violations();
        String name = textField(body, "EndpointName", v);
        if (name != null) {
            InputRules.endpointName(name, "EndpointName", v);
        } else if (!body.hasNonNull("EndpointName")) {
            InputRules.endpointName(null, "EndpointName", v);
        }
        String secondary = InputRules.secondaryRegion(body.get("Details"), ctx.region(), v);
        Map<String, String> tags = InputRules.tags(body.get("Tags"), "Tags", v);
        v.throwIfAny();

        Settings now = settings.get();
        var pattern = now.failProvisioningNames();
        boolean fail = (pattern != null && pattern.matcher(name).find()) || settings.chance(now.failProvisioningRate());
        EndpointView created = store.create(
                ctx.scope(),
                name,
                secondary,
                tags == null ? Map.of() : tags,
                ctx.now(),
                now.createDelay(),
                now.visibilityDelay(),
                now.quotaFor(ctx.accountId()),
                fail,
                settings.idRandom());
        ObjectNode out = Json.object();
        out.put("EndpointId", created.endpointId());
        out.put("Status", EndpointStatus.CREATING.name());
        return out;
    }

    private ObjectNode get(CallContext ctx) {
        String name = pathName(ctx);
        EndpointView e = store.getVisible(ctx.scope(), name, ctx.now()).orElseThrow(() -> EndpointStore.notFound(name));
        ObjectNode out = Json.object();
        out.put("EndpointName", e.endpointName());
        out.put("EndpointId", e.endpointId());
        ArrayNode routes = out.putArray("Routes");
        e.regions().forEach(r -> routes.addObject().put("Region", r));
        out.put("Status", e.status().name());
        out.put("CreatedTimestamp", Json.epochSeconds(e.createdTimestamp()));
        out.put("LastUpdatedTimestamp", Json.epochSeconds(e.lastUpdatedTimestamp()));
        return out;
    }

    private ObjectNode delete(CallContext ctx) {
        String name = pathName(ctx);
        Settings now = settings.get();
        EndpointStatus status = store.delete(
                ctx.scope(), name, ctx.now(), now.deleteDelay(), now.concurrentModificationOnDeleteWhileCreating());
        ObjectNode out = Json.object();
        out.put("Status", status.name());
        return out;
    }

    private ObjectNode list(CallContext ctx) {
        Violations v = new Violations();
        int pageSize = settings.get().defaultPageSize();
        String rawPageSize = ctx.request().queryParameter("PageSize");
        if (rawPageSize != null) {
            try {
                pageSize = Integer.parseInt(rawPageSize.trim());
                if (pageSize < 1) {
                    v.add(rawPageSize, "PageSize", "Member must have value greater than or equal to 1");
                } else if (pageSize > 1000) {
                    v.add(rawPageSize, "PageSize", "Member must have value less than or equal to 1000");
                }
            } catch (NumberFormatException e) {
                v.add(rawPageSize, "PageSize", "Member must be an integer");
            }
        }
        v.throwIfAny();
        String token = ctx.request().queryParameter("NextToken");
        String after =
                token == null || token.isEmpty() ? null : PageTokens.decode(token, ctx.accountId(), ctx.region());

        EndpointStore.Page page = store.list(ctx.scope(), after, pageSize, ctx.now());
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("MultiRegionEndpoints");
        for (EndpointView e : page.items()) {
            ObjectNode item = items.addObject();
            item.put("EndpointName", e.endpointName());
            item.put("Status", e.status().name());
            item.put("EndpointId", e.endpointId());
            ArrayNode regions = item.putArray("Regions");
            e.regions().forEach(regions::add);
            item.put("CreatedTimestamp", Json.epochSeconds(e.createdTimestamp()));
            item.put("LastUpdatedTimestamp", Json.epochSeconds(e.lastUpdatedTimestamp()));
        }
        if (page.lastName() != null) {
            out.put("NextToken", PageTokens.encode(ctx.accountId(), ctx.region(), page.lastName()));
        }
        return out;
    }

    private ObjectNode tagResource(CallContext ctx) {
        JsonNode body = jsonBody(ctx.request());
        Violations v = new Violations();
        String arn = textField(body, "ResourceArn", v);
        if (arn == null && !body.hasNonNull("ResourceArn")) {
            v.add(null, "ResourceArn", "Member must not be null");
        }
        Map<String, String> tags = InputRules.tags(body.get("Tags"), "Tags", v);
        if (tags == null) {
            v.add(null, "Tags", "Member must not be null");
        }
        v.throwIfAny();
        if (MailOperations.isMailArn(arn)) {
            mail.tag(ctx, arn, tags);
            return Json.object();
        }
        String name = resolveArn(ctx, arn);
        store.tag(ctx.scope(), name, tags, InputRules.MAX_TAGS, ctx.now());
        return Json.object();
    }

    private ObjectNode untagResource(CallContext ctx) {
        Violations v = new Violations();
        String arn = ctx.request().queryParameter("ResourceArn");
        if (arn == null) {
            v.add(null, "ResourceArn", "Member must not be null");
        }
        List<String> keys = ctx.request().queryParameters().get("TagKeys");
        if (keys == null) {
            v.add(null, "TagKeys", "Member must not be null");
        } else {
            for (int i = 0; i < keys.size(); i++) {
                InputRules.tagKey(keys.get(i), "TagKeys." + (i + 1), v);
            }
        }
        v.throwIfAny();
        if (MailOperations.isMailArn(arn)) {
            mail.untag(ctx, arn, keys);
            return Json.object();
        }
        String name = resolveArn(ctx, arn);
        store.untag(ctx.scope(), name, keys, ctx.now());
        return Json.object();
    }

    private ObjectNode listTags(CallContext ctx) {
        String arn = ctx.request().queryParameter("ResourceArn");
        if (arn == null) {
            new Violations().add(null, "ResourceArn", "Member must not be null").throwIfAny();
        }
        ObjectNode out = Json.object();
        ArrayNode tags = out.putArray("Tags");
        (MailOperations.isMailArn(arn) ? mail.tags(ctx, arn) : store.tags(ctx.scope(), resolveArn(ctx, arn), ctx.now()))
                .forEach((k, val) -> tags.addObject().put("Key", k).put("Value", val));
        return out;
    }

    /**
     * An ARN names an endpoint of this caller only if partition, region and account match the call;
     * any other well-formed ARN is a resource that does not exist here (NotFound), a malformed one is a BadRequest.
     */
    private String resolveArn(CallContext ctx, String arn) {
        Arns.Parsed parsed = Arns.parse(arn)
                .orElseThrow(() -> SesErrors.badRequest("1 validation error detected: Value '" + arn
                        + "' at 'ResourceArn' failed to satisfy constraint: Member must be a valid ARN"));
        Optional<String> name = parsed.endpointName();
        boolean ours = name.isPresent()
                && parsed.partition().equals(Regions.partition(ctx.region()))
                && parsed.region().equals(ctx.region())
                && parsed.accountId().equals(ctx.accountId());
        if (!ours) {
            throw SesErrors.notFound("Resource " + arn + " does not exist.");
        }
        return name.get();
    }

    private String pathName(CallContext ctx) {
        String name = ctx.route().pathName();
        Violations v = new Violations();
        InputRules.endpointName(name, "EndpointName", v);
        v.throwIfAny();
        return name;
    }

    /** The body as a JSON object; an empty body counts as {} so that missing members are reported by name. */
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
            throw SesErrors.badRequest("Malformed request body: expected a JSON object but got "
                    + new String(request.body(), StandardCharsets.UTF_8).strip());
        }
        return node;
    }

    private static String textField(JsonNode body, String field, Violations v) {
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
}
