package dev.mre.e2e.gitops.support;

import dev.mre.e2e.support.Progress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the shared {@link GitOpsEnvironment} once (root store: closed after the last class, also after failures),
 * prints each test's start and outcome, dumps diagnostics when a test fails, and prints the summary at the end.
 */
public final class GitOpsExtension implements BeforeAllCallback, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GitOpsExtension.class);
    private static volatile GitOpsEnvironment current;

    /** Holds the environment or why it could not start; closing it tears down and prints the summary. */
    static final class Holder implements AutoCloseable {
        final GitOpsEnvironment env;
        final RuntimeException failure;

        Holder(GitOpsEnvironment env, RuntimeException failure) {
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

    public static GitOpsEnvironment environment() {
        if (current == null) {
            throw new IllegalStateException("the gitops-e2e environment is not started");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder h = context.getRoot().getStore(NS).getOrComputeIfAbsent("environment", k -> {
            Progress.log("==== starting the gitops-e2e environment ====");
            try {
                long t0 = System.nanoTime();
                GitOpsEnvironment env = Progress.value("environment setup", GitOpsEnvironment::start);
                Progress.timing("environment setup (control plane, ArgoCD, Git repository, emulator)",
                        Duration.ofNanos(System.nanoTime() - t0));
                return new Holder(env, null);
            } catch (RuntimeException e) {
                return new Holder(null, e);
            }
        }, Holder.class);
        if (h.failure != null) {
            throw new IllegalStateException("the gitops-e2e environment could not start (see above)", h.failure);
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
        String area = context.getParent().map(ExtensionContext::getDisplayName).orElse("?");
        Progress.record(new Progress.Outcome(area, context.getDisplayName(), status, took,
                failure == null ? null : String.valueOf(failure.getMessage())));
        Progress.log("── %s: %s (%.1f s)", status, context.getDisplayName(), took.toMillis() / 1000.0);
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
