package dev.mre.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds to the fabric8-generated CRD what fabric8 7.5.2 has no annotation for (its ListType proposal,
 * fabric8io/kubernetes-client#6669, was closed unimplemented): list-map topology for spec.tags (so the API
 * server refuses duplicate keys and server-side apply merges tags by key) and status.conditions, descriptions
 * on the schema root, spec, status and condition fields, and the printer columns in a fixed order.
 */
public final class CrdFinisher {

    public static final String FILE = "multiregionendpoints.ses.mre.dev-v1.yml";
    public static final String ROLE_SELECTOR_FILE = "roleselectors.ses.mre.dev-v1.yml";
    /** Every CRD the operator ships. */
    public static final List<String> FILES = List.of(FILE, ROLE_SELECTOR_FILE);

    static final String HEADER = "# Generated from dev.mre.operator.api by the fabric8 CRD generator and CrdFinisher.\n"
            + "# Do not edit: change the Java model and run `make crds`.\n";
    private static final List<String> COLUMN_ORDER =
            List.of("Endpoint ID", "SES Status", "Primary", "Secondary", "Ready", "Role", "Namespaces", "Age");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private CrdFinisher() {}

    public static String finish(Path generated) throws IOException {
        ObjectNode crd = (ObjectNode) YAML.readTree(Files.readString(generated));
        if (generated.getFileName().toString().equals(ROLE_SELECTOR_FILE)) {
            return finishRoleSelector(crd);
        }
        ObjectNode version = (ObjectNode) crd.at("/spec/versions/0");
        orderColumns(version);
        ObjectNode schema = (ObjectNode) version.at("/schema/openAPIV3Schema");
        schema.put(
                "description",
                "MultiRegionEndpoint declares an Amazon SES v2 multi-region endpoint"
                        + " (global endpoint): a primary region and one secondary region that SES sends from.");
        ObjectNode spec = (ObjectNode) schema.at("/properties/spec");
        spec.put("description", "The endpoint as it should exist in SES (mirrors CreateMultiRegionEndpoint).");
        ObjectNode tags = (ObjectNode) spec.at("/properties/tags");
        tags.put("x-kubernetes-list-type", "map");
        tags.putArray("x-kubernetes-list-map-keys").add("key");
        ((ObjectNode) spec.at("/properties/details/properties/routesDetails")).put("x-kubernetes-list-type", "atomic");

        ObjectNode status = (ObjectNode) schema.at("/properties/status");
        status.put("description", "The endpoint as last observed in SES, and the kstatus conditions.");
        ObjectNode conditions = (ObjectNode) status.at("/properties/conditions");
        conditions.put("x-kubernetes-list-type", "map");
        conditions.putArray("x-kubernetes-list-map-keys").add("type");
        ObjectNode items = (ObjectNode) conditions.get("items");
        items.putArray("required").add("type").add("status");
        Map<String, String> descriptions = Map.of(
                "type", "Ready, Reconciling or Stalled.",
                "status", "True, False or Unknown.",
                "reason", "Machine-readable reason in CamelCase, for example Available, Creating, Throttled.",
                "message", "Human-readable detail, quoting AWS error text where there is one.",
                "lastTransitionTime", "When the status of this condition last changed (RFC 3339).",
                "observedGeneration", "metadata.generation this condition was computed for.");
        items.get("properties")
                .fields()
                .forEachRemaining(e -> ((ObjectNode) e.getValue()).put("description", descriptions.get(e.getKey())));
        return HEADER + YAML.writeValueAsString(crd);
    }

    private static String finishRoleSelector(ObjectNode crd) throws IOException {
        ObjectNode version = (ObjectNode) crd.at("/spec/versions/0");
        orderColumns(version);
        ObjectNode schema = (ObjectNode) version.at("/schema/openAPIV3Schema");
        schema.put(
                "description",
                "RoleSelector maps namespaces to an IAM role the operator assumes for their"
                        + " MultiRegionEndpoints, so that each team's endpoints live in the team's AWS account. Cluster-scoped:"
                        + " written by cluster administrators.");
        ((ObjectNode) schema.at("/properties/spec")).put("description", "The role, and the namespaces it serves.");
        // no status: the operator reports on the MultiRegionEndpoints (status.accountId, conditions)
        ((ObjectNode) schema.get("properties")).remove("status");
        ((ObjectNode) schema.at("/properties/spec/properties/namespaceSelector/properties/names"))
                .put("x-kubernetes-list-type", "set");
        return HEADER + YAML.writeValueAsString(crd);
    }

    private static void orderColumns(ObjectNode version) {
        ArrayNode columns = (ArrayNode) version.get("additionalPrinterColumns");
        List<JsonNode> sorted = new ArrayList<>();
        columns.forEach(sorted::add);
        sorted.sort((a, b) -> Integer.compare(
                COLUMN_ORDER.indexOf(a.get("name").asText()),
                COLUMN_ORDER.indexOf(b.get("name").asText())));
        columns.removeAll();
        // priority 0 is the API server's default; it drops it, so a committed 0 would make every
        // `kubectl apply -f crds/` report "configured"
        sorted.forEach(c -> {
            if (c.path("priority").asInt(-1) == 0) {
                ((ObjectNode) c).remove("priority");
            }
            columns.add(c);
        });
    }
}
