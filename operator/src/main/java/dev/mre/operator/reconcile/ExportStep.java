package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.reconcile.ExportDecision.Found;
import dev.mre.operator.reconcile.ExportDecision.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spec.export part of a pass, after the endpoint's own decision and SendingReady: reads the ConfigMap of that
 * name (GET), decides with {@link ExportDecision}, creates or updates it (only one this operator created for this
 * object: controller ownerReference to the object's UID), and reports a problem as Stalled=True with an export
 * reason. Ready stays the endpoint's: an endpoint that is READY in SES is usable whatever happens to the ConfigMap.
 */
final class ExportStep {

    /** Stalled reasons of export problems: rows of the {@link Reason} table (Stalled only). */
    static final String EXPORT_CONFLICT = Reason.ExportConflict.name();

    static final String EXPORT_NOT_ALLOWED = Reason.ExportNotAllowed.name();
    static final String EXPORT_FAILED = Reason.ExportFailed.name();

    static final Set<String> REASONS = Set.of(EXPORT_CONFLICT, EXPORT_NOT_ALLOWED, EXPORT_FAILED);

    /** Label on every ConfigMap this operator writes (the ownerReference is what identifies it as ours). */
    static final String EXPORT_LABEL = MultiRegionEndpoint.PREFIX + "exported-by";

    static final String EXPORT_LABEL_VALUE = "ses-mre-operator";

    private static final Logger LOG = LoggerFactory.getLogger(ExportStep.class);

    private final boolean allowed;

    ExportStep(boolean allowed) {
        this.allowed = allowed;
    }

    /**
     * @param prev the status before this pass (for the Stalled condition's transition time)
     * @param next the status this pass computed so far
     */
    MultiRegionEndpointStatus apply(
            KubernetesClient client,
            MultiRegionEndpoint mre,
            Decision.Input in,
            MultiRegionEndpointStatus prev,
            MultiRegionEndpointStatus next) {
        if (in.paused() || in.deleting()) {
            return next;
        }
        String name = mre.getSpec() == null || mre.getSpec().getExport() == null
                ? null
                : mre.getSpec().getExport().getConfigMapName();
        if (name == null) {
            return withProblem(next, prev, null, null, in);
        }
        String ns = mre.getMetadata().getNamespace();
        ConfigMap existing = null;
        Found found = Found.NONE;
        if (allowed) {
            try {
                existing = client.configMaps().inNamespace(ns).withName(name).get();
            } catch (KubernetesClientException e) {
                return failed(next, prev, in, "GET", name, e);
            }
            found = existing == null ? Found.NONE : ownedBy(existing, mre) ? Found.OURS : Found.FOREIGN;
        }
        Verdict v = ExportDecision.next(new ExportDecision.Input(
                name,
                allowed,
                next.getEndpointId(),
                next.getEndpointName(),
                next.getArn(),
                next.getEndpointStatus(),
                next.getPrimaryRegion(),
                next.getRegions(),
                found,
                existing == null ? null : existing.getData()));
        try {
            switch (v.action()) {
                case NOTHING, WAIT -> {
                    return withProblem(next, prev, null, null, in);
                }
                case NOT_ALLOWED -> {
                    return withProblem(next, prev, EXPORT_NOT_ALLOWED, v.message(), in);
                }
                case CONFLICT -> {
                    return withProblem(next, prev, EXPORT_CONFLICT, v.message(), in);
                }
                case CREATE -> {
                    client.configMaps()
                            .inNamespace(ns)
                            .resource(configMap(mre, name, v.data()))
                            .create();
                    LOG.info("created ConfigMap {}/{} with the endpoint {}", ns, name, next.getEndpointId());
                }
                case UPDATE -> {
                    ConfigMap updated = new ConfigMapBuilder(existing)
                            .withData(new LinkedHashMap<>(v.data()))
                            .editMetadata()
                            .addToLabels(EXPORT_LABEL, EXPORT_LABEL_VALUE)
                            .endMetadata()
                            .build();
                    // with the resourceVersion read above: a concurrent change makes this fail, the next pass retries
                    client.configMaps().inNamespace(ns).resource(updated).update();
                    LOG.info("updated ConfigMap {}/{} with the endpoint {}", ns, name, next.getEndpointId());
                }
                default -> throw new IllegalStateException(v.action().name());
            }
        } catch (KubernetesClientException e) {
            return failed(next, prev, in, v.action() == ExportDecision.Action.CREATE ? "create" : "update", name, e);
        }
        return withProblem(next, prev, null, null, in);
    }

    /** The ConfigMap this operator writes: its data, the label, and the object as its controller owner. */
    static ConfigMap configMap(MultiRegionEndpoint mre, String name, Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(mre.getMetadata().getNamespace())
                .addToLabels(EXPORT_LABEL, EXPORT_LABEL_VALUE)
                .withOwnerReferences(owner(mre))
                .endMetadata()
                .withData(new LinkedHashMap<>(data))
                .build();
    }

    static OwnerReference owner(MultiRegionEndpoint mre) {
        return new OwnerReferenceBuilder()
                .withApiVersion(mre.getApiVersion())
                .withKind(mre.getKind())
                .withName(mre.getMetadata().getName())
                .withUid(mre.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(false)
                .build();
    }

    /** Created by this operator for this object: a controller ownerReference to the object's UID. */
    static boolean ownedBy(ConfigMap cm, MultiRegionEndpoint mre) {
        List<OwnerReference> refs =
                cm.getMetadata() == null ? null : cm.getMetadata().getOwnerReferences();
        return refs != null
                && refs.stream()
                        .anyMatch(r -> Boolean.TRUE.equals(r.getController())
                                && Objects.equals(r.getUid(), mre.getMetadata().getUid()));
    }

    private MultiRegionEndpointStatus failed(
            MultiRegionEndpointStatus next,
            MultiRegionEndpointStatus prev,
            Decision.Input in,
            String verb,
            String name,
            KubernetesClientException e) {
        LOG.info("{} of ConfigMap {} failed: {} {}", verb, name, e.getCode(), e.getMessage());
        return withProblem(next, prev, EXPORT_FAILED, Reason.Message.EXPORT_FAILED.format(verb, name, e.getCode()), in);
    }

    /**
     * {@code next} with Stalled=True for an export problem ({@code reason} non-null), or with a Stalled condition an
     * earlier export problem set put back to the endpoint's own (False, with Ready's reason) when it is gone. The
     * endpoint's own Stalled=True always wins: an export problem is shown only on an otherwise unstalled object.
     */
    static MultiRegionEndpointStatus withProblem(
            MultiRegionEndpointStatus next,
            MultiRegionEndpointStatus prev,
            String reason,
            String message,
            Decision.Input in) {
        Condition stalled = StatusFactory.condition(next, StatusFactory.STALLED).orElse(null);
        if (stalled == null) {
            return next;
        }
        boolean ours = REASONS.contains(stalled.getReason());
        if ("True".equals(stalled.getStatus()) && !ours) {
            return next;
        }
        Condition replacement;
        if (reason != null) {
            Condition before =
                    StatusFactory.condition(prev, StatusFactory.STALLED).orElse(null);
            String since = before != null && "True".equals(before.getStatus()) && before.getLastTransitionTime() != null
                    ? before.getLastTransitionTime()
                    : StatusFactory.format(in.now());
            replacement = new ConditionBuilder()
                    .withType(StatusFactory.STALLED)
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .withObservedGeneration(in.generation())
                    .withLastTransitionTime(since)
                    .build();
        } else if (ours) {
            Condition ready = StatusFactory.condition(next, StatusFactory.READY).orElse(null);
            replacement = new ConditionBuilder()
                    .withType(StatusFactory.STALLED)
                    .withStatus("False")
                    .withReason(ready == null ? null : ready.getReason())
                    .withMessage(ready == null ? null : ready.getMessage())
                    .withObservedGeneration(in.generation())
                    .withLastTransitionTime(StatusFactory.format(in.now()))
                    .build();
        } else {
            return next;
        }
        if (replacement.equals(stalled)) {
            return next;
        }
        List<Condition> conditions = new ArrayList<>(next.getConditions());
        conditions.replaceAll(c -> StatusFactory.STALLED.equals(c.getType()) ? replacement : c);
        MultiRegionEndpointStatus s = StatusFactory.copy(next);
        s.setConditions(conditions);
        return s;
    }
}
