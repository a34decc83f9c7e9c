package dev.mre.e2e;

import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.harness.SuiteExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The e2e suite's environment on the {@link Harness}, started once for all classes ({@link SuiteExtension}): the
 * control plane, the CRD, the chart's RBAC and the operator's token kubeconfig, the suite's namespaces, the SES
 * emulator and the operator.
 */
public final class E2eExtension extends SuiteExtension<E2eExtension.Suite> {

    public static final String CLUSTER_ID = "e2e";
    public static final String RELEASE = "ses-mre-operator-e2e";
    public static final String SYSTEM_NAMESPACE = "ses-mre-e2e";
    /** The namespaces the suite's objects live in (mail: the one examples/ declares). */
    public static final List<String> NAMESPACES =
            List.of("mail", "e2e-invalid", "e2e-crash", "e2e-watch", "e2e-kstatus");
    /** The emulator's defaults for the suite; a test that changes one puts it back. */
    public static final String CREATE_DELAY = "2s";

    public static final String DELETE_DELAY = "2s";

    /**
     * A second access key of the emulator's account (user {@code cluster-b}), for the operator of a second cluster
     * (A16): its calls are told apart from this operator's by the key in the emulator's call log.
     */
    public static final String CLUSTER_B_ACCESS_KEY = "AKIDCLUSTERB";

    public static final String CLUSTER_B_SECRET_KEY = "cluster-b-secret";

    /** What every area shares. */
    public record Suite(
            Harness harness, Harness.OperatorIdentity identity, Emulator emulator, OperatorProcess operator) {}

    public E2eExtension() {
        super(
                "e2e",
                Path.of(Params.str(
                        "e2e.work", Repo.root().resolve("e2e/suite/target/e2e").toString())),
                "control plane, CRD, chart, emulator, operator");
    }

    public static Suite suite() {
        return current(E2eExtension.class);
    }

    @Override
    protected Suite start(Harness h) throws Exception {
        h.applyCrds();
        Harness.OperatorIdentity id =
                h.installOperatorRbac(RELEASE, SYSTEM_NAMESPACE, "4h", "operator.export.enabled=true");
        NAMESPACES.forEach(h::namespace);
        Emulator emu = h.startEmulator(
                "emulator",
                List.of(
                        "--create-delay",
                        CREATE_DELAY,
                        "--delete-delay",
                        DELETE_DELAY,
                        "--threads",
                        "8",
                        "--credentials",
                        CLUSTER_B_ACCESS_KEY + ":" + CLUSTER_B_SECRET_KEY + ":" + Emulator.ACCOUNT_ID + ":cluster-b"));
        OperatorProcess op = h.startOperator(
                "operator",
                Repo.operatorJar(),
                id,
                emu,
                Map.of(
                        "SES_MRE_CLUSTER_ID",
                        CLUSTER_ID,
                        "SES_MRE_RESYNC_PERIOD",
                        "20s",
                        "SES_MRE_RETAIN_NAMESPACES",
                        "*",
                        "SES_MRE_ALLOW_REPLICA_IDENTITIES",
                        "true",
                        "SES_MRE_ALLOW_EXPORT",
                        "true"));
        op.awaitReady(Duration.ofSeconds(90));
        return new Suite(h, id, emu, op);
    }
}
