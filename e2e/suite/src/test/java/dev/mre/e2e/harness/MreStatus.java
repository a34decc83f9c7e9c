package dev.mre.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a MultiRegionEndpoint's status says (kubectl's JSON of the object): its conditions, in the suites' words;
 * and waiting, with kubectl, until an object says it.
 */
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
        return condition(mre, type)
                .map(c -> "True".equals(c.path("status").asText()))
                .orElse(false);
    }

    /** Ready=True for the current generation (status.observedGeneration == metadata.generation). */
    public static boolean isReadyAtGeneration(JsonNode mre) {
        long gen = mre.path("metadata").path("generation").asLong(-1);
        return isTrue(mre, "Ready")
                && mre.path("status").path("observedGeneration").asLong(-2) == gen;
    }

    /** One line for failure messages: generations, SES status, conditions (type=status/reason). */
    public static String describe(JsonNode mre) {
        StringBuilder sb = new StringBuilder();
        sb.append("generation ")
                .append(mre.path("metadata").path("generation").asText())
                .append(", observedGeneration ")
                .append(mre.path("status").path("observedGeneration").asText("-"))
                .append(", endpointStatus ")
                .append(mre.path("status").path("endpointStatus").asText("-"));
        for (JsonNode c : mre.path("status").path("conditions")) {
            sb.append(", ")
                    .append(c.path("type").asText())
                    .append('=')
                    .append(c.path("status").asText())
                    .append('/')
                    .append(c.path("reason").asText());
        }
        return sb.toString();
    }

    /** The object as {@code kubectl get -o json} shows it, if it exists. */
    public static Optional<JsonNode> get(Kubectl kubectl, String ns, String name) {
        return kubectl.getJson("mre", name, "-n", ns);
    }

    /** Waits until the object is Ready for its current generation; returns it. */
    public static JsonNode awaitReady(Kubectl kubectl, String ns, String name, Duration timeout) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Conditions.await(
                "mre " + ns + "/" + name + " Ready at its generation",
                timeout,
                () -> {
                    Optional<JsonNode> m = get(kubectl, ns, name);
                    m.ifPresent(last::set);
                    return m.map(MreStatus::isReadyAtGeneration).orElse(false);
                },
                () -> last.get() == null ? "object not found" : describe(last.get()));
        return last.get();
    }

    /** Waits until every MultiRegionEndpoint of the namespace is Ready for its generation (and there is one). */
    public static void awaitAllReady(Kubectl kubectl, String ns, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("nothing listed yet");
        Conditions.await(
                "every mre in " + ns + " Ready at its generation",
                timeout,
                () -> {
                    Optional<JsonNode> list = kubectl.getJson("mre", "-n", ns);
                    if (list.isEmpty()) {
                        return false;
                    }
                    List<JsonNode> items = new ArrayList<>();
                    list.get().path("items").forEach(items::add);
                    List<String> notReady = items.stream()
                            .filter(m -> !isReadyAtGeneration(m))
                            .map(m -> m.path("metadata").path("name").asText() + " (" + describe(m) + ")")
                            .toList();
                    last.set(items.size() + " objects, not Ready: " + notReady);
                    return !items.isEmpty() && notReady.isEmpty();
                },
                last::get);
    }

    /** Waits until {@code kubectl get} answers NotFound. */
    public static void awaitGone(Kubectl kubectl, String ns, String name, Duration timeout) {
        Conditions.await(
                "mre " + ns + "/" + name + " gone",
                timeout,
                () -> get(kubectl, ns, name).isEmpty(),
                () -> get(kubectl, ns, name).map(MreStatus::describe).orElse("gone"));
    }
}
