package dev.mre.e2e.chaos;

import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Machine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run does, from system properties: chaos.variant (smoke|full), chaos.objects (30), chaos.seed,
 * chaos.kills (5), chaos.adaptive (true), chaos.timeout (per phase), chaos.doc (where the report goes), chaos.work.
 * {@code operatorEnv}: settings every replica gets on top of the run's own (the soak's call-rate ceiling).
 */
record ChaosSettings(
        String variant,
        int objects,
        long seed,
        int kills,
        boolean adaptive,
        Duration convergeTimeout,
        double gapMinSeconds,
        double gapMaxSeconds,
        Map<String, Object> faults,
        Duration latencySpike,
        Path doc,
        Path work,
        Path operatorJar,
        Path emulatorJar,
        Map<String, String> operatorEnv) {

    static final String NAMESPACE = "chaos";
    static final String CLUSTER_ID = "chaos";
    static final String RELEASE = "ses-mre-operator-chaos";
    static final String SYSTEM_NAMESPACE = "ses-mre-chaos";
    static final String ACCOUNT = "123456789012";
    /** Access keys the emulator accepts: one per operator process, so that its call log tells the replicas apart. */
    static final int KEYS = 32;

    static ChaosSettings fromSystemProperties() {
        Path repo = Repo.root();
        String variant = Params.str("chaos.variant", "smoke");
        boolean smoke = variant.equals("smoke");
        Path work = Path.of(Params.str(
                "chaos.work",
                repo.resolve("e2e/suite/target/chaos/" + variant + "/work").toString()));
        // faults (choices, reported): each SES call draws at most one of drop / 429 / 500 in this order, then maybe
        // loses its answer after doing the work; 5 % of calls wait 1.5 s more; every call 20 ms
        Map<String, Object> faults = new LinkedHashMap<>();
        faults.put("errorRate500", 0.10);
        faults.put("throttleRate", 0.10);
        faults.put("dropConnectionRate", 0.02);
        faults.put("dropResponseRate", 0.01);
        faults.put("latency", "20ms");
        faults.put("latencySpikeRate", 0.05);
        faults.put("latencySpike", "1500ms");
        return new ChaosSettings(
                variant,
                Params.integer("chaos.objects", 30),
                Params.longValue("chaos.seed", 20261125L),
                Params.integer("chaos.kills", 5),
                // the operator's defaults unless told otherwise: SES_MRE_ADAPTIVE_RATE_LIMIT=false keeps the fixed
                // ceiling and per-object backoff but not the adaptive rate below it (a diagnostic variant, reported as
                // such)
                Params.bool("chaos.adaptive", true),
                // per phase (create, delete); both together stay under the e2e pom's 40 min surefire fork timeout
                Params.duration("chaos.timeout", Duration.ofMinutes(smoke ? 6 : 16)),
                smoke ? 2 : 3,
                smoke ? 8 : 20,
                faults,
                Duration.ofMillis(1500),
                Path.of(Params.str(
                        "chaos.doc",
                        repo.resolve("e2e/suite/target/chaos/" + variant + "/reliability.md")
                                .toString())),
                work,
                Machine.jar("chaos.operatorJar", work.resolveSibling("jars/operator.jar"), Repo.operatorJar()),
                Machine.jar("chaos.emulatorJar", work.resolveSibling("jars/emulator.jar"), Repo.emulatorJar()),
                Map.of());
    }

    static String accessKey(int no) {
        return String.format("AKIDCHAOS%02d", no);
    }

    static String secret(int no) {
        return String.format("chaos-secret-%02d", no);
    }

    /** The emulator's flags without the --credentials (for the report). */
    List<String> emulatorSettingsFlags() {
        List<String> flags = new ArrayList<>(List.of(
                "--create-delay",
                "3s",
                "--delete-delay",
                "3s",
                "--threads",
                "32",
                "--seed",
                Long.toString(seed),
                "--quota",
                Integer.toString(Math.max(100, 2 * objects))));
        faults.forEach((k, v) -> {
            flags.add("--"
                    + k.replaceAll("([A-Z])", "-$1").replaceAll("(\\d+)", "-$1").toLowerCase());
            flags.add(v.toString());
        });
        return flags;
    }

    /** Every flag: the settings plus one --credentials per access key. */
    List<String> emulatorFlags() {
        List<String> flags = emulatorSettingsFlags();
        for (int i = 1; i <= KEYS; i++) {
            flags.add("--credentials");
            flags.add(accessKey(i) + ":" + secret(i) + ":" + ACCOUNT);
        }
        return flags;
    }
}
