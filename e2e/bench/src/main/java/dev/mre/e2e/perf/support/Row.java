package dev.mre.e2e.perf.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One object of {@code docs/benchmarks.json}: one scenario (and mode) with the figures every scenario shares, null
 * where a scenario does not measure a field, plus the scenario's own extras. Built by the run programs into their
 * JSON result ({@code rows}); {@code BenchmarkReport} (module e2e/bench) merges them into the file.
 */
public final class Row {

    /** The fields every row has, in this order (null when the scenario does not measure it). */
    public static final List<String> FIELDS = List.of(
            "scenario",
            "objects",
            "mode",
            "bound_s",
            "converge_s",
            "ratio",
            "calls_per_endpoint",
            "share_429",
            "peak_rss_mib",
            "steady_calls_per_endpoint_hour",
            "restart_observe_s",
            "restart_calls",
            "start_ready_s",
            "operator_commit");

    /** STS operations the emulator counts too; they are not SES calls (no SES rate limit applies to them). */
    public static final Set<String> STS_OPERATIONS = Set.of("GetCallerIdentity", "AssumeRole");

    private Row() {}

    /** A row with every shared field null but the three that name it, and the commit the operator was built from. */
    public static Map<String, Object> of(String scenario, int objects, String mode, String operatorCommit) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (String f : FIELDS) {
            r.put(f, null);
        }
        r.put("scenario", scenario);
        r.put("objects", objects);
        r.put("mode", mode);
        r.put("operator_commit", operatorCommit);
        return r;
    }

    /** A number rounded to {@code decimals} (JSON stays readable), or null for NaN. */
    public static Double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    /** The key that identifies a row across runs: a newer row with the same key replaces the older one. */
    public static String key(Map<String, ?> row) {
        return row.get("scenario") + "|" + row.get("objects") + "|" + row.get("mode");
    }
}
