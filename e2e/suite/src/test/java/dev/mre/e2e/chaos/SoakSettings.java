package dev.mre.e2e.chaos;

import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Repo;
import dev.mre.e2e.perf.support.Machine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a soak run does, from system properties soak.*: soak.variant (smoke|full), soak.objects, soak.duration (from the
 * apply of the first objects to the end of the churn), soak.killEvery (one SIGKILL of the leader per period),
 * soak.churnEvery (one churn operation per period, in turn: a create, a tag edit, a delete), soak.rate (the operator's
 * SES_MRE_MAX_CALL_RATE), soak.seed, soak.doc / soak.json (the report), soak.work.
 *
 * <p>The pass rule is the issue's, scaled to the duration: RSS after the first sixth (10 min of 60) may grow by less
 * than 5 % over the rest. Windows and sampling periods scale with the duration too, so that the smoke run goes through
 * the same code with the same rule.
 */
record SoakSettings(
        String variant,
        int objects,
        Duration duration,
        Duration killEvery,
        Duration churnEvery,
        double rate,
        long seed,
        Duration warmup,
        Duration window,
        Duration sampleEvery,
        Duration liveHeapEvery,
        Duration settleAfterTakeover,
        double maxGrowth,
        Path doc,
        Path json,
        Path work,
        ChaosSettings chaos) {

    static SoakSettings fromSystemProperties() {
        Path repo = Repo.root();
        String variant = Params.str("soak.variant", "smoke");
        boolean smoke = variant.equals("smoke");
        int objects = Params.integer("soak.objects", smoke ? 100 : 1000);
        Duration duration = Params.duration("soak.duration", smoke ? Duration.ofMinutes(3) : Duration.ofMinutes(60));
        Duration killEvery = Params.duration("soak.killEvery", duration.dividedBy(4));
        Duration churnEvery = Params.duration("soak.churnEvery", smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(3));
        double rate = Double.parseDouble(Params.str("soak.rate", "10"));
        long seed = Params.longValue("soak.seed", 20261207L);
        Path base = repo.resolve("e2e/suite/target/soak/" + variant);
        Path work = Path.of(Params.str("soak.work", base.resolve("work").toString()));
        Path doc = Path.of(Params.str("soak.doc", base.resolve("soak.md").toString()));
        Path json = Path.of(Params.str("soak.json", base.resolve("soak.json").toString()));
        // SES faults: the three the issue names (each call draws at most one, in this order), plus 20 ms per call
        Map<String, Object> faults = new LinkedHashMap<>();
        faults.put("dropConnectionRate", 0.01);
        faults.put("errorRate500", 0.02);
        faults.put("throttleRate", 0.05);
        faults.put("latency", "20ms");
        Duration sampleEvery = duration.compareTo(Duration.ofMinutes(10)) <= 0
                ? Duration.ofSeconds(2)
                : Duration.ofSeconds(Math.max(2, duration.toSeconds() / 720));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SES_MRE_MAX_CALL_RATE", Params.str("soak.rate", "10"));
        // the kills: planned at k × killEvery while k × killEvery leaves the final window and a settling time clear
        Duration window = duration.dividedBy(12);
        Duration settle = Duration.ofSeconds(Math.min(120, Math.max(20, duration.toSeconds() / 30)));
        int kills = 0;
        for (long t = killEvery.toMillis();
                t < duration.minus(window).minus(settle).toMillis();
                t += killEvery.toMillis()) {
            kills++;
        }
        ChaosSettings chaos = new ChaosSettings(
                "soak-" + variant,
                objects,
                seed,
                kills,
                true,
                Params.duration("soak.timeout", Duration.ofMinutes(smoke ? 6 : 20)),
                0,
                0,
                faults,
                Duration.ZERO,
                doc,
                work,
                Machine.jar("soak.operatorJar", work.resolveSibling("jars/operator.jar"), Repo.operatorJar()),
                Machine.jar("soak.emulatorJar", work.resolveSibling("jars/emulator.jar"), Repo.emulatorJar()),
                Map.copyOf(env));
        return new SoakSettings(
                variant,
                objects,
                duration,
                killEvery,
                churnEvery,
                rate,
                seed,
                duration.dividedBy(6),
                window,
                sampleEvery,
                Duration.ofSeconds(Math.max(10, duration.toSeconds() / 24)),
                settle,
                0.05,
                doc,
                json,
                work,
                chaos);
    }
}
