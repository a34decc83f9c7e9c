package dev.mre.operator.reconcile;

import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.Observation.Failed;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.reconcile.Plan.Track;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two steps of a pass that talk to AWS, on either side of the pure decision, in the shape of an external-resource
 * client (crossplane's Observe, then one Create, Update or Delete):
 *
 * <ul>
 *   <li>{@link #observe}: the account (STS; for a role the first AssumeRole, so a refused one stops before any SES
 *       call) and SES's view of the endpoint, each only when {@link FetchRules} says the decision needs it. A failure
 *       becomes the observation ({@link Observation.Failed}), which the decision maps like any other.</li>
 *   <li>{@link #act}: the plan's one SES change through {@link SesEndpoints}, and what the status should show of it;
 *       a failed call (or a failed observation, when the plan makes no call) is part of what it answers.</li>
 * </ul>
 */
final class SesStep {

    private static final Logger LOG = LoggerFactory.getLogger(SesStep.class);

    /**
     * @param facts the endpoint fields the status should show (null: keep them)
     * @param taken Create found the name taken: the next pass decides on what it found
     * @param plan the plan to report: the one applied, or after a failed call {@link Failures}'s
     * @param failure the failed call, or null
     */
    record Done(EndpointFacts facts, boolean taken, Plan plan, SesFailure failure) {}

    /** Never throws for a failed SES call: the failure and its plan are in the result. */
    static Done act(SesEndpoints endpoints, ResourceID id, Decision.Input in, Plan plan) {
        try {
            return change(endpoints, id, in, plan);
        } catch (SesFailure f) {
            return new Done(null, false, Failures.plan(f, in.memory().failuresInARow() + 1, in), f);
        }
    }

    private static Done change(SesEndpoints endpoints, ResourceID id, Decision.Input in, Plan plan) {
        SesFailure observed = in.seen() instanceof Failed f ? f.failure() : null;
        DesiredEndpoint d = in.desired();
        Present seen = in.seen() instanceof Present p ? p : null;
        switch (plan.action()) {
            case CREATE -> {
                if (endpoints.create(id, d) instanceof SesEndpoints.Made made) {
                    LOG.info(
                            "created endpoint {} ({})",
                            d.name(),
                            made.endpoint().endpointId());
                    return new Done(EndpointFacts.of(made.endpoint(), endpoints.arn(d)), false, plan, observed);
                }
                return new Done(null, true, plan, observed);
            }
            case DELETE -> {
                EndpointStatus status = endpoints.delete(id, d, seen);
                LOG.info(
                        "deleting endpoint {} ({}): {}",
                        d.name(),
                        seen.endpoint().endpointId(),
                        status);
                return new Done(
                        EndpointFacts.of(seen.endpoint().withStatus(status), endpoints.arn(d)), false, plan, observed);
            }
            case UPDATE_TAGS -> {
                endpoints.updateTags(d, seen);
                LOG.info(
                        "tags of {} synced: set {}, removed {}",
                        d.name(),
                        seen.tagChanges().add().keySet(),
                        seen.tagChanges().remove());
            }
            case NONE, RELEASE -> {}
        }
        boolean showsIt = plan.report() != null && plan.report().track() == Track.OBSERVED && seen != null;
        return new Done(showsIt ? EndpointFacts.of(seen.endpoint(), endpoints.arn(d)) : null, false, plan, observed);
    }

    static Decision.Input observe(SesEndpoints endpoints, Decision.Input in, ResourceID id) {
        try {
            if (FetchRules.wantsAccount(in)) {
                in = in.withAccount(
                        in.account().withId(endpoints.account(in.account().identity())));
            }
        } catch (SesFailure f) {
            return in.seeing(new Observation.Failed(f));
        }
        if (!FetchRules.wantsSes(in)) {
            return in;
        }
        Decision.Input asked = in;
        return in.seeing(endpoints.observe(
                id, in.account().id(), in.desired(), FetchRules.lookup(in), p -> FetchRules.wantsProof(asked, p)));
    }

    private SesStep() {}
}
