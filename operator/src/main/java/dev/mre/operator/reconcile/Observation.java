package dev.mre.operator.reconcile;

import dev.mre.operator.aws.ObservedEndpoint;
import java.util.Map;

/** What the reconciler saw in SES before deciding: nothing, or an endpoint (with its tags when they were read). */
public sealed interface Observation {

    record Absent() implements Observation {}

    /** @param tags null when the tags were not read (they were not needed for this decision) */
    record Present(ObservedEndpoint endpoint, Map<String, String> tags) implements Observation {
        public Present {
            tags = tags == null ? null : Map.copyOf(tags);
        }
    }

    static Observation absent() { return new Absent(); }

    static Observation present(ObservedEndpoint endpoint, Map<String, String> tags) {
        return new Present(endpoint, tags);
    }
}
