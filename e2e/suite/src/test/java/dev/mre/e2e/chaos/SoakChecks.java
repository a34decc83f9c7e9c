package dev.mre.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The soak's end state, checked against the objects that must be live ({@link SoakChurn#live()}): every live object
 * Ready at its generation; in SES exactly one endpoint per live object, READY, owned by it, with its last tags; no
 * endpoint of a name that is not live (an orphan: a deleted object whose endpoint stayed, or a Create nobody owns).
 */
final class SoakChecks {

    private SoakChecks() {}

    /** What is wrong with the end state now: empty when converged. */
    static List<String> problems(Kubectl kubectl, JsonNode state, String nsUid, Map<String, Integer> live) {
        List<String> p = new ArrayList<>();
        p.addAll(objectProblems(kubectl, live));
        p.addAll(endpointProblems(state, nsUid, live));
        return p;
    }

    static List<String> objectProblems(Kubectl kubectl, Map<String, Integer> live) {
        JsonNode list = Json.parse(kubectl.quiet("get", "mre", "-n", ChaosSettings.NAMESPACE, "-o", "json")
                .orThrow()
                .stdout());
        List<String> p = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (JsonNode o : list.path("items")) {
            String name = o.path("metadata").path("name").asText();
            seen.add(name);
            if (!live.containsKey(name)) {
                p.add("object " + name + " still there (deleted by the churn)");
                continue;
            }
            boolean ok = false;
            for (JsonNode c : o.path("status").path("conditions")) {
                if ("Ready".equals(c.path("type").asText())
                        && "True".equals(c.path("status").asText())) {
                    ok = o.path("status").path("observedGeneration").asLong(-1)
                            == o.path("metadata").path("generation").asLong(-2);
                }
            }
            if (!ok) {
                p.add("object " + name + " not Ready at its generation: "
                        + o.path("status").path("conditions"));
            }
        }
        for (String name : live.keySet()) {
            if (!seen.contains(name)) {
                p.add("object " + name + " missing");
            }
        }
        return p;
    }

    static List<String> endpointProblems(JsonNode state, String nsUid, Map<String, Integer> live) {
        List<String> p = new ArrayList<>();
        Map<String, Integer> byName = new TreeMap<>();
        for (JsonNode e : state.path("endpoints")) {
            String name = e.path("endpointName").asText();
            byName.merge(name, 1, Integer::sum);
            Map<String, String> tags = Json.stringMap(e.path("tags"));
            Integer rev = live.get(name);
            if (rev == null) {
                p.add("orphan endpoint " + name + " (" + e.path("status").asText() + ", owner "
                        + tags.get(Ownership.TAG) + ")");
                continue;
            }
            if (!"READY".equals(e.path("status").asText())) {
                p.add("endpoint " + name + " " + e.path("status").asText());
            }
            if (!Ownership.ownedBy(tags, ChaosSettings.CLUSTER_ID, nsUid, name)) {
                p.add("endpoint " + name + " not owned by its object: " + tags.get(Ownership.TAG));
            }
            String want = rev == 0 ? null : Integer.toString(rev);
            if (want == null ? tags.containsKey("rev") : !want.equals(tags.get("rev"))) {
                p.add("endpoint " + name + " tag rev=" + tags.get("rev") + ", object has " + want);
            }
            if (!"chaos".equals(tags.get("team"))) {
                p.add("endpoint " + name + " tag team=" + tags.get("team"));
            }
        }
        for (String name : live.keySet()) {
            int n = byName.getOrDefault(name, 0);
            if (n != 1) {
                p.add(n + " endpoints for " + name);
            }
        }
        return p;
    }

