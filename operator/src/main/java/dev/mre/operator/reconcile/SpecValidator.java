package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRD's admission rules, checked again in code: a CRD installed without its schema, or an object stored
 * before a rule existed, must still never reach AWS. Each violation names the field and the rule.
 */
public final class SpecValidator {

    private static final Pattern NAME = Pattern.compile(MultiRegionEndpointSpec.NAME_PATTERN);
    private static final Pattern REGION = Pattern.compile(MultiRegionEndpointSpec.REGION_PATTERN);
    static final int MAX_TAGS = 50;

    private SpecValidator() {}

    /** Violations of {@code mre}'s spec once defaults apply; empty when the spec is valid. */
    public static List<String> validate(MultiRegionEndpoint mre, String defaultRegion) {
        List<String> errors = new ArrayList<>();
        MultiRegionEndpointSpec spec = mre.getSpec();
        if (spec == null) {
            errors.add("spec: Required value");
            return errors;
        }
        String name = DesiredEndpoint.effectiveName(mre);
        String nameField = spec.getEndpointName() != null ? "spec.endpointName" : "metadata.name (default of spec.endpointName)";
        if (name.isEmpty() || name.length() > 64) {
            errors.add(nameField + ": must be 1 to 64 characters, got " + name.length());
        }
        if (!NAME.matcher(name).matches()) {
            errors.add(nameField + ": must match " + MultiRegionEndpointSpec.NAME_PATTERN + ", got '" + name + "'");
        }
        String primary = DesiredEndpoint.effectiveRegion(spec, defaultRegion);
        String regionField = spec.getRegion() != null ? "spec.region" : "spec.region (operator default region)";
        if (primary == null || !REGION.matcher(primary).matches()) {
            errors.add(regionField + ": must be an AWS region name matching " + MultiRegionEndpointSpec.REGION_PATTERN
                    + ", got '" + primary + "'");
        }
        validateRoutes(spec, primary, errors);
        validateTags(spec.getTags(), errors);
        return errors;
    }

    private static void validateRoutes(MultiRegionEndpointSpec spec, String primary, List<String> errors) {
        if (spec.getDetails() == null) {
            errors.add("spec.details: Required value");
            return;
        }
        List<RouteDetails> routes = spec.getDetails().getRoutesDetails();
        if (routes == null || routes.size() != 1) {
            errors.add("spec.details.routesDetails: must contain exactly one route (the secondary region), got "
                    + (routes == null ? 0 : routes.size()));
            return;
        }
        String secondary = routes.get(0) == null ? null : routes.get(0).getRegion();
        if (secondary == null || !REGION.matcher(secondary).matches()) {
            errors.add("spec.details.routesDetails[0].region: must be an AWS region name matching "
                    + MultiRegionEndpointSpec.REGION_PATTERN + ", got '" + secondary + "'");
        } else if (secondary.equals(primary)) {
            errors.add("spec.details.routesDetails[0].region: must differ from the primary region '" + primary + "'");
        }
    }

    private static void validateTags(List<Tag> tags, List<String> errors) {
        if (tags == null) {
            return;
        }
        if (tags.size() > MAX_TAGS) {
            errors.add("spec.tags: must have at most " + MAX_TAGS + " items, got " + tags.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            String field = "spec.tags[" + i + "]";
            if (tag == null || tag.getKey() == null) {
                errors.add(field + ".key: Required value");
                continue;
            }
            String key = tag.getKey();
            if (key.isEmpty() || key.length() > 128) {
                errors.add(field + ".key: must be 1 to 128 characters, got " + key.length());
            }
            if (key.startsWith("aws:")) {
                errors.add(field + ".key: keys starting with 'aws:' are reserved by AWS");
            }
            if (key.startsWith(MultiRegionEndpoint.PREFIX)) {
                errors.add(field + ".key: keys starting with '" + MultiRegionEndpoint.PREFIX + "' are reserved by the operator");
            }
            if (!seen.add(key)) {
                errors.add(field + ".key: duplicate key '" + key + "'");
            }
            if (tag.getValue() == null) {
                errors.add(field + ".value: Required value");
            } else if (tag.getValue().length() > 256) {
                errors.add(field + ".value: must be at most 256 characters, got " + tag.getValue().length());
            }
        }
    }
}
