package dev.mre.operator.reconcile;

import dev.mre.operator.aws.ObservedEndpoint;
import java.time.Instant;
import java.util.Map;

/** What the reconciler knows of SES before deciding: nothing asked, no endpoint, or an endpoint (and maybe its tags). */
public sealed interface Observation {

    /** SES was not asked (invalid spec, Retain on deletion). */
    record NotObserved() implements Observation {}

    record Absent() implements Observation {}

    /** @param tags the endpoint's tags when known, null when not */
    record Present(ObservedEndpoint endpoint, KnownTags tags) implements Observation {
        Present withTags(KnownTags t) {
            return new Present(endpoint, t);
        }
    }

    /**
     * An endpoint's tags as the operator knows them.
     *
     * @param asOf when they were read from SES or written by the operator itself
     * @param fresh read from SES during this reconciliation: the only knowledge that may justify a Delete,
     *              TagResource or UntagResource; otherwise remembered from the operator's own Create, tag write or
     *              an earlier read of the same endpoint id (never from the object's status)
     */
    record KnownTags(Map<String, String> tags, Instant asOf, boolean fresh) {
        public KnownTags {
            tags = Map.copyOf(tags);
        }
    }

    Observation NOT_OBSERVED = new NotObserved();
    Observation ABSENT = new Absent();

    static Observation present(ObservedEndpoint endpoint, KnownTags tags) {
        return new Present(endpoint, tags);
    }
}
