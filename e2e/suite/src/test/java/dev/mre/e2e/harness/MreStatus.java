package dev.mre.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What a MultiRegionEndpoint's status says (kubectl's JSON of the object): its conditions, in the suites' words. */
public final class MreStatus {

    private MreStatus() {}

    public static Optional<JsonNode> condition(JsonNode mre, String type) {
        for (JsonNode c : mre.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The condition {@code type} has status True. */
    public static boolean isTrue(JsonNode mre, String type) {
        return condition(mre, type).map(c -> "True".equals(c.path("status").asText())).orElse(false);
    }

    /** Ready=True for the current generation (status.observedGeneration == metadata.generation). */
    public static boolean isReadyAtGeneration(JsonNode mre) {
        long gen = mre.path("metadata").path("generation").asLong(-1);
        return isTrue(mre, "Ready") && mre.path("status").path("observedGeneration").asLong(-2) == gen;
    }

    /** One line for failure messages: generations, SES status, conditions (type=status/reason). */
    public static String describe(JsonNode mre) {
        StringBuilder sb = new StringBuilder();
        sb.append("generation ").append(mre.path("metadata").path("generation").asText())
                .append(", observedGeneration ").append(mre.path("status").path("observedGeneration").asText("-"))
                .append(", endpointStatus ").append(mre.path("status").path("endpointStatus").asText("-"));
        for (JsonNode c : mre.path("status").path("conditions")) {
            sb.append(", ").append(c.path("type").asText()).append('=').append(c.path("status").asText())
                    .append('/').append(c.path("reason").asText());
        }
        return sb.toString();
    }
}
