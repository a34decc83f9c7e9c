package dev.mre.sesemulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects input validation failures and reports them the way AWS (Coral) services do:
 * {@code 1 validation error detected: Value 'x y' at 'EndpointName' failed to satisfy constraint: ...}.
 * Fields are named by their wire path so a caller can tell which one is wrong.
 */
final class Violations {

    private final List<String> messages = new ArrayList<>();

    Violations add(Object value, String field, String constraint) {
        String shown = value == null ? "null" : "'" + value + "'";
        messages.add("Value " + shown + " at '" + field + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            int n = messages.size();
            throw SesErrors.badRequest(
                    n + " validation error" + (n == 1 ? "" : "s") + " detected: " + String.join("; ", messages));
        }
    }
}
