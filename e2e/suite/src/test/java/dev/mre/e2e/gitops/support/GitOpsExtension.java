package dev.mre.e2e.gitops.support;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.ControlPlane;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Processes;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.harness.SuiteExtension;
import dev.mre.e2e.harness.TokenKubeconfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gitops-e2e suite's environment on the {@link Harness}, started once for all its classes: a control plane of
 * its own, ArgoCD as processes ({@link ArgoCd}), the local Git repository holding the project's {@code examples/}
 * and {@code helm/ses-mre-operator/} ({@link GitRepo}), and the SES emulator. The operator starts later
 * ({@link Suite#startOperator}), once ArgoCD has installed the chart's ServiceAccount and RBAC: it runs under that
 * ServiceAccount's token, as in the e2e suite.
 *
 * <p>Why a control plane of its own (the harness starts one in .work/testenv-gitops-e2e; {@code make gitops-e2e}
 * pins that folder): the first area needs a cluster that has never seen the MultiRegionEndpoint CRD, and ArgoCD is
 * installed cluster-wide (its CRDs, its namespace, a controller watching every resource) — nothing another suite
 * should meet. A control plane left running there by an aborted run is cleaned of what the suite created.
 */
public final class GitOpsExtension extends SuiteExtension<GitOpsExtension.Suite> {

    public static final String SUITE = "gitops-e2e";
    public static final String CLUSTER_ID = "gitops";
    /** Every Application's resync period (argocd-cm timeout.reconciliation); also how often Git is polled. */
    public static final Duration RESYNC = Duration.ofSeconds(10);

    /** What every area shares; the operator is started by the first area. */
    public static final class Suite {
        public final Harness harness;
        public final ArgoCd argocd;
        public final GitRepo git;
        public final Emulator emulator;
        private OperatorProcess operator;

        Suite(Harness harness, ArgoCd argocd, GitRepo git, Emulator emulator) {
            this.harness = harness;
            this.argocd = argocd;
            this.git = git;
            this.emulator = emulator;
        }

        /**
         * Starts the operator jar under the token of {@code namespace/serviceAccount} (the chart's, installed by
         * ArgoCD), the emulator as SES; waits until it is ready.
         */
        public synchronized OperatorProcess startOperator(String release, String namespace, String serviceAccount)
                throws Exception {
            if (operator != null && operator.isAlive()) {
                return operator;
            }
            Path kc = TokenKubeconfig.write(
                    harness.kubectl(),
                    serviceAccount,
                    namespace,
                    "4h",
                    harness.work().resolve(release + ".kubeconfig"));
            var identity = new Harness.OperatorIdentity(
                    release, namespace, serviceAccount, kc, harness.kubectl().withKubeconfig(kc));
            operator = harness.startOperator(
                    "operator",
                    Repo.operatorJar(),
                    identity,
                    emulator,
                    Map.of(
                            "SES_MRE_CLUSTER_ID",
                            CLUSTER_ID,
                            "SES_MRE_RESYNC_PERIOD",
                            "20s",
                            "SES_MRE_RETAIN_NAMESPACES",
                            "*"));
            operator.awaitReady(Duration.ofSeconds(90));
            return operator;
        }

        /** The operator, which the first area starts; the later areas need it. */
        public synchronized OperatorProcess requireOperator() {
            if (operator == null || !operator.isAlive()) {
                throw new IllegalStateException("the operator is not running: it starts once ArgoCD has installed the "
                        + "chart (the first area); see the failures above");
            }
            return operator;
        }
    }

    public GitOpsExtension() {
        super(
                SUITE,
                Path.of(Params.str(
                        "gitops.work",
                        Repo.root().resolve("e2e/suite/target/" + SUITE).toString())),
                "control plane, ArgoCD, Git repository, emulator");
    }

    public static Suite suite() {
        return current(GitOpsExtension.class);
    }

    @Override
    protected Suite start(Harness h) throws Exception {
        if (h.controlPlane().origin() == ControlPlane.Origin.EXTERNAL) {
            throw new IllegalStateException(
                    "E2E_KUBECONFIG is set: the gitops-e2e suite installs ArgoCD cluster-wide and "
                            + "starts from a cluster without the MultiRegionEndpoint CRD, so it runs only on a control plane of "
                            + "its own (unset E2E_KUBECONFIG; `make gitops-e2e` does)");
        }
        if (h.controlPlane().origin() == ControlPlane.Origin.REUSED) {
            Progress.step("reused control plane: remove what an earlier gitops-e2e run left", () -> removeLeftovers(h));
        }
        Repo.requireJar(Repo.operatorJar());
        Repo.requireJar(Repo.emulatorJar());
        ArgoCd argocd = h.register(new ArgoCd(h.repo(), h.work().resolve("argocd"), h.kubectl(), RESYNC));
        Progress.step(
                "ArgoCD: e2e/argocd/argocd.sh up (CRDs, argocd-cm with health.lua, Redis, repo server, "
                        + "application controller)",
                argocd::start);
        GitRepo git = Progress.value(
                "Git: a local repository with the project's examples/ and helm/ses-mre-operator/", () -> {
                    GitRepo g = GitRepo.create(h.work().resolve("git"));
                    g.copyFrom(h.repo(), "examples").copyFrom(h.repo(), "helm/ses-mre-operator");
                    g.commitAndPush("the project's examples and chart");
                    return g;
                });
        Emulator emu =
                h.startEmulator("emulator", List.of("--create-delay", "2s", "--delete-delay", "2s", "--threads", "8"));
        return new Suite(h, argocd, git, emu);
    }

    /** The names of the CRDs in the chart's crds/ (what ArgoCD installs with it). */
    public static List<String> chartCrds() {
        try (var files = Files.list(Repo.root().resolve(Harness.CHART).resolve("crds"))) {
            return files.filter(
                            f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted()
                    .map(f -> Json.text(Json.yamlDocuments(f).get(0), "metadata.name"))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Applications, MultiRegionEndpoints (finalizers dropped: no operator runs yet) and the CRDs of an earlier run. */
    private static void removeLeftovers(Harness h) {
        h.kubectl()
                .run(
                        "delete",
                        "applications.argoproj.io",
                        "--all",
                        "-n",
                        ArgoCd.NAMESPACE,
                        "--ignore-not-found",
                        "--wait=true",
                        "--timeout=60s");
        Cmd.Result list = h.kubectl()
                .quiet(
                        "get",
                        Harness.CRD_NAME,
                        "-A",
                        "-o",
                        "jsonpath={range .items[*]}{.metadata.namespace}{\"\\n\"}{end}");
        if (list.ok()) {
            list.stdout().lines().filter(l -> !l.isBlank()).distinct().forEach(h::removeObjects);
        }
        for (String crd : chartCrds()) {
            h.kubectl().run("delete", "crd", crd, "--ignore-not-found", "--wait=true", "--timeout=60s");
        }
    }

    @Override
    protected String diagnostics(Suite s, Harness h, String why) {
        StringBuilder sb = new StringBuilder();
        Cmd.Result apps = h.kubectl().quiet("get", "applications.argoproj.io", "-n", ArgoCd.NAMESPACE, "-o", "json");
        if (apps.ok()) {
            for (var app : Json.parse(apps.stdout()).path("items")) {
                sb.append("Application ")
                        .append(app.path("metadata").path("name").asText())
                        .append(": ")
                        .append(ArgoCd.describe(app))
                        .append('\n');
            }
        }
        for (String component : List.of("application-controller", "repo-server")) {
            Path f = s.argocd.logs().resolve(component + ".log");
            if (Files.exists(f)) {
                sb.append("ArgoCD ")
                        .append(component)
                        .append(" log (")
                        .append(f)
                        .append("), last 40 lines:\n")
                        .append(Processes.tail(f, 40))
                        .append('\n');
            }
        }
        return sb + h.diagnostics(why);
    }
}
