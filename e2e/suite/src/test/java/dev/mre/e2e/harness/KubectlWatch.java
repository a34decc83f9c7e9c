package dev.mre.e2e.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code kubectl get ... --watch} process followed line by line on a thread of its own: one stream, no polling
 * load on the API server. When the watch ends (kube-apiserver restart, an object that does not exist yet) kubectl is
 * started again after a short pause and {@code onRestart} runs (e.g. a full list, for what was missed meanwhile).
 * {@link #connected()} says when the current kubectl's watch request has been answered (read from kubectl's own
 * request log, -v=6), so a caller can wait for it before changing what is watched.
 */
public final class KubectlWatch implements AutoCloseable {

    private static final Duration RESTART_PAUSE = Duration.ofMillis(500);

    private final Kubectl kubectl;
    private final List<String> args;
    private final Consumer<String> onLine;
    private final Runnable onRestart;
    private final Thread thread;
    private volatile Process process;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile int restarts;

    /** Starts {@code kubectl <args> --watch}; each stdout line goes to {@code onLine}, on the watch's thread. */
    public KubectlWatch(String name, Kubectl kubectl, List<String> args, Consumer<String> onLine, Runnable onRestart) {
        this.kubectl = kubectl;
        this.args = new ArrayList<>(args);
        this.args.addAll(List.of("--watch", "-v=6"));
        this.onLine = onLine;
        this.onRestart = onRestart;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        boolean first = true;
        while (!closed) {
            try {
                connected = false;
                Process p = kubectl.start(ProcessBuilder.Redirect.PIPE, args.toArray(String[]::new));
                process = p;
                Thread stderr = new Thread(
                        () -> readRequestLog(p.getErrorStream()),
                        Thread.currentThread().getName() + "-log");
                stderr.setDaemon(true);
                stderr.start();
                if (!first) {
                    onRestart.run();
                }
                first = false;
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        onLine.accept(line);
                    }
                }
                p.waitFor();
                if (!closed) {
                    restarts++;
                    Pacing.pause(RESTART_PAUSE, "watch restart backoff");
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    Progress.log(
                            "  (%s: %s; restarting)", Thread.currentThread().getName(), e);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** kubectl -v=6 logs one "Response" line per request; the watch request's 200 means the server holds the watch. */
    private void readRequestLog(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.contains("watch=true") && line.contains("200 OK")) {
                    connected = true;
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** True while the current kubectl holds an answered watch request. */
    public boolean connected() {
        return connected && process != null && process.isAlive();
    }

    /** Waits until {@link #connected()}. */
    public void awaitConnected(Duration timeout) {
        Conditions.await(
                "kubectl " + String.join(" ", args.subList(0, Math.min(3, args.size()))) + " --watch connected",
                timeout,
                Duration.ofMillis(50),
                this::connected,
                () -> "restarts " + restarts);
    }

    public int restarts() {
        return restarts;
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
        thread.interrupt();
    }
}
