package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on a command line or in JSON: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 15m}, {@code 1h}, ISO {@code PT2S}, or bare milliseconds. */
final class DurationText {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private DurationText() {}

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 250ms, 2s, 15m or PT2S)");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        BigDecimal millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount.movePointRight(3);
            case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
            case "h" -> amount.multiply(BigDecimal.valueOf(3_600_000));
            default -> throw new IllegalStateException(unit);
        };
        return Duration.ofMillis(millis.longValue());
    }

    /** A JSON number is milliseconds; anything else is read as text. */
    static Duration parse(JsonNode n) {
        return n.isNumber() ? Duration.ofMillis(n.asLong()) : parse(n.asText());
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
