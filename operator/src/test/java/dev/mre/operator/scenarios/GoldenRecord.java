package dev.mre.operator.scenarios;

import static org.awaitility.Awaitility.await;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.reconcile.StatusFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * A golden record of what a scenario showed from the outside, so that a change of the reconciler's inside can prove
 * "behaviour unchanged": per object, the sequence of distinct (Ready, Reconciling, Stalled) condition states it went
 * through (the status's observedGeneration, status and reason of each condition; messages only for the reasons listed in {@link #STABLE_MESSAGES}, whose text
 * does not depend on timing) and the sequence of Events recorded for it (type and reason, one line per write:
 * EventRecorder aggregates, so a reason that recurs is a write to the same Event).
 *
 * <p>Both are taken from watches on the API server, so every status write and every Event write is seen, however
 * fast the operator goes. Consecutive equal entries are one entry (a reconciliation that writes the same
 * conditions again is no new state). {@link #collapseCycles()} also folds a block of entries repeated back to back
 * into one (for scenarios that retry on a timer, where the number of rounds depends on timing).
 *
 * <p>{@link #verify(String)} compares with {@code src/test/resources/golden/<name>.txt}; with
 * {@code -Dgolden.update=true} it writes that file instead (then review the diff and commit it).
 */
final class GoldenRecord implements AutoCloseable {

    static final Path DIR = Path.of("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    /** Reasons whose condition message is the same on every run (no durations, no counters, no ids). */
    static final Set<String> STABLE_MESSAGES = Set.of("InvalidSpec", "EndpointNameConflict");

    private static final String DELETED = "(deleted)";

    private final KubernetesClient client;
    private final Map<String, List<String>> conditions = new TreeMap<>();
    private final Map<String, List<String>> events = new TreeMap<>();
    /** Per object: the resourceVersion last seen, or {@link #DELETED}; per Event: the count last seen. */
    private final Map<String, String> seenObjects = new HashMap<>();

    private final Map<String, Integer> seenEvents = new HashMap<>();
    private final List<Watch> watches = new ArrayList<>();
    private boolean collapseCycles;

    GoldenRecord(KubernetesClient client) {
        this.client = client;
        watches.add(client.resources(MultiRegionEndpoint.class).inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, MultiRegionEndpoint m) {
                onObject(action, m);
            }

            @Override
            public void onClose(WatcherException cause) {}
        }));
        watches.add(client.v1().events().inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Event e) {
                onEvent(action, e);
            }

            @Override
            public void onClose(WatcherException cause) {}
        }));
    }

    /** Folds entries repeated back to back in blocks (A B A B A -> A B A) as well as single repeats. */
    GoldenRecord collapseCycles() {
        this.collapseCycles = true;
        return this;
    }

    private synchronized void onObject(Watcher.Action action, MultiRegionEndpoint m) {
        String key = m.getMetadata().getNamespace() + "/" + m.getMetadata().getName();
        if (action == Watcher.Action.DELETED) {
            seenObjects.put(key, DELETED);
            append(conditions, key, DELETED);
            return;
        }
        seenObjects.put(key, m.getMetadata().getResourceVersion());
        String state = state(m);
        if (state != null) {
            append(conditions, key, state);
        }
    }

    private synchronized void onEvent(Watcher.Action action, Event e) {
        if (action == Watcher.Action.DELETED || e.getInvolvedObject() == null) {
            return;
        }
        seenEvents.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), count(e));
        String key = e.getInvolvedObject().getNamespace() + "/"
                + e.getInvolvedObject().getName();
        append(events, key, e.getType() + " " + e.getReason());
    }

    private static int count(Event e) {
        return e.getCount() == null ? 1 : e.getCount();
    }

    private static void append(Map<String, List<String>> into, String key, String entry) {
        List<String> list = into.computeIfAbsent(key, k -> new ArrayList<>());
        if (list.isEmpty() || !list.get(list.size() - 1).equals(entry)) {
            list.add(entry);
        }
    }

    /**
     * {@code gen=1 Ready=True/Available Reconciling=False/Available Stalled=False/Available} (the status's
     * observedGeneration, then status/reason of each condition), or null while the object has no conditions.
     */
    static String state(MultiRegionEndpoint m) {
        if (m.getStatus() == null || m.getStatus().getConditions() == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("gen=" + m.getStatus().getObservedGeneration());
        String message = null;
        for (String type : List.of(StatusFactory.READY, StatusFactory.RECONCILING, StatusFactory.STALLED)) {
            Condition c = StatusFactory.condition(m.getStatus(), type).orElse(null);
            b.append(' ');
            if (c == null) {
                b.append(type).append("=-");
                continue;
            }
            b.append(type).append('=').append(c.getStatus()).append('/').append(c.getReason());
            if ("True".equals(c.getStatus()) && STABLE_MESSAGES.contains(c.getReason())) {
                message = c.getMessage();
            }
        }
        if (message != null) {
            b.append(" message=").append(message.replace('\n', ' '));
        }
        return b.toString();
    }

    /** The record as it will be written: objects sorted by namespace/name, conditions then events. */
    synchronized String render() {
        StringBuilder b = new StringBuilder();
        Set<String> keys = new java.util.TreeSet<>(conditions.keySet());
        keys.addAll(events.keySet());
        for (String key : keys) {
            b.append("object ").append(key).append('\n');
            b.append("  conditions\n");
            for (String s : normalize(conditions.getOrDefault(key, List.of()))) {
                b.append("    ").append(s).append('\n');
            }
            b.append("  events\n");
            for (String s : normalize(events.getOrDefault(key, List.of()))) {
                b.append("    ").append(s).append('\n');
            }
        }
        return b.toString();
    }

    private List<String> normalize(List<String> entries) {
        return collapseCycles ? collapse(entries) : entries;
    }

    /** Removes every block of 1 to 4 entries that immediately repeats the block before it, until none is left. */
    static List<String> collapse(List<String> entries) {
        List<String> out = new ArrayList<>(entries);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int len = 1; len <= 4 && !changed; len++) {
                for (int i = 0; i + 2 * len <= out.size(); i++) {
                    if (out.subList(i, i + len).equals(out.subList(i + len, i + 2 * len))) {
                        out.subList(i + len, i + 2 * len).clear();
                        changed = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Waits until the watches have seen the API server's current state (every object at its current
     * resourceVersion or deleted, every Event at its current count), then compares the record with the golden file
     * {@code name}; in update mode writes it.
     */
    void verify(String name) {
        Path file = DIR.resolve(name + ".txt");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(this::caughtUp);
        if (UPDATE) {
            write(file, header(name) + render());
            return;
        }
        if (!Files.exists(file)) {
            throw new AssertionFailedError("no golden record " + file + ": run with -Dgolden.update=true, review it"
                    + " and commit it; this run recorded:\n" + render());
        }
        String expected = strip(read(file));
        try {
            // a write the operator makes right after the scenario's last step (an Event after its status) may come
            // a moment later; the record only grows, so a wrong entry never turns into a match
            await().atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> expected.equals(render()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String actual = render();
            throw new AssertionFailedError(
                    "the condition/event sequences of " + name + " differ from " + file
                            + " (if the change is intended: -Dgolden.update=true, review, commit)\n"
                            + diff(expected, actual),
                    expected,
                    actual);
        }
    }

    private synchronized boolean caughtUp() {
        Map<String, String> objects =
                client.resources(MultiRegionEndpoint.class).inAnyNamespace().list().getItems().stream()
                        .collect(Collectors.toMap(
                                m -> m.getMetadata().getNamespace() + "/"
                                        + m.getMetadata().getName(),
                                m -> m.getMetadata().getResourceVersion()));
        for (Map.Entry<String, String> seen : seenObjects.entrySet()) {
            if (!objects.containsKey(seen.getKey()) && !DELETED.equals(seen.getValue())) {
                return false;
            }
        }
        for (Map.Entry<String, String> now : objects.entrySet()) {
            if (!Objects.equals(seenObjects.get(now.getKey()), now.getValue())) {
                return false;
            }
        }
        Map<String, Integer> eventCounts = client.v1().events().inAnyNamespace().list().getItems().stream()
                .collect(Collectors.toMap(
                        e -> e.getMetadata().getNamespace() + "/"
                                + e.getMetadata().getName(),
                        GoldenRecord::count,
                        Math::max));
        return eventCounts.entrySet().stream().allMatch(e -> Objects.equals(seenEvents.get(e.getKey()), e.getValue()));
    }

    private static String header(String name) {
        return "# Golden record of the scenario " + name
                + " (GoldenRecord): per object, the distinct condition states\n"
                + "# and the Event writes, in order. Regenerate with -Dgolden.update=true; review the diff.\n";
    }

    private static String strip(String text) {
        return text.lines().filter(l -> !l.startsWith("#")).map(l -> l + "\n").collect(Collectors.joining());
    }

    /** A line diff (longest common subsequence): "  " same, "- " only in the golden file, "+ " only in this run. */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder("--- golden\n+++ this run\n");
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.append("  ").append(a.get(i++)).append('\n');
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.append("+ ").append(b.get(j++)).append('\n');
            } else {
                out.append("- ").append(a.get(i++)).append('\n');
            }
        }
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
    }
}
