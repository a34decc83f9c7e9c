package dev.mre.operator.aws;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.ManagementPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.Tag;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The endpoint a valid object asks for, with every default applied (name, region, policies) and the ownership
 * tag added. Built only after the spec validator found no violation.
 *
 * @param identity who the operator acts as for this object (its own identity or a RoleSelector's role)
 * @param owner this object's value of the ownership tag
 * @param adoptable the value of {@code ses.mre.dev/adoptable} that lets this object adopt an unmanaged endpoint
 * @param handoverTo the value of {@code ses.mre.dev/handover} this object writes to give its endpoint to another
 *                   cluster ({@code <cluster-id>/<namespace>/<name>}); null when it gives nothing away
 * @param handoverToMe the value of {@code ses.mre.dev/handover} by which another cluster's owner gives the endpoint
 *                     to this object (this cluster's id, this namespace's name, this object's name)
 */
public record DesiredEndpoint(
        AwsIdentity identity,
        String name,
        String primaryRegion,
        String secondaryRegion,
        Map<String, String> tags,
        String owner,
        String adoptable,
        DeletionPolicy deletionPolicy,
        AdoptionPolicy adoptionPolicy,
        ManagementPolicy managementPolicy,
        String handoverTo,
        String handoverToMe) {

    public DesiredEndpoint {
        tags = Map.copyOf(tags);
    }

    /**
     * @param clusterId this cluster's id (see {@code SES_MRE_CLUSTER_ID})
     * @param namespaceUid UID of the object's namespace
     * @param retainAllowed the administrator allows {@code deletionPolicy: Retain} in the object's namespace
     * @param handoverCluster the cluster id the object's handover annotation names (validated), null for none
     */
    public static DesiredEndpoint of(
            MultiRegionEndpoint mre,
            AwsIdentity identity,
            String defaultRegion,
            String clusterId,
            String namespaceUid,
            boolean retainAllowed,
            String handoverCluster) {
        MultiRegionEndpointSpec spec = mre.getSpec();
        String namespace = mre.getMetadata().getNamespace();
        String objectName = mre.getMetadata().getName();
        String owner = OwnerTag.of(clusterId, namespaceUid, objectName);
        Map<String, String> tags = new LinkedHashMap<>();
        if (spec.getTags() != null) {
            for (Tag t : spec.getTags()) {
                tags.put(t.getKey(), t.getValue());
            }
        }
        // the ownership tag always wins over a user tag of the same key (the CRD refuses that key anyway)
        tags.put(MultiRegionEndpoint.OWNER_TAG, owner);
        tags.put(MultiRegionEndpoint.OBJECT_TAG, namespace + "/" + objectName);
        String handoverTo =
                handoverCluster == null ? null : OwnerTag.adoptableValue(handoverCluster, namespace, objectName);
        if (handoverTo != null) {
            // without the annotation the tag sync removes the tag again: a handover is withdrawn by the same path
            tags.put(MultiRegionEndpoint.HANDOVER_TAG, handoverTo);
        }
        return new DesiredEndpoint(
                identity,
                effectiveName(mre),
                effectiveRegion(spec, defaultRegion),
                spec.getDetails().getRoutesDetails().get(0).getRegion(),
                tags,
                owner,
                OwnerTag.adoptableValue(clusterId, namespace, objectName),
                // Retain where the administrator does not allow it is refused while the object lives; a deletion
                // then deletes, as the default policy does, so nothing escapes the namespace's quota
                retainAllowed
                        ? Objects.requireNonNullElse(spec.getDeletionPolicy(), DeletionPolicy.Delete)
                        : DeletionPolicy.Delete,
                Objects.requireNonNullElse(spec.getAdoptionPolicy(), AdoptionPolicy.Never),
                Objects.requireNonNullElse(spec.getManagementPolicy(), ManagementPolicy.Manage),
                handoverTo,
                OwnerTag.adoptableValue(clusterId, namespace, objectName));
    }

    /**
     * Who {@code tags} say owns the endpoint: the owner tag is the only proof (never the object's status), and only
     * in its one form: a value equal to this object's owner tag, nothing else (no older form, no prefix).
     */
    public Observation.Ownership ownership(Observation.KnownTags tags) {
        if (tags == null) {
            return Observation.Ownership.UNKNOWN;
        }
        String ownerTag = tags.tags().get(MultiRegionEndpoint.OWNER_TAG);
        if (ownerTag == null) {
            return adoptionPolicy == AdoptionPolicy.Adopt
                            && adoptable.equals(tags.tags().get(MultiRegionEndpoint.ADOPTABLE_TAG))
                    ? Observation.Ownership.ADOPTABLE
                    : Observation.Ownership.UNMANAGED;
        }
        if (ownerTag.equals(owner)) {
            return Observation.Ownership.MINE;
        }
        // another object owns it; its owner may have given it to exactly this object of this cluster
        return handoverToMe.equals(tags.tags().get(MultiRegionEndpoint.HANDOVER_TAG))
                ? Observation.Ownership.HANDED_OVER
                : Observation.Ownership.ANOTHER;
    }

    /** This object gives its endpoint away and {@code tags} already carry the handover tag naming the receiver. */
    public boolean handoverWritten(Observation.KnownTags tags) {
        return handoverTo != null
                && tags != null
                && handoverTo.equals(tags.tags().get(MultiRegionEndpoint.HANDOVER_TAG));
    }

    /** The endpoint routes between exactly the two regions the spec names. */
    public boolean routesMatch(ObservedEndpoint ep) {
        return new HashSet<>(ep.regions()).equals(Set.of(primaryRegion, secondaryRegion));
    }

    /** Only observed: no Create, tag write or Delete, whatever SES shows. */
    public boolean observeOnly() {
        return managementPolicy == ManagementPolicy.ObserveOnly;
    }

    public EndpointRef ref() {
        return new EndpointRef(identity, primaryRegion, name);
    }

    public static String effectiveName(MultiRegionEndpoint mre) {
        String name = mre.getSpec() == null ? null : mre.getSpec().getEndpointName();
        return name != null ? name : mre.getMetadata().getName();
    }

    public static String effectiveRegion(MultiRegionEndpointSpec spec, String defaultRegion) {
        return spec != null && spec.getRegion() != null ? spec.getRegion() : defaultRegion;
    }
}
