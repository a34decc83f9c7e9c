package dev.mre.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The child processes of a test JVM (operators, emulators, kubectl watches): how they are stopped, and that they are
 * stopped when the JVM is stopped from outside (Ctrl-C on make, a surefire timeout): a shutdown hook stops every
 * child (SIGTERM, SIGKILL after 10 s) and then runs the registered cleanups (e.g. the harness's teardown).
 */
public final class Processes {

    private static final List<Runnable> CLEANUPS = new ArrayList<>();
    private static boolean installed;
    private static volatile boolean shuttingDown;

    private Processes() {}

    /** True once the JVM is stopping: start no new process. */
    public static boolean shuttingDown() {
        return shuttingDown;
    }

    /** SIGTERM, then SIGKILL once {@code grace} has passed; returns once the process is gone. */
    public static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                Progress.log("  pid %d still running %s after SIGTERM: SIGKILL", process.pid(), grace);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The last {@code lines} lines of a text. */
    public static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The last {@code lines} lines of a file, or why it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            return Files.exists(file) ? tail(Files.readString(file), lines) : "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Runs {@code cleanup} when the JVM stops, after its child processes are stopped. */
    public static synchronized void onJvmExit(Runnable cleanup) {
        CLEANUPS.add(cleanup);
        if (installed) {
            return;
        }
        installed = true;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            shuttingDown = true;
                            List<ProcessHandle> children =
                                    ProcessHandle.current().children().toList();
                            children.forEach(ProcessHandle::destroy);
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            for (ProcessHandle p : children) {
                                try {
                                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                                } catch (InterruptedException | ExecutionException | TimeoutException e) {
                                    p.destroyForcibly();
                                }
                            }
                            List<Runnable> cleanups;
                            synchronized (Processes.class) {
                                cleanups = List.copyOf(CLEANUPS);
                            }
                            for (Runnable r : cleanups) {
                                try {
                                    r.run();
                                } catch (RuntimeException | Error e) {
                                    System.err.println("cleanup at JVM exit failed: " + e);
                                }
                            }
                        },
                        "harness-child-cleanup"));
    }
}
