package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The SES v2 input constraints: model constraints and the limits the developer guide documents. */
final class InputRules {

    static final Pattern ENDPOINT_NAME = Pattern.compile("^[\\w\\-_]+$");
    static final int MAX_TAGS = 50;

    private InputRules() {}

    static void endpointName(String name, String field, Violations v) {
        if (name == null) {
            v.add(null, field, "Member must not be null");
            return;
        }
        if (name.isEmpty()) {
            v.add(name, field, "Member must have length greater than or equal to 1");
        } else if (name.length() > 64) {
            v.add(name, field, "Member must have length less than or equal to 64");
        }
        if (!name.isEmpty() && !ENDPOINT_NAME.matcher(name).matches()) {
            v.add(name, field, "Member must satisfy regular expression pattern: ^[\\w\\-_]+$");
        }
    }

    /** {@code Details.RoutesDetails}: exactly one route, to a region that is not the primary; answers the secondary region. */
    static String secondaryRegion(JsonNode details, String primaryRegion, Violations v) {
        if (details == null || details.isNull()) {
            v.add(null, "Details", "Member must not be null");
            return null;
        }
        if (!details.isObject()) {
            v.add(details, "Details", "Member must be an object");
            return null;
        }
        JsonNode routes = details.get("RoutesDetails");
        if (routes == null || routes.isNull()) {
            v.add(null, "Details.RoutesDetails", "Member must not be null");
            return null;
        }
        if (!routes.isArray() || routes.size() != 1) {
            v.add(routes, "Details.RoutesDetails", "Member must contain exactly one route: the secondary region");
            return null;
        }
        JsonNode route = routes.get(0);
        JsonNode region = route.isObject() ? route.get("Region") : null;
        String field = "Details.RoutesDetails.1.Region";
        if (region == null || region.isNull()) {
            v.add(null, field, "Member must not be null");
            return null;
        }
        if (!region.isTextual()) {
            v.add(region, field, "Member must be a string");
            return null;
        }
        String secondary = region.asText();
        if (!Regions.looksValid(secondary)) {
            v.add(secondary, field, "Member must be a valid AWS region");
            return null;
        }
        if (secondary.equals(primaryRegion)) {
            v.add(
                    secondary,
                    field,
                    "Member must differ from the primary region " + primaryRegion + " (the region of the request)");
            return null;
        }
        return secondary;
    }

    /** A list of {@code {"Key","Value"}}; answers them in order (null when the node is absent). */
    static Map<String, String> tags(JsonNode tags, String field, Violations v) {
        Map<String, String> result = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) {
            return null;
        }
        if (!tags.isArray()) {
            v.add(tags, field, "Member must be a list of tags");
            return result;
        }
        if (tags.size() > MAX_TAGS) {
            v.add("[" + tags.size() + " tags]", field, "Member must have length less than or equal to " + MAX_TAGS);
        }
        int index = 0;
        for (JsonNode tag : tags) {
            index++;
            String keyField = field + "." + index + ".Key";
            String valueField = field + "." + index + ".Value";
            JsonNode keyNode = tag.isObject() ? tag.get("Key") : null;
            JsonNode valueNode = tag.isObject() ? tag.get("Value") : null;
            String key = text(keyNode, keyField, v);
            String value = text(valueNode, valueField, v);
            if (key != null) {
                tagKey(key, keyField, v);
                if (result.containsKey(key)) {
                    v.add(key, keyField, "Member must be unique: tag keys may appear only once");
                }
            }
            if (value != null && value.length() > 256) {
                v.add(value, valueField, "Member must have length less than or equal to 256");
            }
            if (key != null && value != null) {
                result.put(key, value);
            }
        }
        return result;
    }

    static void tagKey(String key, String field, Violations v) {
        if (key.isEmpty()) {
            v.add(key, field, "Member must have length greater than or equal to 1");
        } else if (key.length() > 128) {
            v.add(key, field, "Member must have length less than or equal to 128");
        }
        if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            v.add(key, field, "Member must not start with the reserved prefix 'aws:'");
        }
    }

    private static String text(JsonNode node, String field, Violations v) {
        if (node == null || node.isNull()) {
            v.add(null, field, "Member must not be null");
            return null;
        }
        if (!node.isTextual()) {
            v.add(node, field, "Member must be a string");
            return null;
        }
        return node.asText();
    }
}
