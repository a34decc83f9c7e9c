package dev.mre.e2e.chaos;

import static dev.mre.e2e.perf.support.Stats.f;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.perf.support.LeaseWatch;
import dev.mre.e2e.perf.support.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of the soak's operator processes over time: every soak.sampleEvery the RSS (/proc/&lt;pid&gt;/status
 * VmRSS) and used heap ({@code jvm_memory_used_bytes{area="heap"}} of /metrics, garbage included) of each live
 * replica, marked leader or standby by the Lease; every soak.liveHeapEvery the leader's <b>live</b> heap: {@code jcmd
 * <pid> GC.class_histogram}, which runs a full GC and counts what survives (this full GC is the measurement's own
 * perturbation: it also lets the Serial GC shrink the heap, as the operator's own full GCs do).
 */
final class SoakMemory implements AutoCloseable {

    record Sample(double t, String pod, boolean leader, double rssMiB, double heapMiB) {}

    record LiveSample(double t, String pod, double liveMiB) {}

    /** The pass rule's figures; NaN where a window had no leader sample. */
    record Growth(
            double baselineMiB,
            int baselineSamples,
            double finalMiB,
            int finalSamples,
            double maxWindowMiB,
            String baselinePods,
            String finalPods) {

        double ratio() {
            return finalMiB / baselineMiB - 1;
        }

        boolean ok(double max) {
            return baselineSamples > 0 && finalSamples > 0 && ratio() < max;
        }

        String describe() {
            if (baselineSamples == 0 || finalSamples == 0) {
                return "no leader samples in " + (baselineSamples == 0 ? "the baseline window" : "the final window");
            }
            return f(ratio() * 100, 2) + " % (" + f(baselineMiB, 1) + " MiB -> " + f(finalMiB, 1) + " MiB, medians of "
                    + baselineSamples + " and " + finalSamples + " leader samples; largest window median after the "
                    + "warm-up " + f(maxWindowMiB, 1) + " MiB = " + f((maxWindowMiB / baselineMiB - 1) * 100, 2)
                    + " %; leaders " + baselinePods + " -> " + finalPods + ")";
        }
    }

    private static final Pattern HISTOGRAM_TOTAL =
            Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    private final SoakSettings settings;
    private final Replicas replicas;
    private final LeaseWatch lease;
    private final long t0;
    private final List<Sample> samples = new ArrayList<>();
    private final List<LiveSample> live = new ArrayList<>();
    private final List<String> liveErrors = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "soak-memory");
        t.setDaemon(true);
        return t;
    });

    SoakMemory(SoakSettings settings, Replicas replicas, LeaseWatch lease, long t0) {
        this.settings = settings;
        this.replicas = replicas;
        this.lease = lease;
        this.t0 = t0;
        sampler.scheduleAtFixedRate(this::sample, 0, settings.sampleEvery().toMillis(), TimeUnit.MILLISECONDS);
        sampler.scheduleWithFixedDelay(
                this::liveHeap,
                settings.liveHeapEvery().toMillis(),
                settings.liveHeapEvery().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private double now() {
        return (System.currentTimeMillis() - t0) / 1000.0;
    }

    private void sample() {
        try {
            String leader = lease.current();
            for (Replicas.Incarnation inc : replicas.current().values()) {
                OperatorProcess op = inc.op;
                if (op == null || !op.isAlive()) {
                    continue;
                }
                Long rss = op.procStatus().get("VmRSS");
                double heap = OperatorProcess.metricSum(op.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
                if (rss == null) {
                    continue;
                }
                synchronized (this) {
                    samples.add(new Sample(now(), inc.pod, inc.pod.equals(leader), rss / 1024.0, heap / 1048576.0));
                }
            }
        } catch (RuntimeException e) {
            // a replica killed between the listing and the reading: the next sample
        }
    }

    private void liveHeap() {
        String leader = lease.current();
        replicas.alive(leader == null ? "" : leader).ifPresent(inc -> {
            long pid = inc.op.pid();
            Cmd.Result r = Cmd.of(jcmd(), Long.toString(pid), "GC.class_histogram")
                    .timeout(Duration.ofSeconds(60))
                    .run();
            Matcher m = HISTOGRAM_TOTAL.matcher(r.stdout());
            synchronized (this) {
                if (r.ok() && m.find()) {
                    live.add(new LiveSample(now(), inc.pod, Long.parseLong(m.group(2)) / 1048576.0));
                } else if (liveErrors.size() < 5) {
                    liveErrors.add(inc.pod + ": exit " + r.exitCode() + " "
                            + r.stderr().strip());
                }
            }
        });
    }

    static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<LiveSample> live() {
        return List.copyOf(live);
    }

    synchronized List<String> liveErrors() {
        return List.copyOf(liveErrors);
    }

    /** Start times (s after t0) of the windows in which the leader is settling after a takeover. */
    private boolean settling(double t, List<Disruptions.Event> events) {
        double settle = settings.settleAfterTakeover().toSeconds();
        for (Disruptions.Event e : events) {
            if (t >= e.atSeconds() && t < e.atSeconds() + settle) {
                return true;
            }
        }
        return false;
    }

    private List<Sample> leaderIn(double from, double to, List<Disruptions.Event> events) {
        return samples().stream()
                .filter(s -> s.leader() && s.t() >= from && s.t() < to && !settling(s.t(), events))
                .toList();
    }

    /**
     * The pass rule: the median leader RSS of the last window (soak.duration / 12) against that of the window right
     * after the warm-up (the first sixth), samples within soak.settle of a leader kill left out; and, for the
     * record, the largest median of any such window in between.
     */
    Growth rssGrowth(List<Disruptions.Event> events) {
        double w = settings.window().toMillis() / 1000.0;
        double start = settings.warmup().toMillis() / 1000.0;
        double end = settings.duration().toMillis() / 1000.0;
        List<Sample> base = leaderIn(start, start + w, events);
        List<Sample> fin = leaderIn(end - w, end, events);
        double max = Double.NaN;
        for (double from = start; from + w <= end + 1e-6; from += w / 2) {
            List<Sample> win = leaderIn(from, from + w, events);
            if (!win.isEmpty()) {
                double m = Stats.median(win.stream().map(Sample::rssMiB).toList());
                max = Double.isNaN(max) ? m : Math.max(max, m);
            }
        }
        return new Growth(
                base.isEmpty()
                        ? Double.NaN
                        : Stats.median(base.stream().map(Sample::rssMiB).toList()),
                base.size(),
                fin.isEmpty()
                        ? Double.NaN
                        : Stats.median(fin.stream().map(Sample::rssMiB).toList()),
                fin.size(),
                max,
                String.join(",", base.stream().map(Sample::pod).distinct().toList()),
                String.join(",", fin.stream().map(Sample::pod).distinct().toList()));
    }

    /** Per leader term (a pod while it leads, settling left out): first and last window median RSS. */
    Map<String, String> perTerm(List<Disruptions.Event> events) {
        Map<String, List<Sample>> byPod = new LinkedHashMap<>();
        for (Sample s : samples()) {
            if (s.leader() && !settling(s.t(), events)) {
                byPod.computeIfAbsent(s.pod(), k -> new ArrayList<>()).add(s);
            }
        }
        double w = settings.window().toMillis() / 1000.0;
        Map<String, String> out = new LinkedHashMap<>();
        byPod.forEach((pod, l) -> {
            double a = l.get(0).t();
            double b = l.get(l.size() - 1).t();
            List<Double> first =
                    l.stream().filter(s -> s.t() < a + w).map(Sample::rssMiB).toList();
            List<Double> last =
                    l.stream().filter(s -> s.t() > b - w).map(Sample::rssMiB).toList();
            double m1 = Stats.median(first);
            double m2 = Stats.median(last);
            out.put(
                    pod,
                    "leader " + f(a, 0) + "-" + f(b, 0) + " s: RSS " + f(m1, 1) + " -> " + f(m2, 1) + " MiB ("
                            + f((m2 / m1 - 1) * 100, 1) + " %), heap used max "
                            + f(
                                    Stats.max(l.stream()
                                            .map(Sample::heapMiB)
                                            .filter(x -> !x.isNaN())
                                            .toList()),
                                    1) + " MiB");
        });
        return out;
    }

    /**
     * gnuplot: RSS of each replica (the leader's line thick), heap used, the leader's live heap as points, the leader
     * kills as vertical lines; PNG at {@code png}. Returns null when drawn, else why not.
     */
    String plot(Path png, List<Disruptions.Event> events, double maxGrowth) {
        try {
            Path dir = png.getParent();
            Files.createDirectories(dir);
            Path dat = dir.resolve(png.getFileName().toString().replaceAll("\\.png$", "") + ".dat");
            StringBuilder d = new StringBuilder();
            List<String> blocks = new ArrayList<>();
            d.append("# leader: minutes, RSS MiB, heap used MiB\n");
            blocks.add("leader");
            String lastLeader = null;
            for (Sample s : samples()) {
                if (s.leader()) {
                    if (lastLeader != null && !lastLeader.equals(s.pod())) {
                        // a blank line: gnuplot does not join two leaders' lines across the takeover
                        d.append('\n');
                    }
                    lastLeader = s.pod();
                    d.append(f(s.t() / 60, 3))
                            .append(' ')
                            .append(f(s.rssMiB(), 2))
                            .append(' ')
                            .append(Double.isNaN(s.heapMiB()) ? "NaN" : f(s.heapMiB(), 2))
                            .append('\n');
                }
            }
            d.append("\n\n# standbys: minutes, RSS MiB\n");
            blocks.add("standby");
            for (Sample s : samples()) {
                if (!s.leader()) {
                    d.append(f(s.t() / 60, 3))
                            .append(' ')
                            .append(f(s.rssMiB(), 2))
                            .append('\n');
                }
            }
            d.append("\n\n# leader live heap (after a full GC): minutes, MiB\n");
            for (LiveSample l : live()) {
                d.append(f(l.t() / 60, 3)).append(' ').append(f(l.liveMiB(), 2)).append('\n');
            }
            if (live().isEmpty()) {
                d.append("0 NaN\n");
            }
            Files.writeString(dat, d.toString());
            StringBuilder gp = new StringBuilder();
            gp.append("set terminal png size 1400,700\n")
                    .append("set output '")
                    .append(png.getFileName())
                    .append("'\n")
                    .append("set title 'soak ")
                    .append(settings.variant())
                    .append(": ")
                    .append(settings.objects())
                    .append(" objects, ")
                    .append(settings.duration().toMinutes())
                    .append(" min, churn, SES faults, ")
                    .append(events.size())
                    .append(" leader SIGKILL(s) (dashed)'\n")
                    .append(
                            "set xlabel 'minutes after the apply'\nset ylabel 'MiB'\nset grid\nset key outside bottom center horizontal\n")
                    .append("set yrange [0:*]\n");
            for (Disruptions.Event e : events) {
                gp.append("set arrow from ")
                        .append(f(e.atSeconds() / 60, 3))
                        .append(", graph 0 to ")
                        .append(f(e.atSeconds() / 60, 3))
                        .append(", graph 1 nohead dt 2 lc rgb 'red'\n");
            }
            double w0 = settings.warmup().toSeconds() / 60.0;
            gp.append("set arrow from ")
                    .append(f(w0, 3))
                    .append(", graph 0 to ")
                    .append(f(w0, 3))
                    .append(", graph 1 nohead dt 3 lc rgb 'gray'\n");
            gp.append("set label 'end of warm-up' at ").append(f(w0, 3)).append(", graph 0.97 offset 0.5,0\n");
            String file = "'" + dat.getFileName() + "'";
            gp.append("plot ")
                    .append(file)
                    .append(" index 0 using 1:2 with lines lw 2 lc rgb 'blue' title 'RSS, leader'")
                    .append(", ")
                    .append(file)
                    .append(" index 1 using 1:2 with points pt 7 ps 0.3 lc rgb 'gray60' title 'RSS, standby'")
                    .append(", ")
                    .append(file)
                    .append(
                            " index 0 using 1:3 with lines lc rgb 'dark-green' title 'heap used (incl. garbage), leader'")
                    .append(", ")
                    .append(file)
                    .append(
                            " index 2 using 1:2 with linespoints pt 5 lc rgb 'orange' title 'live heap after full GC, leader'\n");
            Path script = dir.resolve(png.getFileName().toString().replaceAll("\\.png$", "") + ".gp");
            Files.writeString(script, gp.toString());
            Cmd.Result r = Cmd.of("gnuplot", script.getFileName().toString())
                    .dir(dir)
                    .timeout(Duration.ofSeconds(60))
                    .run();
            if (!r.ok()) {
                return "gnuplot exit " + r.exitCode() + ": " + r.stderr().strip();
            }
            Progress.log("  plot: %s", png);
            return null;
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
