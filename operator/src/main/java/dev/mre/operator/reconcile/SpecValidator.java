package dev.mre.operator.reconcile;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.config.OperatorConfig.NamePrefix;
import dev.mre.operator.config.Setting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The CRD's admission rules, checked again in code: a CRD installed without its schema, or an object stored
 * before a rule existed, must still never reach AWS. Each violation names the field and the rule.
 */
public final class SpecValidator {

    private static final Pattern NAME = Pattern.compile(MultiRegionEndpointSpec.NAME_PATTERN);
    private static final Pattern REGION = Pattern.compile(MultiRegionEndpointSpec.REGION_PATTERN);
    static final int MAX_TAGS = 50;
    /** What ends the namespace in an endpoint name under {@code SES_MRE_ENDPOINT_NAME_PREFIX=namespace}. */
    public static final String NAMESPACE_SEPARATOR = "_";

    private SpecValidator() {}

    /**
     * The operator's own rules on top of the CRD's, set by the cluster administrator.
     *
     * @param allowedRegions regions an object may use, primary and secondary; empty: any
     * @param namePrefix {@link NamePrefix#NAMESPACE}: the endpoint name must start with {@code <namespace>_}
     * @param retainNamespaces namespaces whose objects may use {@code deletionPolicy: Retain} ({@code *}: all): an
     *                         endpoint left behind outlives the object, so the namespace's ResourceQuota no longer
     *                         counts it; only the administrator may allow that
     */
    public record Rules(
            String defaultRegion, Set<String> allowedRegions, NamePrefix namePrefix, Set<String> retainNamespaces) {
        public Rules {
            allowedRegions = Set.copyOf(allowedRegions);
            retainNamespaces = Set.copyOf(retainNamespaces);
        }

        public boolean retainAllowed(String namespace) {
            return retainNamespaces.contains("*") || retainNamespaces.contains(namespace);
        }
    }

    /** Violations of {@code mre}'s spec once defaults apply; empty when the spec is valid. */
    public static List<String> validate(MultiRegionEndpoint mre, Rules rules) {
        List<String> errors = addressViolations(mre, rules);
        MultiRegionEndpointSpec spec = mre.getSpec();
        if (spec == null) {
            return errors;
        }
        validateTags(spec.getTags(), errors);
        if (errors.isEmpty()) {
            validateAdministratorRules(mre, rules, errors);
        }
        return errors;
    }

    /**
     * What must hold to address an endpoint at all (name, regions): enough to find and delete what the object
     * may have created, even if a later rule (tags, administrator rules) now refuses its spec.
     */
    public static List<String> addressViolations(MultiRegionEndpoint mre, Rules rules) {
        List<String> errors = new ArrayList<>();
        MultiRegionEndpointSpec spec = mre.getSpec();
        if (spec == null) {
            errors.add("spec: Required value");
            return errors;
        }
        String defaultRegion = rules.defaultRegion();
        String name = DesiredEndpoint.effectiveName(mre);
        String nameField =
                spec.getEndpointName() != null ? "spec.endpointName" : "metadata.name (default of spec.endpointName)";
        if (name.isEmpty() || name.length() > 64) {
            errors.add(nameField + ": must be 1 to 64 characters, got " + name.length());
        }
        if (!NAME.matcher(name).matches()) {
            errors.add(nameField + ": must match " + MultiRegionEndpointSpec.NAME_PATTERN + ", got '" + name + "'");
        }
        String primary = DesiredEndpoint.effectiveRegion(spec, defaultRegion);
        String regionField = spec.getRegion() != null ? "spec.region" : "spec.region (operator default region)";
        if (primary == null
                || primary.length() > MultiRegionEndpointSpec.MAX_REGION_LENGTH
                || !REGION.matcher(primary).matches()) {
            errors.add(regionField + ": must be an AWS region name matching " + MultiRegionEndpointSpec.REGION_PATTERN
                    + " of at most " + MultiRegionEndpointSpec.MAX_REGION_LENGTH + " characters, got '" + primary
                    + "'");
        }
        validateRoutes(spec, primary, errors);
        return errors;
    }

    /** What {@code SES_MRE_CLUSTER_ID} accepts: the receiving cluster's id in a handover annotation must be one. */
    static final Pattern CLUSTER_ID = Pattern.compile("^[A-Za-z0-9._-]{1,63}$");

