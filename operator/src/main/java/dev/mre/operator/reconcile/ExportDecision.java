package dev.mre.operator.reconcile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure part of spec.export (issue 22 section 3): from the spec, the administrator's rule, what SES reported of
 * the endpoint and the ConfigMap of that name as found, what to do with the ConfigMap. No I/O; {@link ExportStep}
 * reads and writes.
 */
final class ExportDecision {

    public static final String ENDPOINT_ID = "SES_ENDPOINT_ID";
    public static final String ENDPOINT_NAME = "SES_ENDPOINT_NAME";
    public static final String ENDPOINT_ARN = "SES_ENDPOINT_ARN";
    public static final String PRIMARY_REGION = "SES_PRIMARY_REGION";
    public static final String SECONDARY_REGION = "SES_SECONDARY_REGION";
    /** Every key the operator writes, in this order. */
    public static final List<String> KEYS =
            List.of(ENDPOINT_ID, ENDPOINT_NAME, ENDPOINT_ARN, PRIMARY_REGION, SECONDARY_REGION);

    private ExportDecision() {}

    /** The ConfigMap of the export's name as found in the object's namespace. */
    enum Found {
        /** No ConfigMap of that name. */
        NONE,
        /** One whose controller ownerReference is this object (this operator created it for this object). */
        OURS,
        /** One anybody else created (or owned by another object): never written. */
        FOREIGN
    }

    enum Action {
        /** No spec.export, or nothing to change. */
        NOTHING,
        /** Not yet: SES has not reported the endpoint READY with an id, ARN and both regions. */
        WAIT,
        CREATE,
        UPDATE,
        /** A ConfigMap of that name exists and this operator did not create it for this object. */
        CONFLICT,
        /** The administrator does not allow exports (SES_MRE_ALLOW_EXPORT=false). */
        NOT_ALLOWED
    }

    /**
     * @param configMapName spec.export.configMapName; null: no export
     * @param allowed SES_MRE_ALLOW_EXPORT
     * @param endpointStatus status.endpointStatus (what SES last reported)
     * @param regions status.regions as SES reported them (primary first or not: the secondary is the other one)
     * @param found the ConfigMap of that name, as found
     * @param data its data when {@code found} is OURS
     */
    record Input(
            String configMapName,
            boolean allowed,
            String endpointId,
            String endpointName,
            String arn,
            String endpointStatus,
            String primaryRegion,
            List<String> regions,
            Found found,
            Map<String, String> data) {}

    /** What to do; {@code data} is what the ConfigMap must hold (CREATE, UPDATE), {@code message} for the status. */
    record Verdict(Action action, Map<String, String> data, String message) {}

    static Verdict next(Input in) {
        if (in.configMapName() == null) {
            return new Verdict(Action.NOTHING, Map.of(), null);
        }
        if (!in.allowed()) {
            return new Verdict(
                    Action.NOT_ALLOWED, Map.of(), Reason.Message.EXPORT_NOT_ALLOWED.format(in.configMapName()));
        }
        if (in.found() == Found.FOREIGN) {
            return new Verdict(Action.CONFLICT, Map.of(), Reason.Message.EXPORT_CONFLICT.format(in.configMapName()));
        }
        Map<String, String> data = data(in);
        if (data == null) {
            return new Verdict(Action.WAIT, Map.of(), null);
        }
        if (in.found() == Found.NONE) {
            return new Verdict(Action.CREATE, data, null);
        }
        return data.equals(in.data())
                ? new Verdict(Action.NOTHING, data, null)
                : new Verdict(Action.UPDATE, data, null);
    }

    /** The ConfigMap's data, only from what SES reported; null until it reported the endpoint READY and complete. */
    static Map<String, String> data(Input in) {
        if (!"READY".equals(in.endpointStatus())
                || blank(in.endpointId())
                || blank(in.endpointName())
                || blank(in.arn())
                || blank(in.primaryRegion())
                || in.regions() == null) {
            return null;
        }
        String secondary = in.regions().stream()
                .filter(r -> !r.equals(in.primaryRegion()))
                .findFirst()
                .orElse(null);
        if (secondary == null || !in.regions().contains(in.primaryRegion())) {
            return null;
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ENDPOINT_ID, in.endpointId());
        d.put(ENDPOINT_NAME, in.endpointName());
        d.put(ENDPOINT_ARN, in.arn());
        d.put(PRIMARY_REGION, in.primaryRegion());
        d.put(SECONDARY_REGION, secondary);
        return d;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