    /** Waits until {@link #problems} is empty; the epoch-ms instant it was, -1 when not within the timeout. */
    static long awaitConverged(
            Kubectl kubectl, Emulator emulator, String nsUid, Map<String, Integer> live, Duration timeout) {
        List<String> last = new ArrayList<>();
        boolean ok = Conditions.within(
                "soak: every live object Ready with its endpoint and tags, no orphan",
                timeout,
                Duration.ofSeconds(3),
                () -> {
                    List<String> p = problems(kubectl, emulator.state(), nsUid, live);
                    synchronized (last) {
                        last.clear();
                        last.addAll(p);
                    }
                    return p.isEmpty();
                },
                () -> {
                    synchronized (last) {
                        return last.size() + " problems, e.g. " + last.subList(0, Math.min(5, last.size()));
                    }
                });
        long at = System.currentTimeMillis();
        if (ok) {
            Progress.log("  converged: %d live objects", live.size());
        }
        return ok ? at : -1;
    }

    /** The end state as checks (after {@link #awaitConverged}). */
    static void endState(Invariants inv, Kubectl kubectl, JsonNode state, String nsUid, Map<String, Integer> live) {
        List<String> objects = objectProblems(kubectl, live);
        inv.add(
                "every live object Ready at its generation, every deleted one gone (kubectl get)",
                live.size() + " live objects, all Ready",
                objects.isEmpty()
                        ? live.size() + " live objects, all Ready"
                        : objects.size() + " problems: " + objects.subList(0, Math.min(5, objects.size())),
                objects.isEmpty());
        List<String> endpoints = endpointProblems(state, nsUid, live);
        List<String> orphans =
                endpoints.stream().filter(x -> x.startsWith("orphan")).toList();
        List<String> other =
                endpoints.stream().filter(x -> !x.startsWith("orphan")).toList();
        inv.add(
                "exactly one endpoint per live object, READY, owned, with the object's last tags (emulator state)",
                live.size() + " endpoints",
                other.isEmpty()
                        ? state.path("endpoints").size() + " endpoints, all as declared"
                        : other.size() + " problems: " + other.subList(0, Math.min(5, other.size())),
                other.isEmpty());
        inv.add(
                "orphan endpoints (no live object of that name)",
                "0",
                orphans.isEmpty() ? "0" : orphans.size() + ": " + orphans.subList(0, Math.min(5, orphans.size())),
                orphans.isEmpty());
    }

    /** Once every object is gone, SES may still show endpoints DELETING for its delete delay. */
    static void awaitNoEndpoints(Emulator emulator, Duration timeout) {
        Conditions.within(
                "no endpoint left in SES",
                timeout,
                Duration.ofSeconds(1),
                () -> emulator.state().path("endpoints").isEmpty(),
                () -> emulator.state().path("endpoints").size() + " endpoints");
    }

    /**
     * No name was created in SES without an object of that name; a name may never have been created when the churn
     * deleted its object before the operator got to it (counted, not a failure).
     */
    static void namesCreated(Invariants inv, List<Emulator.Call> log, Set<String> created, boolean complete) {
        Set<String> inSes = new TreeSet<>();
        for (Emulator.Call c : log) {
            if (c.is("CreateMultiRegionEndpoint", "200") || c.is("CreateMultiRegionEndpoint", "ResponseDropped")) {
                inSes.add(c.endpointName());
            }
        }
        Set<String> missing = new TreeSet<>(created);
        missing.removeAll(inSes);
        Set<String> extra = new TreeSet<>(inSes);
        extra.removeAll(created);
        inv.add(
                "names created in SES = objects created (initial + churn)" + (complete ? "" : " (call log incomplete)"),
                created.size() + " names",
                inSes.size() + " names"
                        + (missing.isEmpty()
                                ? ""
                                : ", " + missing.size() + " never created (deleted before their Create, e.g. "
                                        + limit(missing) + ")")
                        + (extra.isEmpty() ? "" : ", created without an object: " + limit(extra)),
                extra.isEmpty());
    }

    private static List<String> limit(Set<String> s) {
        return s.stream().limit(5).toList();
    }
}
