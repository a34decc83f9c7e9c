package dev.mre.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The local-cluster harness every suite builds on (e2e, bench, chaos, and the suites added later). One object per
 * suite run, from {@link #start(String, Path)} to {@link #close()}:
 * <ol>
 *   <li>a {@link ControlPlane}: the cluster of E2E_KUBECONFIG, a running e2e/testenv reused, or one started here;</li>
 *   <li>{@link #kubectl()} (admin) and {@link #helm()} against it;</li>
 *   <li>{@link #applyCrds()}: the CRD from crds/, with kubectl;</li>
 *   <li>{@link #installOperatorRbac}: the chart's ServiceAccount and RBAC (helm, deployment.enabled=false) and a
 *       token kubeconfig for that ServiceAccount: the operator's identity, never admin;</li>
 *   <li>{@link #startEmulator}: the SES emulator jar as a process;</li>
 *   <li>{@link #startOperator}: the operator jar as a process under that identity, the emulator as SES;</li>
 *   <li>{@link #namespace}: namespaces the suite owns, emptied of MultiRegionEndpoints before use and at the end;</li>
 *   <li>{@link #close()}: operators, then emulators stopped; the suite's objects and releases removed when the
 *       control plane outlives the suite; the control plane stopped when it was started here. Also run when the JVM
 *       is stopped (Ctrl-C, surefire timeout).</li>
 * </ol>
 * Suites sharing one control plane (make test) run one after the other; each uses its own namespaces and its own
 * release (so its own ClusterRole), and leaves the control plane healthy and without its objects.
 */
public final class Harness implements AutoCloseable {

    public static final String CRD_NAME = "multiregionendpoints.ses.mre.dev";
    public static final String CHART = "helm/ses-mre-operator";
    /** The Lease of the operator's leader election (in the release namespace). */
    public static final String LEASE_NAME = "ses-mre-operator-leader";

    /** The chart's ServiceAccount and RBAC as installed for an operator run outside the cluster, and its token kubeconfig. */
    public record OperatorIdentity(
            String release, String namespace, String serviceAccount, Path kubeconfig, Kubectl kubectl) {

        /** {@code system:serviceaccount:<namespace>:<name>}, what {@code kubectl auth can-i --as} takes. */
        public String username() {
            return "system:serviceaccount:" + namespace + ":" + serviceAccount;
        }
    }

    private final String suite;
    private final Path repo;
    private final Path work;
    private final Path logs;
    private ControlPlane controlPlane;
    private Kubectl kubectl;
    private Helm helm;
    private final Deque<AutoCloseable> processes = new ArrayDeque<>();
    private final Map<String, Boolean> namespaces = new LinkedHashMap<>();
    private final Set<OperatorIdentity> releases = new LinkedHashSet<>();
    private boolean closed;

    private Harness(String suite, Path work) {
        this.suite = suite;
        this.repo = Repo.root();
        this.work = work.toAbsolutePath().normalize();
        this.logs = this.work.resolve("logs");
    }

    /**
     * Opens the control plane for suite {@code suite} (its default testenv folder: .work/testenv-&lt;suite&gt;) with
     * {@code work} as the folder of its logs and files (emptied of earlier logs first: they are appended to).
     */
    public static Harness start(String suite, Path work) {
        return start(suite, work, ControlPlane.Kind.APISERVER);
    }

    /**
     * As {@link #start(String, Path)} on a control plane of the given kind: {@link ControlPlane.Kind#NODE} is the
     * one-node cluster (kubelet, kube-proxy, scheduler, controller-manager), whose default folder is .work/cluster,
     * where {@code make cluster-up} starts it (a running one is reused and left running).
     */
    public static Harness start(String suite, Path work, ControlPlane.Kind kind) {
        return start(
                suite,
                work,
                repo -> ControlPlane.open(
                        repo,
                        repo.resolve(kind == ControlPlane.Kind.NODE ? ".work/cluster" : ".work/testenv-" + suite),
                        kind));
    }

    /**
     * A harness on a control plane of its own ({@link ControlPlane#openOwn}: a testenv in .work/testenv-&lt;suite&gt;,
     * whatever E2E_KUBECONFIG and TESTENV_WORK_DIR say), for a second cluster next to the suite's: the cluster an
     * endpoint is handed over to (A16). Closed by its own {@link #close()}.
     */
    public static Harness startOwn(String suite, Path work) {
        return start(suite, work, repo -> ControlPlane.openOwn(repo, repo.resolve(".work/testenv-" + suite)));
    }

    private static Harness start(String suite, Path work, Function<Path, ControlPlane> openControlPlane) {
        Harness h = new Harness(suite, work);
        Processes.onJvmExit(h::close);
        try {
            Progress.log("harness for %s: repository %s, work folder %s", suite, h.repo, h.work);
            Files.createDirectories(h.logs);
            try (var old = Files.list(h.logs)) {
                for (Path f : old.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            h.controlPlane = openControlPlane.apply(h.repo);
            h.kubectl =
                    new Kubectl(Kubectl.binary(h.controlPlane.toolsDir()), h.controlPlane.adminKubeconfig(), h.repo);
            h.helm = new Helm(
                    Helm.binary(h.controlPlane.toolsDir(), h.controlPlane::buildTools),
                    h.controlPlane.adminKubeconfig(),
                    h.repo,
                    h.work.resolve("helm-home"));
            h.kubectl.ok("version");
            return h;
        } catch (IOException e) {
            h.close();
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            h.close();
            throw e;
        }
    }

    public String suite() {
        return suite;
    }

    public Path repo() {
        return repo;
    }

    public Path work() {
        return work;
    }

    /** Where the processes' logs go (emptied when the harness starts). */
    public Path logs() {
        return logs;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /** kubectl with the admin kubeconfig. */
    public Kubectl kubectl() {
        return kubectl;
    }

    public Helm helm() {
        return helm;
    }

    /** {@code kubectl apply -f crds/} and wait until the CRD is Established. */
    public void applyCrds() {
        Progress.step("CRD: kubectl apply -f crds/", () -> {
            kubectl.ok("apply", "-f", "crds/");
            kubectl.ok("wait", "--for=condition=Established", "crd/" + CRD_NAME, "--timeout=60s");
        });
    }

    /**
     * {@code helm install <release> helm/ses-mre-operator -n <namespace> --create-namespace --set
     * deployment.enabled=false [--set <extra>...]}: the chart's ServiceAccount and RBAC without the Deployment (a
     * release left over from an aborted run is uninstalled first), then a token kubeconfig for that ServiceAccount
     * valid for {@code tokenDuration}. Uninstalled by {@link #close()} when the control plane outlives the suite.
     */
    public OperatorIdentity installOperatorRbac(
            String release, String namespace, String tokenDuration, String... extraSets) {
        return Progress.value(
                "RBAC: helm install " + release + " " + CHART + " -n " + namespace
                        + " (deployment.enabled=false"
                        + (extraSets.length == 0 ? "" : ", " + String.join(", ", extraSets))
                        + ") + a token kubeconfig for its ServiceAccount",
                () -> {
                    if (helm.run("status", release, "-n", namespace).ok()) {
                        helm.run("uninstall", release, "-n", namespace, "--wait")
                                .orThrow();
                    }
                    List<String> args = new ArrayList<>(List.of(
                            "install",
                            release,
                            CHART,
                            "-n",
                            namespace,
                            "--create-namespace",
                            "--set",
                            "deployment.enabled=false"));
                    for (String s : extraSets) {
                        args.addAll(List.of("--set", s));
                    }
                    args.addAll(List.of("--wait", "--timeout", "2m"));
                    helm.run(args.toArray(String[]::new)).orThrow();
                    String sa = helm.serviceAccountOf(release, namespace);
                    Path kc = TokenKubeconfig.write(
                            kubectl, sa, namespace, tokenDuration, work.resolve(release + ".kubeconfig"));
                    OperatorIdentity id = new OperatorIdentity(release, namespace, sa, kc, kubectl.withKubeconfig(kc));
                    synchronized (this) {
                        releases.add(id);
                    }
                    Progress.log("  operator identity: %s (kubeconfig %s)", id.username(), kc);
                    return id;
                });
    }

    /** Starts the SES emulator jar ({@code --port 0} + {@code flags}); log {@code logs/<name>.log}; stopped by close. */
    public Emulator startEmulator(String name, List<String> flags) {
        return startEmulator(name, Repo.emulatorJar(), flags);
    }

    /** As {@link #startEmulator(String, List)} with another jar (e.g. a snapshot taken before a long run). */
    public Emulator startEmulator(String name, Path jar, List<String> flags) {
        return Progress.value(
                "SES emulator " + name + ": java -jar " + jar.getFileName() + " --port 0 " + String.join(" ", flags),
                () -> register(Emulator.start(jar, logs.resolve(name + ".log"), flags)));
    }

    /**
     * Starts the operator jar ({@code jar}, e.g. {@link Repo#operatorJar()} or a snapshot of it) as {@code name} with
     * {@link OperatorProcess#baseEnv} for {@code identity} and {@code emulator} plus {@code settings}; log
     * {@code logs/<name>.log}; stopped by close. Does not wait for readiness ({@link OperatorProcess#awaitReady}).
     */
    public OperatorProcess startOperator(
            String name, Path jar, OperatorIdentity identity, Emulator emulator, Map<String, String> settings)
            throws IOException {
        Map<String, String> env = OperatorProcess.baseEnv(identity.kubeconfig(), emulator, "us-east-1");
        env.putAll(settings);
        return register(OperatorProcess.start(name, jar, logs.resolve(name + ".log"), env));
    }

    /**
     * Adds something the suite started on its own (e.g. ArgoCD's processes) to the teardown: closed by
     * {@link #close()} before what was registered earlier (the reverse order of starting).
     */
    public synchronized <T extends AutoCloseable> T register(T process) {
        processes.push(process);
        return process;
    }

    /**
     * A namespace this suite owns: created when missing; MultiRegionEndpoints left in it by an aborted earlier run
     * are removed (finalizers dropped: their operator is gone); emptied again by {@link #close()}. Claim namespaces
     * before starting an operator that watches them, so that it never acts on leftovers.
     */
    public synchronized String namespace(String name) {
        if (namespaces.containsKey(name)) {
            return name;
        }
        Progress.step("namespace " + name, () -> {
            var ns = kubectl.getJson("namespace", name);
            if (ns.isPresent() && ns.get().path("metadata").has("deletionTimestamp")) {
                Conditions.await(
                        "namespace " + name + " (Terminating) gone",
                        Duration.ofMinutes(2),
                        () -> kubectl.getJson("namespace", name).isEmpty(),
                        () -> name
                                + " still Terminating: a control plane without kube-controller-manager (e2e/testenv) "
                                + "never finishes deleting a namespace; use another TESTENV_WORK_DIR or restart it");
                ns = java.util.Optional.empty();
            }
            boolean created = ns.isEmpty();
            if (created) {
                kubectl.ok("create", "namespace", name);
            } else {
                removeObjects(name);
            }
            namespaces.put(name, created);
        });
        return name;
    }

    /** Every MultiRegionEndpoint of the namespace deleted at once, finalizers dropped first (no operator involved). */
    public void removeObjects(String namespace) {
        Cmd.Result list = kubectl.quiet("get", CRD_NAME, "-n", namespace, "-o", "name");
        List<String> names =
                list.ok() ? list.stdout().lines().filter(l -> !l.isBlank()).toList() : List.of();
        if (names.isEmpty()) {
            return;
        }
        Progress.log("  %d MultiRegionEndpoints left in %s: finalizers dropped, deleted", names.size(), namespace);
        for (String n : names) {
            kubectl.quiet("patch", n, "-n", namespace, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        }
        kubectl.run("delete", CRD_NAME, "--all", "-n", namespace, "--ignore-not-found", "--wait=true", "--timeout=60s");
    }

    /** Operator log tails, emulator state, objects and events: for a failure message. */
    public String diagnostics(String why) {
        StringBuilder sb = new StringBuilder("\n---------- diagnostics (" + why + ") ----------\n");
        List<AutoCloseable> procs;
        synchronized (this) {
            procs = List.copyOf(processes);
        }
        for (AutoCloseable p : procs) {
            try {
                if (p instanceof OperatorProcess op) {
                    sb.append("operator ")
                            .append(op.name())
                            .append(" log (")
                            .append(op.log())
                            .append("), last 200 lines:\n")
                            .append(op.tail(200))
                            .append('\n');
                } else if (p instanceof Emulator emu && emu.isAlive()) {
                    sb.append("emulator endpoints:\n");
                    emu.endpoints().forEach(e -> sb.append("  ").append(e).append('\n'));
                    sb.append("emulator log (")
                            .append(emu.log())
                            .append("), last 30 lines:\n")
                            .append(Processes.tail(emu.log(), 30))
                            .append('\n');
                }
            } catch (RuntimeException | AssertionError e) {
                sb.append("(diagnostics incomplete: ").append(e).append(")\n");
            }
        }
        if (kubectl != null) {
            sb.append(kubectl.quiet("get", "mre", "-A", "-o", "wide").output()).append('\n');
            String events = kubectl.quiet("get", "events", "-A", "--sort-by=.lastTimestamp")
                    .output();
            sb.append("events (last 40):\n").append(Processes.tail(events, 40)).append('\n');
        }
        return sb.append("---------- end of diagnostics ----------").toString();
    }

    /**
     * Stops what the suite started, in reverse order; when the control plane outlives the suite (reused or
     * external), removes the suite's objects, releases and (external clusters only: they have a namespace controller)
     * the namespaces it created, and checks that the API server is healthy for the next suite.
     */
    @Override
    public void close() {
        List<AutoCloseable> toStop = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            while (!processes.isEmpty()) {
                toStop.add(processes.pop());
            }
        }
        Progress.log(
                "teardown of %s: %d processes%s",
                suite,
                toStop.size(),
                controlPlane == null
                        ? ""
                        : controlPlane.origin() == ControlPlane.Origin.STARTED
                                ? ", then the control plane"
                                : "; the control plane outlives the suite: its objects and releases are removed");
        for (AutoCloseable p : toStop) {
            safely("stop " + p, p::close);
        }
        if (controlPlane == null) {
            return;
        }
        if (controlPlane.origin() != ControlPlane.Origin.STARTED && kubectl != null) {
            for (Map.Entry<String, Boolean> ns : namespaces.entrySet()) {
                safely("empty namespace " + ns.getKey(), () -> removeObjects(ns.getKey()));
                if (ns.getValue() && controlPlane.origin() == ControlPlane.Origin.EXTERNAL) {
                    safely(
                            "delete namespace " + ns.getKey(),
                            () -> kubectl.run("delete", "namespace", ns.getKey(), "--wait=false"));
                }
            }
            for (OperatorIdentity id : releases) {
                safely(
                        "helm uninstall " + id.release(),
                        () -> helm.run("uninstall", id.release(), "-n", id.namespace(), "--wait"));
            }
            safely("kube-apiserver healthy", () -> controlPlane.awaitHealthy(kubectl, Duration.ofMinutes(1)));
        }
        safely("control plane", controlPlane::close);
        Progress.log("logs: %s", logs);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void safely(String what, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            Progress.log("teardown step '%s' failed (continuing): %s", what, e);
        }
    }
}
