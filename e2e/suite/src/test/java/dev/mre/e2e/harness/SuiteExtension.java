package dev.mre.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The JUnit side of a suite on the {@link Harness}: starts what the suite's classes share once, on the first class
 * (root store: closed after the last class, also after failures), prints each test's start and outcome, the
 * diagnostics when a test fails, and the summary at the end. A suite's extension says how it starts
 * ({@link #start(Harness)}) and reads what it started with {@link #current(Class)}.
 *
 * @param <S> what the suite's classes share (the harness among it)
 */
public abstract class SuiteExtension<S>
        implements BeforeAllCallback, BeforeTestExecutionCallback, AfterTestExecutionCallback, TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SuiteExtension.class);
    /** The started suite of each extension class (one run of a suite per JVM). */
    private static final Map<Class<?>, Object> CURRENT = new ConcurrentHashMap<>();

    private final String suite;
    private final Path work;
    private final String setup;
    private final ControlPlane.Kind kind;

    /**
     * @param suite the suite's name (its control plane's default folder is .work/testenv-&lt;suite&gt;)
     * @param work  the folder of its logs and files
     * @param setup what {@link #start(Harness)} sets up, for the timing line
     */
    protected SuiteExtension(String suite, Path work, String setup) {
        this(suite, work, setup, ControlPlane.Kind.APISERVER);
    }

    /** As {@link #SuiteExtension(String, Path, String)} on a control plane of the given kind (see {@link Harness#start(String, Path, ControlPlane.Kind)}). */
    protected SuiteExtension(String suite, Path work, String setup, ControlPlane.Kind kind) {
        this.suite = suite;
        this.work = work;
        this.setup = setup;
        this.kind = kind;
    }

    /** Sets up what every class shares, on the started harness; the harness is closed if this throws. */
    protected abstract S start(Harness harness) throws Exception;

    /**
     * Runs before the harness closes, after the last class (also after failures): what the suite must undo itself,
     * e.g. a Helm release of its own. Default: nothing.
     */
    protected void beforeClose(S started, Harness harness) {}

    /** What to print when a test fails (default: the harness's diagnostics). */
    protected String diagnostics(S started, Harness harness, String why) {
        return harness.diagnostics(why);
    }

    /** What the extension {@code extension} started; fails when its suite did not start. */
    protected static <T> T current(Class<? extends SuiteExtension<T>> extension) {
        @SuppressWarnings("unchecked")
        T s = (T) CURRENT.get(extension);
        if (s == null) {
            throw new IllegalStateException("the " + extension.getSimpleName() + " environment is not started");
        }
        return s;
    }

    /** Holds the suite or why it could not start; closing it tears down and prints the summary. */
    private static final class Holder implements AutoCloseable {
        final Object started;
        final Harness harness;
        final RuntimeException failure;
        final Runnable beforeClose;

        Holder(Object started, Harness harness, RuntimeException failure, Runnable beforeClose) {
            this.started = started;
            this.harness = harness;
            this.failure = failure;
            this.beforeClose = beforeClose;
        }

        @Override
        public void close() {
            try {
                if (harness != null) {
                    try {
                        beforeClose.run();
                    } catch (RuntimeException | Error e) {
                        Progress.log("teardown of the suite failed (continuing): %s", e);
                    }
                    harness.close();
                }
            } finally {
                Progress.summary();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder h = context.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent(
                        getClass(),
                        k -> {
                            Progress.log("==== starting the shared %s environment ====", suite);
                            long t0 = System.nanoTime();
                            Harness harness = null;
                            try {
                                harness = Harness.start(suite, work, kind);
                                Harness started = harness;
                                S s = Progress.value("environment setup", () -> start(started));
                                Progress.timing(
                                        "environment setup (" + setup + ")", Duration.ofNanos(System.nanoTime() - t0));
                                return new Holder(s, harness, null, () -> beforeClose(s, started));
                            } catch (Exception e) {
                                if (harness != null) {
                                    Progress.log("%s", harness.diagnostics("setup failed"));
                                }
                                Harness failed = harness;
                                return new Holder(
                                        null,
                                        harness,
                                        e instanceof RuntimeException re ? re : new IllegalStateException(e),
                                        () -> {
                                            if (failed != null) {
                                                beforeClose(null, failed);
                                            }
                                        });
                            }
                        },
                        Holder.class);
        if (h.failure != null) {
            throw new IllegalStateException("the " + suite + " environment could not start (see above)", h.failure);
        }
        CURRENT.put(getClass(), h.started);
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
        Duration took = Optional.ofNullable(context.getStore(NS).get("took", Duration.class))
                .orElse(Duration.ZERO);
        String area = "?";
        for (Optional<ExtensionContext> c = context.getParent();
                c.isPresent();
                c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent() && c.get().getTestMethod().isEmpty()) {
                area = c.get().getDisplayName();
                break;
            }
        }
        String test = context.getParent()
                .filter(p -> p.getTestMethod().isPresent())
                .map(p -> p.getDisplayName().replaceAll(" \\([^()]*\\)$", "") + ": " + context.getDisplayName())
                .orElse(context.getDisplayName());
        Progress.record(new Progress.Outcome(
                area, test, status, took, failure == null ? null : String.valueOf(failure.getMessage())));
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
        Holder h = context.getRoot().getStore(NS).get(getClass(), Holder.class);
        if (h != null && h.started != null) {
            @SuppressWarnings("unchecked")
            S s = (S) h.started;
            Progress.log("%s", diagnostics(s, h.harness, context.getDisplayName()));
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
