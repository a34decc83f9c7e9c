package dev.mre.e2e.perf.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Percentiles (nearest rank), medians and spreads, and number formatting for the reports. */
public final class Stats {

    private Stats() {}

    /** Nearest-rank percentile (p in 0..100) of the values; NaN when empty. */
    public static double percentile(Collection<? extends Number> values, double p) {
        List<Double> v = sortedNumbers(values);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }

    /** Median (mean of the two middle values for an even count); NaN when empty. */
    public static double median(Collection<? extends Number> values) {
        List<Double> v = sortedNumbers(values);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** The values that are numbers (not NaN), ascending. */
    private static List<Double> sortedNumbers(Collection<? extends Number> values) {
        List<Double> v = new ArrayList<>();
        values.stream()
                .map(Number::doubleValue)
                .filter(d -> !Double.isNaN(d))
                .sorted()
                .forEach(v::add);
        return v;
    }

    public static double min(Collection<? extends Number> values) {
        return values.stream()
                .mapToDouble(Number::doubleValue)
                .filter(d -> !Double.isNaN(d))
                .min()
                .orElse(Double.NaN);
    }

    public static double max(Collection<? extends Number> values) {
        return values.stream()
                .mapToDouble(Number::doubleValue)
                .filter(d -> !Double.isNaN(d))
                .max()
                .orElse(Double.NaN);
    }

    /** A number with {@code decimals} decimals, or "–" for NaN. */
    public static String f(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }

    /** "median (min..max)" or just the value when there is one run. */
    public static String spread(Collection<? extends Number> values, int decimals) {
        if (values.isEmpty()) {
            return "–";
        }
        double med = median(values);
        if (values.size() == 1) {
            return f(med, decimals);
        }
        return f(med, decimals) + " (" + f(min(values), decimals) + ".." + f(max(values), decimals) + ")";
    }
}
