package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The CRD from crds/, applied with kubectl (the environment did it before the chart), is served and documented. */
@Order(1)
@DisplayName("A01 CRD applied with kubectl")
class A01CrdTest extends E2eTest {

    @Test
    @Order(1)
    void kubectl_get_crd_shows_it_established_with_its_names() {
        assertThat(kubectl().ok("get", "crd", Harness.CRD_NAME).stdout())
                .as("kubectl get crd")
                // the table is printed by the server: 1.37 added SCOPE and VERSIONS between the two columns
                .containsPattern("(?m)^NAME\\s+(.*\\s)?CREATED AT$")
                .containsPattern("(?m)^" + Pattern.quote(Harness.CRD_NAME) + "\\s+.*\\S$");
        JsonNode crd = kubectl().getJson("crd", Harness.CRD_NAME).orElseThrow();
        assertThat(Json.text(crd, "spec.group")).isEqualTo("ses.mre.dev");
        assertThat(Json.text(crd, "spec.names.kind")).isEqualTo("MultiRegionEndpoint");
        assertThat(crd.path("spec").path("names").path("shortNames").toString()).contains("\"mre\"");
        assertThat(crd.path("spec").path("names").path("categories").toString()).contains("\"ses\"", "\"aws\"");
        boolean established = false;
        for (JsonNode c : crd.path("status").path("conditions")) {
            established |= "Established".equals(c.path("type").asText())
                    && "True".equals(c.path("status").asText());
        }
        assertThat(established).as("Established=True").isTrue();
    }

    @Test
    @Order(2)
    void applying_crds_again_changes_nothing() {
        long generation = kubectl()
                .getJson("crd", Harness.CRD_NAME)
                .orElseThrow()
                .path("metadata")
                .path("generation")
                .asLong();
        // kubectl may say "configured" (its 3-way patch re-sends values the server normalises away, e.g. priority: 0)
        Cmd.Result apply = kubectl().ok("apply", "-f", "crds/");
        assertThat(apply.stdout().lines())
                .as("kubectl apply -f crds/: each CRD unchanged or configured, nothing created\n%s", apply.output())
                .hasSize(CRD_NAMES.size())
                .allMatch(l ->
                        l.matches("customresourcedefinition\\.apiextensions\\.k8s\\.io/\\S+ (unchanged|configured)"))
                .anyMatch(l -> l.startsWith("customresourcedefinition.apiextensions.k8s.io/" + Harness.CRD_NAME + " "));
        assertThat(apply.stderr()).as("kubectl apply's warnings").isBlank();
        assertThat(kubectl()
                        .getJson("crd", Harness.CRD_NAME)
                        .orElseThrow()
                        .path("metadata")
                        .path("generation")
                        .asLong())
                .as("CRD generation")
                .isEqualTo(generation);
        Cmd.Result diff = kubectl().run("diff", "-f", "crds/");
        assertThat(diff.exitCode())
                .as("kubectl diff -f crds/ (0 = no difference)\n%s", diff.output())
                .isZero();
        assertThat(diff.output())
                .as("kubectl diff -f crds/ prints no difference")
                .isEmpty();
    }

