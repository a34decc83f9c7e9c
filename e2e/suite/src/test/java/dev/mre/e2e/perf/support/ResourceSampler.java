package dev.mre.e2e.perf.support;

import dev.mre.e2e.harness.OperatorProcess;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples an operator process every second: resident memory from /proc/&lt;pid&gt;/status (VmRSS now, VmHWM = the
 * kernel's high-water mark) and used heap from its /metrics ({@code jvm_memory_used_bytes{area="heap"}}, all pools).
 */
public final class ResourceSampler implements AutoCloseable {

    /** One reading; memory in MiB, NaN when unavailable. */
    public record Reading(
            double rssMiB,
            double hwmMiB,
            double heapUsedMiB,
            double heapMaxMiB,
            double heapCommittedMiB,
            double nonHeapUsedMiB,
            double threads) {}

    private final OperatorProcess op;
    private final ScheduledExecutorService sampler;
    private double maxHeapUsed = Double.NaN;
    private double maxRss = Double.NaN;
    private int samples;

    public ResourceSampler(OperatorProcess op) {
        this.op = op;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resource-sampler-" + op.name());
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        if (!op.isAlive()) {
            return;
        }
        Reading r = read();
        synchronized (this) {
            samples++;
            if (!Double.isNaN(r.heapUsedMiB()) && (Double.isNaN(maxHeapUsed) || r.heapUsedMiB() > maxHeapUsed)) {
                maxHeapUsed = r.heapUsedMiB();
            }
            if (!Double.isNaN(r.rssMiB()) && (Double.isNaN(maxRss) || r.rssMiB() > maxRss)) {
                maxRss = r.rssMiB();
            }
        }
    }

    public Reading read() {
        Map<String, Long> st = op.procStatus();
        String m = op.metrics();
        double heap = OperatorProcess.metricSum(m, "jvm_memory_used_bytes", "area=\"heap\"");
        double heapMax = OperatorProcess.metricSum(m, "jvm_memory_max_bytes", "area=\"heap\"");
        double committed = OperatorProcess.metricSum(m, "jvm_memory_committed_bytes", "area=\"heap\"");
        double nonHeap = OperatorProcess.metricSum(m, "jvm_memory_used_bytes", "area=\"nonheap\"");
        double threads = OperatorProcess.metricSum(m, "jvm_threads_live_threads");
        return new Reading(
                kib(st.get("VmRSS")),
                kib(st.get("VmHWM")),
                heap / 1048576.0,
                heapMax / 1048576.0,
                committed / 1048576.0,
                nonHeap / 1048576.0,
                threads);
    }

    private static double kib(Long kb) {
        return kb == null ? Double.NaN : kb / 1024.0;
    }

    public synchronized double maxHeapUsedMiB() {
        return maxHeapUsed;
    }

    public synchronized double maxRssSampledMiB() {
        return maxRss;
    }

    public synchronized int samples() {
        return samples;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
