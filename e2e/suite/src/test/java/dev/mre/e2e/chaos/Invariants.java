package dev.mre.e2e.chaos;

import static dev.mre.e2e.perf.support.Stats.f;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.perf.support.LeaseWatch;
import dev.mre.e2e.perf.support.MreWatch;
import dev.mre.e2e.perf.support.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What must hold after a chaos run, each checked into a {@link Check} (expected, found) that the report prints: every
 * object Ready, exactly one endpoint per object, never a second Create of a name, no SES call by a standby, no two
 * replicas active at once, takeover within the Lease protocol's bound, nothing left after deleting everything.
 */
final class Invariants {

    /** One invariant: what was expected, what was found. */
    record Check(String name, String expected, String actual, boolean ok) {}

    /** fabric8's leader election retries every 2 s × (1 + 1.2 × random). */
    static final double RETRY_PERIOD_SECONDS = 2.0;

    private final ChaosSettings settings;
    private final List<Check> checks = new ArrayList<>();

    Invariants(ChaosSettings settings) {
        this.settings = settings;
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    List<String> failures() {
        return checks.stream()
                .filter(c -> !c.ok())
                .map(c -> c.name() + ": expected " + c.expected() + ", found " + c.actual())
                .toList();
    }

    void add(String name, String expected, String actual, boolean ok) {
        checks.add(new Check(name, expected, actual, ok));
    }

    // ---- after the create phase --------------------------------------------------------------------------------

    void everyObjectReady(MreWatch watch, long allReadyMs, Duration timeout) {
        int n = settings.objects();
        add(
                "every object Ready (watch)",
                n + "/" + n,
                watch.readyCount() + "/" + watch.size()
                        + (allReadyMs < 0
                                ? " after " + timeout + ": not Ready by reason " + watch.notReadyReasons()
                                : ""),
                allReadyMs >= 0);
    }

    void everyObjectReadyAtItsGeneration(Kubectl kubectl) {
        int n = settings.objects();
        JsonNode list = Json.parse(kubectl.quiet("get", "mre", "-n", ChaosSettings.NAMESPACE, "-o", "json")
                .orThrow()
                .stdout());
        int ready = 0;
        List<String> notReady = new ArrayList<>();
        for (JsonNode o : list.path("items")) {
            boolean ok = false;
            for (JsonNode c : o.path("status").path("conditions")) {
                if ("Ready".equals(c.path("type").asText())
                        && "True".equals(c.path("status").asText())) {
                    ok = o.path("status").path("observedGeneration").asLong(-1)
                            == o.path("metadata").path("generation").asLong(-2);
                }
            }
            if (ok) {
                ready++;
            } else if (notReady.size() < 5) {
                notReady.add(o.path("metadata").path("name").asText() + " "
                        + o.path("status").path("conditions"));
            }
        }
        add(
                "every object Ready at its generation (kubectl get)",
                n + " of " + n,
                ready + " of " + list.path("items").size() + (notReady.isEmpty() ? "" : "; e.g. " + notReady),
                ready == n && list.path("items").size() == n);
    }

    void oneEndpointPerObject(JsonNode state, String namespaceUid) {
        int n = settings.objects();
        Map<String, Integer> byName = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (JsonNode e : state.path("endpoints")) {
            String name = e.path("endpointName").asText();
            byName.merge(name, 1, Integer::sum);
            Map<String, String> tags = Json.stringMap(e.path("tags"));
            if (!"READY".equals(e.path("status").asText())
                    || !Ownership.ownedBy(tags, ChaosSettings.CLUSTER_ID, namespaceUid, name)
                    || !"[\"us-east-1\",\"eu-west-1\"]".equals(e.path("regions").toString())) {
                wrong.add(name + " " + e.path("status").asText() + " owner " + tags.get(Ownership.TAG) + " "
                        + e.path("regions"));
            }
        }
        int exactlyOne = 0;
        for (int i = 0; i < n; i++) {
            if (byName.getOrDefault(Mre.numberedName("chaos", i), 0) == 1) {
                exactlyOne++;
            }
        }
        int total = state.path("endpoints").size();
        add(
                "exactly one endpoint per object (emulator state)",
                n + " objects with one endpoint each, " + n + " endpoints in all",
                exactlyOne + " objects with exactly one, " + total + " endpoints in all",
                exactlyOne == n && total == n);
        add(
                "endpoints READY, owned by their object, regions as declared",
                "all",
                wrong.isEmpty() ? "all" : wrong.size() + " not: " + wrong.subList(0, Math.min(5, wrong.size())),
                wrong.isEmpty());
    }

    // ---- after the delete phase --------------------------------------------------------------------------------

    void nothingLeft(Kubectl kubectl, JsonNode state) {
        String left = kubectl.quiet("get", "mre", "-n", ChaosSettings.NAMESPACE, "--no-headers")
                .stdout()
                .strip();
        long objectsLeft = left.isEmpty() ? 0 : left.lines().count();
        long endpointsLeft = state.path("endpoints").size();
        add("objects left after deleting all", "0", Long.toString(objectsLeft), objectsLeft == 0);
        add(
                "endpoints left in SES after deleting all",
                "0",
                endpointsLeft + (endpointsLeft == 0 ? "" : ": " + state.path("endpoints")),
                endpointsLeft == 0);
    }

    void takeoverHappened(Disruptions.NoTakeover e) {
        add(
                "a standby takes over after the leader's SIGKILL",
                "a new Lease holder within " + Disruptions.TAKEOVER_LIMIT.toSeconds() + " s",
                "none: " + e.getMessage(),
                false);
    }

    void replicasRunningAtTheEnd(Replicas replicas) {
        replicas.current()
                .forEach((slot, inc) -> add(
                        "replica " + slot + " running at the end",
                        "alive",
                        inc.op.isAlive() ? "alive (" + inc.pod + ")" : "exited " + inc.op.exitCode(),
                        inc.op.isAlive()));
    }

    // ---- over the whole run, from the emulator's call log ------------------------------------------------------

    /** Creates that took effect (answered 200, or done and the answer lost): at most one per name, over the run. */
    void atMostOneCreatePerName(List<Emulator.Call> log, boolean complete) {
        Map<String, Integer> effective = new TreeMap<>();
        int lostAnswers = 0;
        for (Emulator.Call c : log) {
            if (c.is("CreateMultiRegionEndpoint", "200") || c.is("CreateMultiRegionEndpoint", "ResponseDropped")) {
                effective.merge(c.endpointName(), 1, Integer::sum);
                if ("ResponseDropped".equals(c.outcome())) {
                    lostAnswers++;
                }
            }
        }
        Map<String, Integer> twice = new TreeMap<>(effective);
        twice.values().removeIf(v -> v <= 1);
        add(
                "Creates that took effect per endpoint name over the whole run (double create)",
                "≤ 1 for every name",
                twice.isEmpty()
                        ? "≤ 1 for every name (" + effective.size() + " names created, " + lostAnswers
                                + " of them with the answer lost)"
                        : "more than once: " + twice,
                twice.isEmpty());
        if (complete) {
            add(
                    "names created",
                    Integer.toString(settings.objects()),
                    Integer.toString(effective.size()),
                    effective.size() == settings.objects());
        }
    }

    /** No replica calls SES before it holds the Lease, and no two replicas' SES activity overlaps in time. */
    void oneActiveReplica(
            List<Emulator.Call> log, List<Replicas.Incarnation> incarnations, List<LeaseWatch.Holder> holders) {
        Map<String, List<Emulator.Call>> byKey = callsByAccessKey(log);
        Map<String, LeaseWatch.Holder> holderByPod = new HashMap<>();
        holders.forEach(h -> holderByPod.put(h.identity(), h));
        List<String> standbyCalls = new ArrayList<>();
        List<long[]> activity = new ArrayList<>();
        List<String> activityOwner = new ArrayList<>();
        for (Replicas.Incarnation inc : incarnations) {
            List<Emulator.Call> mine = byKey.getOrDefault(inc.accessKey, List.of());
            LeaseWatch.Holder h = holderByPod.get(inc.pod);
            Instant acquired = h == null ? null : h.acquired();
            long before = mine.stream()
                    .filter(c -> acquired == null || c.instant().isBefore(acquired))
                    .count();
            if (before > 0) {
                standbyCalls.add(inc.pod + ": " + before + " SES calls "
                        + (acquired == null
                                ? "without ever holding the Lease"
                                : "before acquiring the Lease at " + acquired));
            }
            if (!mine.isEmpty()) {
                activity.add(new long[] {
                    mine.get(0).instant().toEpochMilli(),
                    mine.get(mine.size() - 1).instant().toEpochMilli()
                });
                activityOwner.add(inc.pod);
            }
        }
        add(
                "SES calls by a replica before it held the Lease (standby)",
                "0",
                standbyCalls.isEmpty() ? "0" : String.join("; ", standbyCalls),
                standbyCalls.isEmpty());
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < activity.size(); i++) {
            for (int j = i + 1; j < activity.size(); j++) {
                long[] a = activity.get(i);
                long[] b = activity.get(j);
                if (a[0] <= b[1] && b[0] <= a[1]) {
                    overlaps.add(activityOwner.get(i) + " and " + activityOwner.get(j));
                }
            }
        }
        add(
                "replicas whose SES activity overlaps in time (two actors at once)",
                "none",
                overlaps.isEmpty() ? "none" : String.join("; ", overlaps),
                overlaps.isEmpty());
        long unknownKey = log.stream()
                .filter(c -> c.accessKeyId() == null || !c.accessKeyId().startsWith("AKIDCHAOS"))
                .count();
        add("SES calls signed by no replica key", "0", Long.toString(unknownKey), unknownKey == 0);
    }

