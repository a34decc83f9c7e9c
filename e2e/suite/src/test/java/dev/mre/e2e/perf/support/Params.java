package dev.mre.e2e.perf.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Settings of a perf/chaos run: system properties (-Dname=value on the Maven command line), else defaults. */
public final class Params {

    private Params() {}

    public static Path repo() {
        String prop = System.getProperty("e2e.repo");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("e2e/testenv/testenv.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (set -De2e.repo=...)");
        }
        return p;
    }

    public static String str(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    public static int integer(String name, int dflt) {
        return Integer.parseInt(str(name, Integer.toString(dflt)));
    }

    public static long longValue(String name, long dflt) {
        return Long.parseLong(str(name, Long.toString(dflt)));
    }

    public static double number(String name, double dflt) {
        return Double.parseDouble(str(name, Double.toString(dflt)));
    }

    public static boolean bool(String name, boolean dflt) {
        return Boolean.parseBoolean(str(name, Boolean.toString(dflt)));
    }

    public static Duration duration(String name, Duration dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : parseDuration(v.trim());
    }

    private static final Pattern SIMPLE = Pattern.compile("^(\\d+(?:\\.\\d+)?)(ms|s|m|h)$");

    /** {@code 500ms}, {@code 3s}, {@code 1.5s}, {@code 10m}, {@code 1h} or ISO-8601. */
    public static Duration parseDuration(String v) {
        Matcher m = SIMPLE.matcher(v);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            long ms = switch (m.group(2)) {
                case "ms" -> Math.round(n);
                case "s" -> Math.round(n * 1000);
                case "m" -> Math.round(n * 60_000);
                default -> Math.round(n * 3_600_000);
            };
            return Duration.ofMillis(ms);
        }
        return Duration.parse(v);
    }

    /** The way the emulator's CLI and the operator's env take a duration: whole seconds or milliseconds. */
    public static String flag(Duration d) {
        return d.toMillis() % 1000 == 0 ? (d.toMillis() / 1000) + "s" : d.toMillis() + "ms";
    }
}
