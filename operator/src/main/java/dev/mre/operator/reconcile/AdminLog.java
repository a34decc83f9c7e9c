package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.aws.SesFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pass tells the administrator's log and never a tenant: the identity a failed call ran as, the RoleSelectors
 * that matched together (a tenant's status names neither the role nor the selectors). Logged under the
 * reconciler's logger, with the object's keys already in the MDC ({@link LogKeys}).
 */
final class AdminLog {

    private static final Logger LOG = LoggerFactory.getLogger(MultiRegionEndpointReconciler.class);

    private AdminLog() {}

    static void problems(MultiRegionEndpoint mre, Decision.Input in, SesFailure failure) {
        if (failure != null) {
            LOG.info(
                    "SES call failed ({} {}) as {}, attempt {}",
                    failure.kind(),
                    failure.errorCode(),
                    in.account().identity(),
                    in.memory().failuresInARow() + 1);
        }
        if (in.account().resolution() instanceof AccountResolver.Ambiguous amb) {
            LOG.info(
                    "several RoleSelectors match namespace {}: {}",
                    mre.getMetadata().getNamespace(),
                    amb.selectors());
        }
    }

    static void released(Plan plan) {
        LOG.info("releasing finalizer: {}", plan.report().message());
    }
}
