package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.Observation;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** The decision's input from the object, its namespace and the RoleSelectors, before SES is asked. Pure. */
final class ObjectInput {

    private ObjectInput() {}

    static Decision.Input of(
            MultiRegionEndpoint mre,
            Namespace namespace,
            Collection<RoleSelector> selectors,
            boolean deleting,
            Memory memory,
            ReconcileSettings settings,
            Instant now,
            Instant started) {
        var ownership = settings.ownership();
        AccountResolver.Resolution resolution = AccountResolver.resolve(
                mre.getMetadata().getNamespace(),
                namespace.getMetadata().getLabels(),
                selectors,
                settings.requireRoleSelector(),
                ownership.clusterId());
        AccountResolver.Account account = new AccountResolver.Account(resolution, null);
        List<String> violations = new java.util.ArrayList<>(
                deleting
                        ? SpecValidator.addressViolations(mre, settings.rules())
                        : SpecValidator.validate(mre, settings.rules()));
        // on deletion too: an invalid handover leaves the endpoint in SES (released, never deleted)
        violations.addAll(SpecValidator.handoverViolations(mre, ownership.clusterId()));
        DesiredEndpoint desired = violations.isEmpty()
                ? DesiredEndpoint.of(
                        mre,
                        account.identity(),
                        settings.rules().defaultRegion(),
                        ownership.clusterId(),
                        namespace.getMetadata().getUid(),
                        settings.rules().retainAllowed(mre.getMetadata().getNamespace()),
                        SpecValidator.handoverCluster(mre))
                : null;
        var annotations = mre.getMetadata().getAnnotations();
        boolean paused = annotations != null && "true".equals(annotations.get(MultiRegionEndpoint.PAUSED_ANNOTATION));
        Long generation = mre.getMetadata().getGeneration();
        return new Decision.Input(
                desired,
                violations,
                account,
                paused,
                deleting,
                Observation.NOT_OBSERVED,
                memory,
                generation == null ? 0 : generation,
                now,
                settings.timing(),
                firstTagSweep(started, mre.getMetadata().getUid(), settings.timing()),
                refreshRequested(mre, annotations));
    }

    /** The refresh annotation carries a value this object has not handled yet. */
    static boolean refreshRequested(MultiRegionEndpoint mre, java.util.Map<String, String> annotations) {
        String requested = annotations == null ? null : annotations.get(MultiRegionEndpoint.REQUESTED_AT_ANNOTATION);
        String handled = mre.getStatus() == null ? null : mre.getStatus().getLastHandledReconcileAt();
        return requested != null && !requested.equals(handled);
    }

    /**
     * When a READY endpoint's tags are first checked for drift after the operator started without knowing them:
     * spread over one tag resync period by the object's UID, so a restart does not read every endpoint's tags at once.
     */
    static Instant firstTagSweep(Instant started, String uid, Timing timing) {
        long period = Math.max(1, timing.tagResync().toMillis());
        return started.plusMillis(Math.floorMod(uid == null ? 0 : uid.hashCode(), period));
    }
}
