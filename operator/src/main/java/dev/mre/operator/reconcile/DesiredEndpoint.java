package dev.mre.operator.reconcile;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoint a valid object asks for, with every default applied (name, region, policies) and the
 * ownership tag added. Built only after {@link SpecValidator} found no violation.
 */
public record DesiredEndpoint(String name, String primaryRegion, String secondaryRegion, Map<String, String> tags,
                              String owner, DeletionPolicy deletionPolicy, AdoptionPolicy adoptionPolicy) {

    public DesiredEndpoint {
        tags = Map.copyOf(tags);
    }

    public static DesiredEndpoint of(MultiRegionEndpoint mre, String defaultRegion, String clusterId) {
        MultiRegionEndpointSpec spec = mre.getSpec();
        String owner = ownerOf(clusterId, mre.getMetadata().getNamespace(), mre.getMetadata().getName());
        Map<String, String> tags = new LinkedHashMap<>();
        if (spec.getTags() != null) {
            for (Tag t : spec.getTags()) {
                tags.put(t.getKey(), t.getValue());
            }
        }
        // the ownership tag always wins over a user tag of the same key (the CRD refuses that key anyway)
        tags.put(MultiRegionEndpoint.OWNER_TAG, owner);
        return new DesiredEndpoint(
                effectiveName(mre),
                effectiveRegion(spec, defaultRegion),
                spec.getDetails().getRoutesDetails().get(0).getRegion(),
                tags,
                owner,
                Objects.requireNonNullElse(spec.getDeletionPolicy(), DeletionPolicy.Delete),
                Objects.requireNonNullElse(spec.getAdoptionPolicy(), AdoptionPolicy.Never));
    }

    public static String effectiveName(MultiRegionEndpoint mre) {
        String name = mre.getSpec() == null ? null : mre.getSpec().getEndpointName();
        return name != null ? name : mre.getMetadata().getName();
    }

    public static String effectiveRegion(MultiRegionEndpointSpec spec, String defaultRegion) {
        return spec != null && spec.getRegion() != null ? spec.getRegion() : defaultRegion;
    }

    /** Value of the {@code ses.mre.dev/owner} tag: {@code <cluster-id>/<namespace>/<name>}. */
    public static String ownerOf(String clusterId, String namespace, String name) {
        return clusterId + "/" + namespace + "/" + name;
    }
}