    /** Takeover after each kill within the lease duration plus one jittered retry period (+ 1 s for scheduling). */
    void takeoverWithinTheLeaseBound(List<Disruptions.Event> events, int leaseDuration) {
        double bound = takeoverBound(leaseDuration);
        List<Double> takeovers = takeovers(events);
        long withinLd = takeovers.stream().filter(t -> t <= leaseDuration).count();
        boolean allTook =
                takeovers.size() == settings.kills() && takeovers.stream().noneMatch(t -> t.isNaN() || t > bound);
        add(
                "takeover after each leader SIGKILL (Lease acquire time - kill time)",
                "≤ lease " + leaseDuration + " s + one jittered retry period (≤ " + f(RETRY_PERIOD_SECONDS * 2.2, 1)
                        + " s) + 1 s = " + f(bound, 1) + " s",
                takeovers.stream().map(t -> f(t, 1)).toList() + " s; max " + f(Stats.max(takeovers), 1) + " s; "
                        + withinLd + "/" + takeovers.size() + " within the lease duration",
                allTook);
    }

    static double takeoverBound(int leaseDuration) {
        return leaseDuration + RETRY_PERIOD_SECONDS * 2.2 + 1.0;
    }

    static List<Double> takeovers(List<Disruptions.Event> events) {
        return events.stream()
                .filter(e -> e.kind().equals("SIGKILL leader"))
                .map(Disruptions.Event::takeoverSeconds)
                .toList();
    }

    static Map<String, List<Emulator.Call>> callsByAccessKey(List<Emulator.Call> log) {
        Map<String, List<Emulator.Call>> byKey = new HashMap<>();
        for (Emulator.Call c : log) {
            byKey.computeIfAbsent(c.accessKeyId(), k -> new ArrayList<>()).add(c);
        }
        return byKey;
    }
}
