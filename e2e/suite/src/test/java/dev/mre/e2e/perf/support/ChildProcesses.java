package dev.mre.e2e.perf.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When the test JVM is stopped from outside (Ctrl-C on make, a surefire timeout), its child processes (operators,
 * the emulator, kubectl watches) would live on: a shutdown hook stops them (SIGTERM, then SIGKILL after 10 s) and
 * runs the registered cleanups (testenv down).
 */
public final class ChildProcesses {

    private static final List<Runnable> CLEANUPS = new ArrayList<>();
    private static boolean installed;
    private static volatile boolean shuttingDown;

    private ChildProcesses() {}

    /** True once the JVM is stopping: start no new process. */
    public static boolean shuttingDown() {
        return shuttingDown;
    }

    public static synchronized void stopAllOnExit(Runnable extraCleanup) {
        if (extraCleanup != null) {
            CLEANUPS.add(extraCleanup);
        }
        if (installed) {
            return;
        }
        installed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            List<ProcessHandle> children = ProcessHandle.current().children().toList();
            children.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ProcessHandle p : children) {
                try {
                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            }
            List<Runnable> cleanups;
            synchronized (ChildProcesses.class) {
                cleanups = List.copyOf(CLEANUPS);
            }
            for (Runnable r : cleanups) {
                try {
                    r.run();
                } catch (RuntimeException | Error ignored) {
                    // best effort
                }
            }
        }, "perf-child-cleanup"));
    }
}
