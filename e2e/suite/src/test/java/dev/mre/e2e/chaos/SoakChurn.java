package dev.mre.e2e.chaos;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak's churn: one operation per soak.churnEvery, in turn a create (a new name, never reused: a second Create of
 * a name is a failure of the run), a tag edit (the tag {@code rev} of a live object set to a new value by a merge
 * patch of spec.tags) and a delete (of a live object, without waiting), each with kubectl as a user would. The
 * objects picked are seeded. Tracks which objects are live and the {@code rev} each must have in SES at the end.
 */
final class SoakChurn {

    private final SoakSettings settings;
    private final Kubectl kubectl;
    private final long t0;
    private final Random rnd;
    /** live object name -> its last tag revision (0: the tags it was created with). */
    private final Map<String, Integer> live = new LinkedHashMap<>();

    private final Set<String> created = new LinkedHashSet<>();
    private final List<String> failures = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-churn");
        t.setDaemon(true);
        return t;
    });
    private int next;
    private int tick;
    private int creates;
    private int edits;
    private int deletes;
    private int rev;
    private boolean stopped;

    SoakChurn(SoakSettings settings, Kubectl kubectl, long t0) {
        this.settings = settings;
        this.kubectl = kubectl;
        this.t0 = t0;
        this.rnd = new Random(settings.seed());
        for (int i = 0; i < settings.objects(); i++) {
            String name = Mre.numberedName("chaos", i);
            live.put(name, 0);
            created.add(name);
        }
        this.next = settings.objects();
    }

    void start() {
        long every = settings.churnEvery().toMillis();
        ticker.scheduleAtFixedRate(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Stops the churn and waits for an operation in progress to finish. */
    void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        ticker.shutdown();
        try {
            ticker.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        try {
            int op;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                op = tick++ % 3;
            }
            switch (op) {
                case 0 -> create();
                case 1 -> editTags();
                default -> delete();
            }
        } catch (RuntimeException | AssertionError e) {
            synchronized (this) {
                failures.add(e.toString());
            }
            Progress.log("  soak churn: %s", e);
        }
    }

    private void create() {
        String name;
        synchronized (this) {
            name = Mre.numberedName("chaos", next++);
        }
        Mre m = Mre.of(ChaosSettings.NAMESPACE, name).tag("team", "chaos");
        Cmd.Result r = kubectl.runWithStdin(m.yaml(), "apply", "-f", "-");
        if (!r.ok()) {
            throw new AssertionError("create " + name + ": " + r.output());
        }
        synchronized (this) {
            live.put(name, 0);
            created.add(name);
            creates++;
        }
    }

    private void editTags() {
        String name;
        int value;
        synchronized (this) {
            if (live.isEmpty()) {
                return;
            }
            name = pick();
            value = ++rev;
        }
        String patch = "{\"spec\":{\"tags\":[{\"key\":\"team\",\"value\":\"chaos\"},{\"key\":\"rev\",\"value\":\""
                + value + "\"}]}}";
        Cmd.Result r = kubectl.run("patch", "mre", name, "-n", ChaosSettings.NAMESPACE, "--type=merge", "-p", patch);
        if (!r.ok()) {
            throw new AssertionError("tag edit " + name + ": " + r.output());
        }
        synchronized (this) {
            live.put(name, value);
            edits++;
        }
    }

    private void delete() {
        String name;
        synchronized (this) {
            if (live.isEmpty()) {
                return;
            }
            name = pick();
            // from now on it is not live: whatever it does in SES, it must end up gone
            live.remove(name);
        }
        Cmd.Result r = kubectl.run("delete", "mre", name, "-n", ChaosSettings.NAMESPACE, "--wait=false");
        if (!r.ok()) {
            throw new AssertionError("delete " + name + ": " + r.output());
        }
        synchronized (this) {
            deletes++;
        }
    }

    private String pick() {
        List<String> names = new ArrayList<>(live.keySet());
        return names.get(rnd.nextInt(names.size()));
    }

    /** Live objects and the tag revision each must have (0: none). */
    synchronized Map<String, Integer> live() {
        return new LinkedHashMap<>(live);
    }

    synchronized Set<String> created() {
        return new LinkedHashSet<>(created);
    }

    synchronized int creates() {
        return creates;
    }

    synchronized int edits() {
        return edits;
    }

    synchronized int deletes() {
        return deletes;
    }

    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    synchronized String summary() {
        return creates + " creates, " + edits + " tag edits, " + deletes + " deletes, " + live.size() + " objects live"
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed operations");
    }

    long t0() {
        return t0;
    }
}
