package dev.mre.operator.reconcile;

import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.SesEndpoints;
import dev.mre.operator.aws.SesFailure;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The I/O half of observation: the account (STS; for a role the first AssumeRole, so a refused one stops before any
 * SES call) and SES's view of the endpoint, each only when {@link FetchRules} says the decision needs it. A failure
 * becomes the observation ({@link Observation.Failed}), which the decision maps like any other.
 */
final class ObserveStep {

    private ObserveStep() {}

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
}
