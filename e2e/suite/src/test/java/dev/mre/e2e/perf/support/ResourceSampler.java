package dev.mre.e2e.perf.support;

import java.util.Map;

/**
 * Samples an operator process every second: resident memory from /proc/&lt;pid&gt;/status (VmRSS now, VmHWM = the
 * kernel's high-water mark) and used heap from its /metrics ({@code jvm_memory_used_bytes{area="heap"}}, all pools).
 */
public final class ResourceSampler implements AutoCloseable {

    /** One reading; memory in MiB, NaN when unavailable. */
    public record Reading(double rssMiB, double hwmMiB, double heapUsedMiB, double heapMaxMiB, double heapCommittedMiB,
                          double nonHeapUsedMiB, double threads) {}

    private final OperatorInstance op;
    private final Thread thread;
    private volatile boolean closed;
    private double maxHeapUsed = Double.NaN;
    private double maxRss = Double.NaN;
    private int samples;

    public ResourceSampler(OperatorInstance op) {
        this.op = op;
        this.thread = new Thread(() -> {
            while (!closed && op.alive()) {
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
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "resource-sampler-" + op.name);
        thread.setDaemon(true);
        thread.start();
    }

    public Reading read() {
        Map<String, Long> st = op.procStatus();
        String m = op.metrics();
        double heap = OperatorInstance.metricSum(m, "jvm_memory_used_bytes", "area=\"heap\"");
        double heapMax = OperatorInstance.metricSum(m, "jvm_memory_max_bytes", "area=\"heap\"");
        double committed = OperatorInstance.metricSum(m, "jvm_memory_committed_bytes", "area=\"heap\"");
        double nonHeap = OperatorInstance.metricSum(m, "jvm_memory_used_bytes", "area=\"nonheap\"");
        double threads = OperatorInstance.metricSum(m, "jvm_threads_live_threads");
        return new Reading(kib(st.get("VmRSS")), kib(st.get("VmHWM")), heap / 1048576.0, heapMax / 1048576.0,
                committed / 1048576.0, nonHeap / 1048576.0, threads);
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
        closed = true;
        thread.interrupt();
    }
}
