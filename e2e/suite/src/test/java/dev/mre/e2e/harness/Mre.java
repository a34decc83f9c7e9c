package dev.mre.e2e.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** A MultiRegionEndpoint manifest as a user would write it (YAML), built fluently. */
public final class Mre {

    /** The primary region of objects without spec.region: what the harness gives every operator as its default. */
    public static final String DEFAULT_REGION = "us-east-1";

    private final String namespace;
    private final String name;
    private String endpointName;
    private String region;
    private String secondary = "eu-west-1";
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String deletionPolicy;
    private String adoptionPolicy;
    private String managementPolicy;
    private List<String> sendingIdentities;

    private Mre(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    public static Mre of(String namespace, String name) {
        return new Mre(namespace, name);
    }

    /** An independent copy, to edit. */
    public Mre copy() {
        Mre c = new Mre(namespace, name);
        c.endpointName = endpointName;
        c.region = region;
        c.secondary = secondary;
        c.tags.putAll(tags);
        c.labels.putAll(labels);
        c.deletionPolicy = deletionPolicy;
        c.adoptionPolicy = adoptionPolicy;
        c.managementPolicy = managementPolicy;
        c.sendingIdentities = sendingIdentities;
        return c;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }

    public Mre endpointName(String v) {
        endpointName = v;
        return this;
    }

    public Mre region(String v) {
        region = v;
        return this;
    }

    public Mre secondary(String v) {
        secondary = v;
        return this;
    }

    public Mre tag(String key, String value) {
        tags.put(key, value);
        return this;
    }

    /** A label on the object (metadata.labels), e.g. the shard an operator's SES_MRE_WATCH_LABEL_SELECTOR picks. */
    public Mre label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public Mre deletionPolicy(String v) {
        deletionPolicy = v;
        return this;
    }

    public Mre adoptionPolicy(String v) {
        adoptionPolicy = v;
        return this;
    }

    /** spec.managementPolicy: Manage or ObserveOnly (null: not written, the operator's default Manage). */
    public Mre managementPolicy(String v) {
        managementPolicy = v;
        return this;
    }

    /** spec.sending.identities: the operator then reports SendingReady for these identities. */
    public Mre sending(String... identities) {
        sendingIdentities = List.of(identities);
        return this;
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    /** The endpoint name the operator must use: spec.endpointName, else metadata.name. */
    public String effectiveEndpointName() {
        return endpointName != null ? endpointName : name;
    }

    public String effectiveRegion() {
        return region != null ? region : DEFAULT_REGION;
    }

    public String secondary() {
        return secondary;
    }

    public Map<String, String> tags() {
        return Map.copyOf(tags);
    }

    public String yaml() {
        StringBuilder sb = new StringBuilder();
        sb.append("apiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n")
                .append("  name: ")
                .append(name)
                .append('\n')
                .append("  namespace: ")
                .append(namespace)
                .append('\n');
        if (!labels.isEmpty()) {
            sb.append("  labels:\n");
            labels.forEach((k, v) ->
                    sb.append("    \"").append(k).append("\": \"").append(v).append("\"\n"));
        }
        sb.append("spec:\n");
        if (endpointName != null) {
            sb.append("  endpointName: ").append(endpointName).append('\n');
        }
        if (region != null) {
            sb.append("  region: ").append(region).append('\n');
        }
        sb.append("  details:\n    routesDetails:\n      - region: ")
                .append(secondary)
                .append('\n');
        if (!tags.isEmpty()) {
            sb.append("  tags:\n");
            tags.forEach((k, v) -> sb.append("    - key: \"")
                    .append(k)
                    .append("\"\n      value: \"")
                    .append(v)
                    .append("\"\n"));
        }
        if (deletionPolicy != null) {
            sb.append("  deletionPolicy: ").append(deletionPolicy).append('\n');
        }
        if (adoptionPolicy != null) {
            sb.append("  adoptionPolicy: ").append(adoptionPolicy).append('\n');
        }
        if (managementPolicy != null) {
            sb.append("  managementPolicy: ").append(managementPolicy).append('\n');
        }
        if (sendingIdentities != null) {
            sb.append("  sending:\n    identities:\n");
            sendingIdentities.forEach(i -> sb.append("      - \"").append(i).append("\"\n"));
        }
        return sb.toString();
    }

    /** {@code n} objects named {@code <prefix>-0000}, {@code <prefix>-0001}, ..., each tagged team=&lt;prefix&gt;. */
    public static List<Mre> numbered(String namespace, String prefix, int n) {
        return numbered(namespace, prefix, 0, n);
    }

    /** As {@link #numbered(String, String, int)}, numbers {@code from} (inclusive) to {@code to} (exclusive). */
    public static List<Mre> numbered(String namespace, String prefix, int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> of(namespace, numberedName(prefix, i)).tag("team", prefix))
                .toList();
    }

    public static String numberedName(String prefix, int i) {
        return String.format("%s-%04d", prefix, i);
    }

    /** Several manifests as one multi-document YAML file. */
    public static String documents(Iterable<Mre> all) {
        StringBuilder sb = new StringBuilder();
        for (Mre m : all) {
            sb.append("---\n").append(m.yaml());
        }
        return sb.toString();
    }
}