    /**
     * The handover annotation, when set, must name another cluster by an id this operator would accept as its own.
     * Checked on deletion too: a mistyped handover must never turn into a Delete of the endpoint.
     */
    public static List<String> handoverViolations(MultiRegionEndpoint mre, String ownClusterId) {
        String to = handoverCluster(mre);
        if (to == null) {
            return List.of();
        }
        String field = "metadata.annotations[" + MultiRegionEndpoint.HANDOVER_ANNOTATION + "]";
        if (!CLUSTER_ID.matcher(to).matches()) {
            return List.of(field + ": must be the receiving cluster's id matching " + CLUSTER_ID.pattern() + ", got '"
                    + to + "'");
        }
        if (to.equals(ownClusterId)) {
            return List.of(field + ": names this cluster's own id '" + to + "'; a handover goes to another cluster");
        }
        return List.of();
    }

    /** The annotation's value as written (null when absent); validated by {@link #handoverViolations}. */
    public static String handoverCluster(MultiRegionEndpoint mre) {
        var annotations = mre.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(MultiRegionEndpoint.HANDOVER_ANNOTATION);
    }

    private static void validateAdministratorRules(MultiRegionEndpoint mre, Rules rules, List<String> errors) {
        MultiRegionEndpointSpec spec = mre.getSpec();
        String primary = DesiredEndpoint.effectiveRegion(spec, rules.defaultRegion());
        String secondary = spec.getDetails().getRoutesDetails().get(0).getRegion();
        if (!rules.allowedRegions().isEmpty()) {
            Set<String> allowed = new TreeSet<>(rules.allowedRegions());
            if (!allowed.contains(primary)) {
                errors.add((spec.getRegion() != null ? "spec.region" : "spec.region (operator default region)")
                        + ": '" + primary + "' is not among the regions this operator allows " + allowed
                        + " (" + Setting.ALLOWED_REGIONS.env + ")");
            }
            if (!allowed.contains(secondary)) {
                errors.add("spec.details.routesDetails[0].region: '" + secondary + "' is not among the regions this"
                        + " operator allows " + allowed + " (" + Setting.ALLOWED_REGIONS.env + ")");
            }
        }
        if (spec.getDeletionPolicy() == DeletionPolicy.Retain
                && !rules.retainAllowed(mre.getMetadata().getNamespace())) {
            errors.add("spec.deletionPolicy: Retain is not allowed in namespace '"
                    + mre.getMetadata().getNamespace()
                    + "' by this operator's administrator (" + Setting.RETAIN_NAMESPACES.env + "): a retained endpoint"
                    + " outlives the object and escapes the namespace's quota; use Delete (the default)");
        }
        if (rules.namePrefix() == NamePrefix.NAMESPACE) {
            // '_' ends the namespace part unambiguously: no namespace name contains it (with '-', namespace 'team'
            // could take 'team-eu-mail', which belongs in namespace 'team-eu''s space)
            String prefix = mre.getMetadata().getNamespace() + NAMESPACE_SEPARATOR;
            String name = DesiredEndpoint.effectiveName(mre);
            if (!name.startsWith(prefix)) {
                errors.add((spec.getEndpointName() != null
                                ? "spec.endpointName"
                                : "metadata.name (default of" + " spec.endpointName)")
                        + ": must start with '" + prefix + "' (the namespace and '_', which no namespace name"
                        + " contains), got '" + name
                        + "' (" + Setting.ENDPOINT_NAME_PREFIX.env + "=namespace)");
            }
        }
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
        if (secondary == null
                || secondary.length() > MultiRegionEndpointSpec.MAX_REGION_LENGTH
                || !REGION.matcher(secondary).matches()) {
            errors.add("spec.details.routesDetails[0].region: must be an AWS region name matching "
                    + MultiRegionEndpointSpec.REGION_PATTERN + " of at most "
                    + MultiRegionEndpointSpec.MAX_REGION_LENGTH
                    + " characters, got '" + secondary + "'");
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
            if (Tag.reservedByAws(key)) {
                errors.add(field + ".key: keys starting with 'aws:' (in any case) are reserved by AWS");
            }
            if (key.startsWith(MultiRegionEndpoint.PREFIX)) {
                errors.add(field + ".key: keys starting with '" + MultiRegionEndpoint.PREFIX
                        + "' are reserved by the operator");
            }
            if (!seen.add(key)) {
                errors.add(field + ".key: duplicate key '" + key + "'");
            }
            if (tag.getValue() == null) {
                errors.add(field + ".value: Required value");
            } else if (tag.getValue().length() > 256) {
                errors.add(field + ".value: must be at most 256 characters, got "
                        + tag.getValue().length());
            }
        }
    }
}
