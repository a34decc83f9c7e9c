package dev.mre.e2e;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The e2e suite's environment on the {@link Harness}, started once for all classes (root store: closed after the
 * last class, also after failures): the control plane, the CRD, the chart's RBAC and the operator's token
 * kubeconfig, the suite's namespaces, the SES emulator and the operator. Prints each test's start and outcome, dumps
 * diagnostics when a test fails, and the summary at the end.
 */
public final class E2eExtension implements BeforeAllCallback, BeforeTestExecutionCallback, AfterTestExecutionCallback,
        TestWatcher {

    public static final String CLUSTER_ID = "e2e";
    public static final String RELEASE = "ses-mre-operator-e2e";
    public static final String SYSTEM_NAMESPACE = "ses-mre-e2e";
    /** The namespaces the suite's objects live in (mail: the one examples/ declares). */
    public static final List<String> NAMESPACES = List.of("mail", "e2e-invalid", "e2e-crash", "e2e-watch", "e2e-kstatus");
    /** The emulator's defaults for the suite; a test that changes one puts it back. */
    public static final String CREATE_DELAY = "2s";
    public static final String DELETE_DELAY = "2s";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2eExtension.class);
    private static volatile Suite current;

    /** What every area shares. */
    public record Suite(Harness harness, Harness.OperatorIdentity identity, Emulator emulator, OperatorProcess operator) {}

    /** Holds the suite or why it could not start; closing it tears down and prints the summary. */
    static final class Holder implements AutoCloseable {
        final Suite suite;
        final Harness harness;
        final RuntimeException failure;

        Holder(Suite suite, Harness harness, RuntimeException failure) {
            this.suite = suite;
            this.harness = harness;
            this.failure = failure;
        }

        @Override
        public void close() {
            try {
                if (harness != null) {
                    harness.close();
                }
            } finally {
                Progress.summary();
            }
        }
    }

    public static Suite suite() {
        if (current == null) {
            throw new IllegalStateException("the e2e environment is not started");
        }
        return current;
    }

    static Suite start(Harness h) throws Exception {
        h.applyCrds();
        Harness.OperatorIdentity id = h.installOperatorRbac(RELEASE, SYSTEM_NAMESPACE, "4h");
        NAMESPACES.forEach(h::namespace);
        Emulator emu = h.startEmulator("emulator", List.of("--create-delay", CREATE_DELAY, "--delete-delay", DELETE_DELAY,
                "--threads", "8"));
        OperatorProcess op = h.startOperator("operator", Repo.operatorJar(), id, emu, Map.of(
                "SES_MRE_CLUSTER_ID", CLUSTER_ID,
                "SES_MRE_RESYNC_PERIOD", "20s"));
        op.awaitReady(Duration.ofSeconds(90));
        return new Suite(h, id, emu, op);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder h = context.getRoot().getStore(NS).getOrComputeIfAbsent("environment", k -> {
            Progress.log("==== starting the shared e2e environment ====");
            long t0 = System.nanoTime();
            Harness harness = null;
            try {
                harness = Harness.start("e2e", Path.of(Params.str("e2e.work",
                        Repo.root().resolve("e2e/suite/target/e2e").toString())));
                Harness started = harness;
                Suite s = Progress.value("environment setup", () -> start(started));
                Progress.timing("environment setup (control plane, CRD, chart, emulator, operator)",
                        Duration.ofNanos(System.nanoTime() - t0));
                return new Holder(s, harness, null);
            } catch (Exception e) {
                if (harness != null) {
                    Progress.log("%s", harness.diagnostics("setup failed"));
                }
                return new Holder(null, harness, e instanceof RuntimeException re ? re : new IllegalStateException(e));
            }
        }, Holder.class);
        if (h.failure != null) {
            throw new IllegalStateException("the e2e environment could not start (see above)", h.failure);
        }
        current = h.suite;
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
            Progress.log("%s", current.harness().diagnostics(context.getDisplayName()));
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