    @Test
    @Order(3)
    void kubectl_explain_shows_the_field_descriptions() {
        JsonNode crdFile = Json.yamlDocuments(
                        repo().resolve(Path.of("crds", "multiregionendpoints.ses.mre.dev-v1.yml")))
                .get(0);
        JsonNode spec = crdFile.path("spec")
                .path("versions")
                .get(0)
                .path("schema")
                .path("openAPIV3Schema")
                .path("properties")
                .path("spec")
                .path("properties");
        String detailsDescription = spec.path("details").path("description").asText();
        String routesDescription = spec.path("details")
                .path("properties")
                .path("routesDetails")
                .path("description")
                .asText();
        assertThat(detailsDescription).isNotBlank();
        assertThat(routesDescription).isNotBlank();

        // the OpenAPI document of a new CRD is published a moment after Established
        AtomicReference<Cmd.Result> explain = new AtomicReference<>();
        await(
                "kubectl explain multiregionendpoint.spec.details",
                Duration.ofSeconds(60),
                () -> {
                    explain.set(kubectl().quiet("explain", "multiregionendpoint.spec.details"));
                    return explain.get().ok();
                },
                () -> explain.get() == null ? "-" : explain.get().output());
        kubectl().ok("explain", "multiregionendpoint.spec.details");
        String out = normalize(explain.get().stdout());
        assertThat(out)
                .contains("FIELD: details <Object>")
                .contains(normalize(detailsDescription))
                .contains("routesDetails <[]Object> -required-")
                .contains(normalize(routesDescription));

        String region = normalize(
                kubectl().ok("explain", "mre.spec.details.routesDetails.region").stdout());
        assertThat(region)
                .contains(normalize(spec.path("details")
                        .path("properties")
                        .path("routesDetails")
                        .path("items")
                        .path("properties")
                        .path("region")
                        .path("description")
                        .asText()));
    }

    @Test
    @Order(4)
    void short_name_and_categories_work_with_kubectl_get() {
        // what kubectl answers depends on the objects other suites left; what it names must be ours
        assertListsOnly("mre", "multiregionendpoint.ses.mre.dev/");
        assertTableOfMre();
        assertListsOnly("ses", "multiregionendpoint.ses.mre.dev/", "roleselector.ses.mre.dev/");
        assertListsOnly("aws", "multiregionendpoint.ses.mre.dev/", "roleselector.ses.mre.dev/");
        String resources = kubectl()
                .ok("api-resources", "--api-group=ses.mre.dev", "-o", "wide")
                .stdout();
        assertThat(resources)
                .as("kubectl api-resources --api-group=ses.mre.dev")
                .containsPattern("(?m)^multiregionendpoints\\s+mre\\s+ses\\.mre\\.dev/v1alpha1\\s+true\\s+"
                        + "MultiRegionEndpoint\\s.*\\s(ses,aws|aws,ses)\\s*$")
                .containsPattern("(?m)^roleselectors\\s+sesrs\\s+ses\\.mre\\.dev/v1alpha1\\s+false\\s+"
                        + "RoleSelector\\s.*\\s(ses,aws|aws,ses)\\s*$");
    }

    /** {@code kubectl get <resource> -A -o name} names objects of these kinds only (or none), with no error. */
    private static void assertListsOnly(String resource, String... prefixes) {
        Cmd.Result r = kubectl().ok("get", resource, "-A", "-o", "name");
        assertThat(r.stderr()).as("kubectl get %s -A -o name: stderr", resource).isBlank();
        assertThat(r.stdout().lines())
                .as("kubectl get %s -A -o name\n%s", resource, r.output())
                .allMatch(l -> Stream.of(prefixes).anyMatch(l::startsWith));
    }

    /** {@code kubectl get mre -A}: the printer columns of the CRD, or kubectl's "No resources found". */
    private static void assertTableOfMre() {
        Cmd.Result r = kubectl().ok("get", "mre", "-A");
        if (r.stdout().isBlank()) {
            assertThat(r.stderr().strip())
                    .as("kubectl get mre -A with no object")
                    .isEqualTo("No resources found");
        } else {
            assertThat(r.stdout().lines().findFirst().orElseThrow())
                    .as("kubectl get mre -A: header\n%s", r.output())
                    .matches(
                            "NAMESPACE\\s+NAME\\s+ENDPOINT ID\\s+SES STATUS\\s+PRIMARY\\s+SECONDARY\\s+READY\\s+AGE\\s*");
        }
    }

    static final List<String> CRD_NAMES = List.of(Harness.CRD_NAME, "roleselectors.ses.mre.dev");

    private static String normalize(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
