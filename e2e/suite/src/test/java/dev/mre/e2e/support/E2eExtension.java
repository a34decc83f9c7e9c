package dev.mre.e2e.support;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the shared {@link E2eEnvironment} once (root store: closed after the last class, also after failures),
 * prints each test's start and outcome, dumps diagnostics when a test fails, and prints the summary at the end.
 */
public final class E2eExtension implements BeforeAllCallback, BeforeTestExecutionCallback, AfterTestExecutionCallback,
        TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2eExtension.class);
    private static volatile E2eEnvironment current;

    /** Holds the environment or why it could not start; closing it tears down and prints the summary. */
    static final class Holder implements AutoCloseable {
        final E2eEnvironment env;
        final RuntimeException failure;

        Holder(E2eEnvironment env, RuntimeException failure) {
            this.env = env;
            this.failure = failure;
        }

        @Override
        public void close() {
            try {
                if (env != null) {
                    env.close();
                }
            } finally {
                Progress.summary();
            }
        }
    }

    public static E2eEnvironment environment() {
        if (current == null) {
            throw new IllegalStateException("the e2e environment is not started");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder h = context.getRoot().getStore(NS).getOrComputeIfAbsent("environment", k -> {
            Progress.log("==== starting the shared e2e environment ====");
            try {
                long t0 = System.nanoTime();
                E2eEnvironment env = Progress.value("environment setup", E2eEnvironment::start);
                Progress.timing("environment setup (control plane, CRD, chart, emulator, operator)",
                        Duration.ofNanos(System.nanoTime() - t0));
                return new Holder(env, null);
            } catch (RuntimeException e) {
                return new Holder(null, e);
            }
        }, Holder.class);
        if (h.failure != null) {
            throw new IllegalStateException("the e2e environment could not start (see above)", h.failure);
        }
        current = h.env;
        Progress.log("==== %s ====", context.getDisplayName());
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(NS).put("t0", System.nanoTime());
        Progress.log("── test: %s", context.getDisplayName());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Long t0 = context.getStore(NS).get("t0", Long.class);
        if (t0 != null) {
            context.getStore(NS).put("took", Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private static void record(ExtensionContext context, String status, Throwable failure) {
        Duration took = Optional.ofNullable(context.getStore(NS).get("took", Duration.class)).orElse(Duration.ZERO);
        String area = "?";
        for (Optional<ExtensionContext> c = context.getParent(); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent() && c.get().getTestMethod().isEmpty()) {
                area = c.get().getDisplayName();
                break;
            }
        }
        String test = context.getParent().filter(p -> p.getTestMethod().isPresent())
                .map(p -> p.getDisplayName().replaceAll(" \\([^()]*\\)$", "") + ": " + context.getDisplayName())
                .orElse(context.getDisplayName());
        Progress.record(new Progress.Outcome(area, test, status, took,
                failure == null ? null : String.valueOf(failure.getMessage())));
        Progress.log("── %s: %s (%.1f s)", status, test, took.toMillis() / 1000.0);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, "PASSED", null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, "FAILED", cause);
        Progress.log("FAILURE in %s: %s", context.getDisplayName(), cause);
        if (current != null) {
            current.dumpDiagnostics(context.getDisplayName());
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, "ABORTED", cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, "SKIPPED", null);
    }
}
