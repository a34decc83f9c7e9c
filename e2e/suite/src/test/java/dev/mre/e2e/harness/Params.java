package dev.mre.e2e.harness;

import java.time.Duration;
import java.util.Locale;

/** Settings of a run: system properties (-Dname=value on the Maven command line), else defaults. */
public final class Params {

    private Params() {}

    public static String str(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    public static int integer(String name, int dflt) {
        return parse(name, str(name, Integer.toString(dflt)), "a whole number", Integer::parseInt);
    }

    public static long longValue(String name, long dflt) {
        return parse(name, str(name, Long.toString(dflt)), "a whole number", Long::parseLong);
    }

    public static boolean bool(String name, boolean dflt) {
        String v = str(name, Boolean.toString(dflt));
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("-D" + name + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** {@code 500ms}, or what ISO-8601 takes after "PT": {@code 3s}, {@code 1.5s}, {@code 10m}, {@code 1h}; or {@code PT10M}. */
    public static Duration duration(String name, Duration dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String t = v.trim().toUpperCase(Locale.ROOT);
        // java.time does the parsing; only milliseconds, which ISO-8601 has no unit for, are read here
        return parse(
                name,
                t,
                "a duration such as 500ms, 3s, 10m or PT10M",
                s -> s.endsWith("MS")
                        ? Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)))
                        : Duration.parse(s.startsWith("P") ? s : "PT" + s));
    }

    /** The way the emulator's CLI and the operator's env take a duration: whole seconds or milliseconds. */
    public static String flag(Duration d) {
        return d.toMillis() % 1000 == 0 ? (d.toMillis() / 1000) + "s" : d.toMillis() + "ms";
    }

    private static <T> T parse(String name, String value, String what, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("-D" + name + " must be " + what + ", got '" + value + "'", e);
        }
    }
}
