package dev.mre.e2e.chaos;

import static dev.mre.e2e.perf.support.Stats.f;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.GeneratedDoc;
import dev.mre.e2e.perf.support.Machine;
import dev.mre.e2e.perf.support.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's record: a Markdown section in soak.doc (between GENERATED markers), the figures as JSON in soak.json,
 * the memory plot (PNG, gnuplot) next to the doc, and the raw samples in the work folder.
 */
final class SoakReport {

    private final SoakSettings settings;
    private final Instant startedAt = Instant.now();
    private final String loadBefore = Machine.loadAverage();
    String controlPlane = "?";
    String aborted;
    double firstReadySeconds = Double.NaN;
    double finalConvergeSeconds = Double.NaN;
    double deleteSeconds = Double.NaN;
    long churnStart;
    long churnEnd;
    Emulator.Counters countersAtChurnStart;
    Emulator.Counters countersAtChurnEnd;
    List<Replicas.Incarnation> replicas = List.of();

    SoakReport(SoakSettings settings) {
        this.settings = settings;
    }

    void write(
            ChaosSetup.Record record,
            Disruptions disruptions,
            Invariants invariants,
            SoakMemory memory,
            SoakMemory.Growth growth,
            SoakChurn churn)
            throws IOException {
        Path repo = Repo.root();
        int n = settings.objects();
        long t0 = churn.t0();
        List<Disruptions.Event> events = disruptions.events();
        Path png = settings.doc().toAbsolutePath().getParent().resolve(pngName());
        String plotError = memory.plot(png, events, settings.maxGrowth());
        invariants.add(
                "memory plot drawn (gnuplot)",
                png.getFileName().toString(),
                plotError == null ? png.getFileName().toString() : "not drawn: " + plotError,
                plotError == null);
        List<String> churnFailures = churn.failures();
        invariants.add(
                "churn operations that kubectl refused",
                "0",
                churnFailures.isEmpty()
                        ? "0"
                        : churnFailures.size() + ": " + churnFailures.subList(0, Math.min(3, churnFailures.size())),
                churnFailures.isEmpty());

        // ---- SES calls per endpoint per hour: during the churn (counters) and by slice (call log) ----
        double churnHours = (churnEnd - churnStart) / 3_600_000.0;
        Emulator.Counters during = countersAtChurnEnd == null || countersAtChurnStart == null
                ? null
                : countersAtChurnEnd.minus(countersAtChurnStart);
        double perEndpointHour =
                during == null || churnHours <= 0 ? Double.NaN : during.total() / (double) n / churnHours;
        Map<String, String> byOperation = new TreeMap<>();
        if (during != null && churnHours > 0) {
            during.byOperation()
                    .forEach((op, outcomes) -> byOperation.put(
                            op,
                            f(
                                            outcomes.values().stream()
                                                            .mapToLong(Long::longValue)
                                                            .sum()
                                                    / (double) n
                                                    / churnHours,
                                            2) + " " + outcomes));
        }
        List<Map<String, Object>> slices = new ArrayList<>();
        long slice = settings.duration().toMillis() / 6;
        for (int i = 0; i < 6; i++) {
            long a = t0 + i * slice;
            long b = a + slice;
            long calls = record.log().stream()
                    .filter(c -> {
                        long t = c.instant().toEpochMilli();
                        return t >= a && t < b;
                    })
                    .count();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fromMinute", f(i * slice / 60000.0, 1));
            m.put("toMinute", f((i + 1) * slice / 60000.0, 1));
            m.put("calls", calls);
            m.put("callsPerEndpointPerHour", f(calls / (double) n / (slice / 3_600_000.0), 2));
            slices.add(m);
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("variant", settings.variant());
        figures.put("commit", Machine.operatorCommit(settings.work().resolveSibling("jars"), repo));
        figures.put("startedAt", startedAt.toString());
        figures.put("loadBefore", loadBefore);
        figures.put("loadAfter", Machine.loadAverage());
        figures.put("objects", n);
        figures.put("durationMinutes", settings.duration().toSeconds() / 60.0);
        figures.put("churnEverySeconds", settings.churnEvery().toMillis() / 1000.0);
        figures.put("killEveryMinutes", settings.killEvery().toSeconds() / 60.0);
        figures.put("maxCallRate", settings.rate());
        figures.put("faults", settings.chaos().faults());
        figures.put("aborted", aborted);
        figures.put("firstObjectsReadySeconds", firstReadySeconds);
        figures.put(
                "churn",
                Map.of(
                        "creates",
                        churn.creates(),
                        "tagEdits",
                        churn.edits(),
                        "deletes",
                        churn.deletes(),
                        "liveAtEnd",
                        churn.live().size()));
        figures.put("finalConvergeSeconds", finalConvergeSeconds);
        figures.put("deleteAllSeconds", deleteSeconds);
        figures.put(
                "leaderKills",
                events.stream().filter(e -> e.kind().equals("SIGKILL leader")).count());
        figures.put("takeoverSeconds", Invariants.takeovers(events));
        figures.put("sesCallsPerEndpointPerHourDuringChurn", perEndpointHour);
        figures.put("sesCallsPerEndpointPerHourByOperation", byOperation);
        figures.put("sesCallsBySlice", slices);
        figures.put("sesOutcomesDuringChurn", during == null ? Map.of() : during.byOutcome());
        figures.put(
                "rssGrowth",
                Map.of(
                        "ratio", growth.ratio(),
                        "baselineMiB", growth.baselineMiB(),
                        "finalMiB", growth.finalMiB(),
                        "maxWindowMiB", growth.maxWindowMiB(),
                        "pass", growth.ok(settings.maxGrowth()),
                        "rule",
                                "median leader RSS of the last "
                                        + settings.window().toSeconds() + " s against that of the "
                                        + settings.window().toSeconds() + " s after the warm-up of "
                                        + settings.warmup().toSeconds()
                                        + " s, "
                                        + settings.settleAfterTakeover().toSeconds() + " s after each kill left out; < "
                                        + Math.round(settings.maxGrowth() * 100) + " %"));
        List<Double> rss = memory.samples().stream()
                .filter(SoakMemory.Sample::leader)
                .map(SoakMemory.Sample::rssMiB)
                .toList();
        List<Double> liveHeap =
                memory.live().stream().map(SoakMemory.LiveSample::liveMiB).toList();
        figures.put("leaderRssMiB", Map.of("min", Stats.min(rss), "median", Stats.median(rss), "max", Stats.max(rss)));
        figures.put(
                "leaderLiveHeapMiB",
                liveHeap.isEmpty()
                        ? Map.of()
                        : Map.of(
                                "first",
                                liveHeap.get(0),
                                "last",
                                liveHeap.get(liveHeap.size() - 1),
                                "max",
                                Stats.max(liveHeap),
                                "samples",
                                liveHeap.size()));
        figures.put("liveHeapErrors", memory.liveErrors());
        figures.put("perLeaderTerm", memory.perTerm(events));
        figures.put("callLogComplete", record.logComplete());
        figures.put("plot", png.getFileName().toString());
        figures.put("checks", invariants.checks());
        figures.put("machine", Machine.describe(repo));
        Json.JSON.writerWithDefaultPrettyPrinter().writeValue(settings.json().toFile(), figures);
        writeSamples(memory);

        StringBuilder sb = new StringBuilder();
        sb.append("### Soak ")
                .append(settings.variant())
                .append(": ")
                .append(n)
                .append(" objects, ")
                .append(f(settings.duration().toSeconds() / 60.0, 0))
                .append(" min\n\n");
        sb.append("Run ")
                .append(startedAt)
                .append(", commit ")
                .append(figures.get("commit"))
                .append(", load ")
                .append(loadBefore)
                .append(" before, ")
                .append(figures.get("loadAfter"))
                .append(" after; control plane ")
                .append(controlPlane)
                .append(". Two replicas with leader election, SES_MRE_MAX_CALL_RATE=")
                .append(f(settings.rate(), 1))
                .append(", emulator faults ")
                .append(settings.chaos().faults())
                .append(" (no rate limit of its own); churn one operation per ")
                .append(f(settings.churnEvery().toMillis() / 1000.0, 1))
                .append(" s (create, tag edit, delete in turn)")
                .append(" from the first objects Ready to the end; a leader SIGKILL every ")
                .append(f(settings.killEvery().toSeconds() / 60.0, 2))
                .append(" min.")
                .append(aborted == null ? "" : " **Aborted: " + aborted + "**")
                .append("\n\n");
        sb.append("| figure | value |\n|---|---|\n");
        row(sb, "first " + n + " objects Ready after the apply", f(firstReadySeconds, 1) + " s");
        row(sb, "churn", churn.summary());
        row(
                sb,
                "leader SIGKILLs, takeover (s)",
                figures.get("leaderKills") + ", "
                        + Invariants.takeovers(events).stream()
                                .map(x -> f(x, 1))
                                .toList());
        row(sb, "converged after the churn stopped", f(finalConvergeSeconds, 1) + " s");
        row(sb, "all deleted", f(deleteSeconds, 1) + " s");
        row(
                sb,
                "SES calls per endpoint per hour during the churn",
                f(perEndpointHour, 2) + " (" + (during == null ? "?" : during.total()) + " calls, "
                        + f(churnHours * 60, 1) + " min, outcomes "
                        + (during == null ? "?" : during.byOutcome()) + ")");
        for (Map.Entry<String, String> e : byOperation.entrySet()) {
            row(sb, "&nbsp;&nbsp;" + e.getKey() + " per endpoint per hour", e.getValue());
        }
        row(
                sb,
                "SES calls per endpoint per hour by sixth of the run",
                slices.stream()
                        .map(m -> m.get("fromMinute") + "-" + m.get("toMinute") + " min: "
                                + m.get("callsPerEndpointPerHour"))
                        .toList()
                        .toString());
        row(
                sb,
                "leader RSS (MiB) min / median / max",
                f(Stats.min(rss), 1) + " / " + f(Stats.median(rss), 1) + " / " + f(Stats.max(rss), 1));
        row(
                sb,
                "leader live heap after full GC (MiB) first / last / max",
                liveHeap.isEmpty()
                        ? "none"
                        : f(liveHeap.get(0), 1) + " / " + f(liveHeap.get(liveHeap.size() - 1), 1) + " / "
                                + f(Stats.max(liveHeap), 1) + " (" + liveHeap.size() + " samples)");
        row(
                sb,
                "**RSS growth after the warm-up (pass < " + Math.round(settings.maxGrowth() * 100) + " %)**",
                growth.describe());
        memory.perTerm(events).forEach((pod, v) -> row(sb, "&nbsp;&nbsp;" + pod, v));
        sb.append("\n![RSS and heap over the soak](").append(png.getFileName()).append(")\n\n");
        sb.append("| invariant | expected | found | ok |\n|---|---|---|---|\n");
        for (Invariants.Check c : invariants.checks()) {
            sb.append("| ")
                    .append(c.name().replace("|", "/"))
                    .append(" | ")
                    .append(c.expected().replace("|", "/"))
                    .append(" | ")
                    .append(c.actual().replace("|", "/"))
                    .append(" | ")
                    .append(c.ok() ? "yes" : "**NO**")
                    .append(" |\n");
        }
        String body = sb.toString();
        Progress.log("soak report:\n%s", body);
        GeneratedDoc.writeSection(settings.doc(), "soak " + settings.variant(), body, "# Soak\n");
        Progress.log("written: %s, %s, %s", settings.doc(), settings.json(), png);
    }

    private String pngName() {
        return "soak-" + settings.variant() + "-memory.png";
    }

    private void writeSamples(SoakMemory memory) throws IOException {
        StringBuilder sb = new StringBuilder("seconds,pod,leader,rssMiB,heapUsedMiB\n");
        for (SoakMemory.Sample s : memory.samples()) {
            sb.append(f(s.t(), 1))
                    .append(',')
                    .append(s.pod())
                    .append(',')
                    .append(s.leader())
                    .append(',')
                    .append(f(s.rssMiB(), 2))
                    .append(',')
                    .append(f(s.heapMiB(), 2))
                    .append('\n');
        }
        java.nio.file.Files.writeString(settings.work().resolve("memory-samples.csv"), sb.toString());
        StringBuilder lv = new StringBuilder("seconds,pod,liveHeapMiB\n");
        for (SoakMemory.LiveSample s : memory.live()) {
            lv.append(f(s.t(), 1))
                    .append(',')
                    .append(s.pod())
                    .append(',')
                    .append(f(s.liveMiB(), 2))
                    .append('\n');
        }
        java.nio.file.Files.writeString(settings.work().resolve("live-heap-samples.csv"), lv.toString());
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ")
                .append(k.replace("|", "/"))
                .append(" | ")
                .append(v.replace("|", "/"))
                .append(" |\n");
    }
}
