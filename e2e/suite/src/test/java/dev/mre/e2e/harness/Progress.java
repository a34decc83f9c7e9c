package dev.mre.e2e.harness;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress lines on the console, prefixed with the time since the suite started:
 * which step runs, every command (exit code, duration, first lines of output), and a summary at the end.
 */
public final class Progress {

    private static final long START = System.nanoTime();
    private static final PrintStream OUT = System.out;
    private static final int MAX_OUTPUT_LINES = 8;

    /** One finished test for the summary. */
    public record Outcome(String area, String test, String status, Duration took, String failure) {}

    private static final List<Outcome> OUTCOMES = new ArrayList<>();
    private static final List<String[]> TIMINGS = new ArrayList<>();

    private Progress() {}

    public static Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - START);
    }

    private static String stamp() {
        long ms = sinceStart().toMillis();
        return String.format("[e2e %4d.%01ds]", ms / 1000, (ms % 1000) / 100);
    }

    public static synchronized void log(String fmt, Object... args) {
        OUT.println(stamp() + " " + (args.length == 0 ? fmt : String.format(fmt, args)));
        OUT.flush();
    }

    /** Code of a step; may throw anything (assertion errors, IO). */
    @FunctionalInterface
    public interface StepBody<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    public interface VoidStepBody {
        void run() throws Exception;
    }

    /** A named step: "▶ name" now, then "✔ name (1.2 s)" or "✘ name (1.2 s): error". */
    public static <T> T value(String name, StepBody<T> body) {
        log("▶ %s", name);
        long t0 = System.nanoTime();
        try {
            T result = body.run();
            log("✔ %s (%.1f s)", name, (System.nanoTime() - t0) / 1e9);
            return result;
        } catch (Throwable e) {
            log(
                    "✘ %s (%.1f s): %s",
                    name,
                    (System.nanoTime() - t0) / 1e9,
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
            sneakyThrow(e);
            return null;
        }
    }

    public static void step(String name, VoidStepBody body) {
        Progress.<Void>value(name, () -> {
            body.run();
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    /** Echoes a command with its outcome. */
    public static void command(Cmd.Result r) {
        String cmd = r.commandLine();
        // kubectl/helm binaries with long absolute paths: show the tool name only
        int sp = cmd.indexOf(' ');
        String head = sp < 0 ? cmd : cmd.substring(0, sp);
        cmd = head.substring(head.lastIndexOf('/') + 1) + (sp < 0 ? "" : cmd.substring(sp));
        StringBuilder sb = new StringBuilder();
        sb.append("  $ ")
                .append(cmd)
                .append("  → exit ")
                .append(r.exitCode())
                .append(" (")
                .append(r.took().toMillis())
                .append(" ms)");
        String out = r.output();
        if (!out.isEmpty()) {
            String[] lines = out.split("\n");
            for (int i = 0; i < Math.min(lines.length, MAX_OUTPUT_LINES); i++) {
                String l = lines[i];
                sb.append("\n      ").append(l.length() > 220 ? l.substring(0, 220) + "…" : l);
            }
            if (lines.length > MAX_OUTPUT_LINES) {
                sb.append("\n      … (").append(lines.length - MAX_OUTPUT_LINES).append(" more lines)");
            }
        }
        log("%s", sb);
    }

    public static synchronized void record(Outcome o) {
        OUTCOMES.add(o);
    }

    /** A measured figure for the summary (e.g. "operator recovered after kill -9"). */
    public static synchronized void timing(String what, Duration took) {
        TIMINGS.add(new String[] {what, String.format("%.1f s", took.toMillis() / 1000.0)});
        log("⏱ %s: %.1f s", what, took.toMillis() / 1000.0);
    }

    public static synchronized void summary() {
        long passed = OUTCOMES.stream().filter(o -> o.status().equals("PASSED")).count();
        long failed = OUTCOMES.stream().filter(o -> o.status().equals("FAILED")).count();
        long other = OUTCOMES.size() - passed - failed;
        StringBuilder sb = new StringBuilder();
        sb.append("\n================ e2e summary ================\n");
        String area = null;
        for (Outcome o : OUTCOMES) {
            if (!o.area().equals(area)) {
                area = o.area();
                sb.append(area).append('\n');
            }
            sb.append(String.format("  %-7s %6.1f s  %s%n", o.status(), o.took().toMillis() / 1000.0, o.test()));
            if (o.failure() != null) {
                sb.append("          ")
                        .append(o.failure().lines().findFirst().orElse(""))
                        .append('\n');
            }
        }
        if (!TIMINGS.isEmpty()) {
            sb.append("figures\n");
            for (String[] t : TIMINGS) {
                sb.append(String.format("  %-60s %s%n", t[0], t[1]));
            }
        }
        sb.append(String.format(
                "tests: %d passed, %d failed, %d skipped/aborted; suite wall time %.1f s%n",
                passed, failed, other, sinceStart().toMillis() / 1000.0));
        sb.append("=============================================");
        OUT.println(sb);
        OUT.flush();
    }
}
