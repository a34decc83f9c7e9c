package dev.mre.sesemulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads and writes {@link Settings} as JSON (admin API) and command-line flags (standalone jar), derived from the
 * record's components: the JSON key is the component's name, the flag its kebab-case ({@code errorRate500} =
 * {@code --error-rate-500}), the help text and bounds its {@link Setting}. Jackson converts every value (also from
 * the text a flag gives), the JSON forms of {@link Role} and {@link IamPolicy} being theirs. Written by hand, in
 * {@link #READERS} and {@link #WRITERS}, only what Jackson has no form for: durations as people type them
 * ({@link DurationText}), operation names ({@link Operation#parseAll}, written sorted), and the map settings, whose
 * update merges entries (null removes one, or clears the map) and whose entries are checked against their key.
 */
final class SettingsCodec {

    /** What a setting is, for the help text and the checks; on each component of {@link Settings}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    @interface Setting {
        /** The help text. */
        String value();

        /** Integral bounds of a number: outside, it is refused as "NAME must be RULE: VALUE" (0..1 = a probability). */
        double min() default Double.NEGATIVE_INFINITY;

        double max() default Double.POSITIVE_INFINITY;

        /** The rule as a refusal states it, when not the bounds ({@code >= 0}, {@code 1..1000}). */
        String rule() default "";

        boolean nullable() default false;

        /** For a map setting: the repeatable flag that sets one entry as {@code KEY=JSON} or {@code KEY=@FILE}. */
        String entryFlag() default "";
    }

    /** Reads a value Jackson has no form for; a map merges into its current value. */
    private interface Reader {
        Object read(String name, JsonNode node, Object current);
    }

    /** Strict where Jackson is lenient by default: 7.5 is no int, 1 no boolean, null and "" no number. */
    private static final ObjectMapper MAPPER = Json.MAPPER
            .copy()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    static {
        MAPPER.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }

    private static final RecordComponent[] COMPONENTS = Settings.class.getRecordComponents();
    private static final Map<String, Integer> INDEX = new LinkedHashMap<>();

    static {
        for (int i = 0; i < COMPONENTS.length; i++) {
            INDEX.put(COMPONENTS[i].getName(), i);
        }
    }

    private static final JavaType OPERATIONS =
            MAPPER.getTypeFactory().constructCollectionType(Set.class, Operation.class);

    private static final Map<JavaType, Reader> READERS = Map.of(
            type(Duration.class),
            (name, n, current) -> DurationText.parse(n),
            OPERATIONS,
            (name, n, current) -> Operation.parseAll(n),
            mapOf(AccountLimits.class),
            map(Settings::accountId, (id, n) -> convert(n, type(AccountLimits.class))),
            mapOf(Role.class),
            map(arn -> arn, Role::fromJson),
            mapOf(IamPolicy.class),
            map(Settings::policyPrincipal, (arn, n) -> convert(n, type(IamPolicy.class))));

    private static final Map<JavaType, Function<Object, JsonNode>> WRITERS = Map.of(
            type(Duration.class),
            d -> TextNode.valueOf(DurationText.format((Duration) d)),
            OPERATIONS,
            ops -> MAPPER.valueToTree(
                    ((Set<?>) ops).stream().map(String::valueOf).sorted().toList()));

    private static final Constructor<Settings> CANONICAL = canonical();

    private SettingsCodec() {}

    static ObjectNode toJson(Settings settings) {
        ObjectNode node = Json.object();
        Object[] values = values(settings);
        for (int i = 0; i < COMPONENTS.length; i++) {
            var writer = WRITERS.get(type(COMPONENTS[i].getGenericType()));
            node.set(
                    COMPONENTS[i].getName(),
                    writer != null && values[i] != null ? writer.apply(values[i]) : MAPPER.valueToTree(values[i]));
        }
        return node;
    }

    /** A partial update of {@code current}: all of it or nothing (an exception naming the setting). */
    static Settings apply(Settings current, JsonNode update) {
        if (!update.isObject()) {
            throw new IllegalArgumentException("settings must be a JSON object");
        }
        Object[] values = values(current);
        for (Map.Entry<String, JsonNode> e : update.properties()) {
            Integer i = INDEX.get(e.getKey());
            if (i == null) {
                throw new IllegalArgumentException(
                        "unknown setting '" + e.getKey() + "'; known: " + String.join(", ", INDEX.keySet()));
            }
            JavaType type = type(COMPONENTS[i].getGenericType());
            Reader reader = READERS.get(type);
            try {
                Object value =
                        reader != null ? reader.read(e.getKey(), e.getValue(), values[i]) : convert(e.getValue(), type);
                values[i] = check(COMPONENTS[i], value);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("invalid value for " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        try {
            return CANONICAL.newInstance(values);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code settings}, when every component keeps its {@link Setting}'s rule. */
    static Settings validate(Settings settings) {
        Object[] values = values(settings);
        for (int i = 0; i < COMPONENTS.length; i++) {
            check(COMPONENTS[i], values[i]);
        }
        return settings;
    }

    private static Object check(RecordComponent c, Object value) {
        Setting s = c.getAnnotation(Setting.class);
        if (value == null && !s.nullable()) {
            throw new IllegalArgumentException(c.getName() + " must not be null");
        }
        if (value instanceof Duration d && d.isNegative()) {
            throw new IllegalArgumentException(c.getName() + " must not be negative: " + d);
        }
        if (value instanceof Number n
                && !(n.doubleValue() >= s.min() && n.doubleValue() <= s.max() && !Double.isInfinite(n.doubleValue()))) {
            String rule = !s.rule().isEmpty()
                    ? s.rule()
                    : s.min() == 0 && s.max() == 1
                            ? "a probability between 0 and 1"
                            : s.max() == Double.POSITIVE_INFINITY
                                    ? ">= " + (long) s.min()
                                    : (long) s.min() + ".." + (long) s.max();
            throw new IllegalArgumentException(c.getName() + " must be " + rule + ": " + value);
        }
        return value;
    }

    /** The map setting whose repeatable entry flag this is ({@code policy} -> {@code policies}), or null. */
    static String mapKeyForEntryFlag(String flag) {
        return Arrays.stream(COMPONENTS)
                .filter(c -> flag.equals(c.getAnnotation(Setting.class).entryFlag()))
                .map(RecordComponent::getName)
                .findFirst()
                .orElse(null);
    }

    /** The JSON key for a kebab-case flag name, or null: {@code error-rate-500} -> {@code errorRate500}. */
    static String keyForFlag(String flag) {
        return INDEX.keySet().stream()
                .filter(key -> flagFor(key).equals(flag))
                .findFirst()
                .orElse(null);
    }

    static String flagFor(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1-$2")
                .replaceAll("([a-zA-Z])(\\d)", "$1-$2")
                .toLowerCase(Locale.ROOT);
    }

    static List<String> helpLines() {
        return Arrays.stream(COMPONENTS)
                .map(c -> {
                    Setting s = c.getAnnotation(Setting.class);
                    String usage = s.entryFlag().isEmpty()
                            ? flagFor(c.getName()) + " VALUE"
                            : s.entryFlag() + " KEY=JSON|KEY=@FILE";
                    return String.format("  --%-44s %s", usage, s.value());
                })
                .toList();
    }

    private static Object[] values(Settings settings) {
        Object[] values = new Object[COMPONENTS.length];
        try {
            for (int i = 0; i < COMPONENTS.length; i++) {
                values[i] = COMPONENTS[i].getAccessor().invoke(settings);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    private static Constructor<Settings> canonical() {
        try {
            return Settings.class.getDeclaredConstructor(
                    Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JavaType type(java.lang.reflect.Type type) {
        return MAPPER.getTypeFactory().constructType(type);
    }

    private static JavaType mapOf(Class<?> valueType) {
        return MAPPER.getTypeFactory().constructMapType(Map.class, String.class, valueType);
    }

    /**
     * A map setting: an update names the entries it changes, {@code entry} reading each value (a null value removes
     * the entry) after {@code checkKey}; null clears the map. The command line may pass the whole object as text.
     */
    @SuppressWarnings("unchecked")
    private static Reader map(UnaryOperator<String> checkKey, BiFunction<String, JsonNode, Object> entry) {
        return (name, n, current) -> {
            JsonNode node = n;
            if (node.isTextual()) {
                try {
                    node = Json.MAPPER.readTree(node.asText());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(name + " must be a JSON object: " + e.getMessage());
                }
            }
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException(name + " must be a JSON object {key: value}, or null to clear it");
            }
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) current);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                try {
                    String key = checkKey.apply(e.getKey());
                    if (e.getValue().isNull()) {
                        merged.remove(key);
                    } else {
                        merged.put(key, entry.apply(key, e.getValue()));
                    }
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(name + "[" + e.getKey() + "]: " + ex.getMessage(), ex);
                }
            }
            return merged;
        };
    }

    /** What a refusal calls a scalar that did not convert: {@code not an integer: "x"}. */
    private static final Map<Class<?>, String> SCALARS = Map.of(
            int.class, "an integer",
            Integer.class, "an integer",
            Long.class, "an integer",
            double.class, "a number",
            Double.class, "a number",
            boolean.class, "a boolean");

    /** Jackson's conversion; its refusal in one line, in this codec's words. */
    private static Object convert(JsonNode n, JavaType type) {
        String fields = type.isRecordType()
                ? String.join(
                        ", ",
                        Arrays.stream(type.getRawClass().getRecordComponents())
                                .map(RecordComponent::getName)
                                .toList())
                : "";
        if (type.isRecordType() && !n.isObject()) {
            throw new IllegalArgumentException("must be an object {" + fields + "}");
        }
        try {
            return MAPPER.convertValue(n, type);
        } catch (IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnrecognizedPropertyException u) {
                    throw new IllegalArgumentException(
                            "unknown field '" + u.getPropertyName() + "' (known: " + fields + ")", e);
                }
                if (t instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException a) {
                    throw a;
                }
                if (t instanceof MismatchedInputException m && SCALARS.containsKey(m.getTargetType())) {
                    JsonNode bad =
                            m.getPath().isEmpty() ? n : n.get(m.getPath().get(0).getFieldName());
                    throw new IllegalArgumentException("not " + SCALARS.get(m.getTargetType()) + ": " + bad, e);
                }
                if (t instanceof JsonMappingException m) {
                    throw new IllegalArgumentException(m.getOriginalMessage(), e);
                }
            }
            throw e;
        }
    }
}
