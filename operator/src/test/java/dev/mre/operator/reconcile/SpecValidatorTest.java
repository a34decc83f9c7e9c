package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.EndpointDetails;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointSpec;
import dev.mre.operator.api.RouteDetails;
import dev.mre.operator.api.Tag;
import dev.mre.operator.config.OperatorConfig.NamePrefix;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

    static final SpecValidator.Rules RULES =
            new SpecValidator.Rules("us-east-1", Set.of(), NamePrefix.NONE, Set.of("*"));

    static MultiRegionEndpoint mre(Consumer<MultiRegionEndpointSpec> edit) {
        MultiRegionEndpoint m = new MultiRegionEndpoint();
        m.setMetadata(new ObjectMetaBuilder()
                .withName("global-mail")
                .withNamespace("mail")
                .build());
        MultiRegionEndpointSpec s = new MultiRegionEndpointSpec();
        s.setDetails(new EndpointDetails(List.of(new RouteDetails("eu-west-1"))));
        s.setTags(List.of(new Tag("team", "mail")));
        edit.accept(s);
        m.setSpec(s);
        return m;
    }

    @Test
    void aValidSpecHasNoViolations() {
        assertThat(SpecValidator.validate(mre(s -> {}), RULES)).isEmpty();
        assertThat(SpecValidator.validate(mre(s -> s.setRegion("us-gov-west-1")), RULES))
                .isEmpty();
    }

    static List<Arguments> invalid() {
        List<Tag> many = new ArrayList<>();
        IntStream.range(0, 51).forEach(i -> many.add(new Tag("k" + i, "v")));
        return List.of(
                Arguments.of(
                        "name pattern",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setEndpointName("bad name!"),
                        "spec.endpointName"),
                Arguments.of(
                        "name length",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setEndpointName("a".repeat(65)),
                        "spec.endpointName"),
                Arguments.of("region", (Consumer<MultiRegionEndpointSpec>) s -> s.setRegion("mars-1"), "spec.region"),
                Arguments.of(
                        "region length",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setRegion("us-" + "a".repeat(30) + "-1"),
                        "of at most 32 characters"),
                Arguments.of("no details", (Consumer<MultiRegionEndpointSpec>) s -> s.setDetails(null), "spec.details"),
                Arguments.of(
                        "two routes",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setDetails(new EndpointDetails(
                                List.of(new RouteDetails("eu-west-1"), new RouteDetails("eu-west-2")))),
                        "spec.details.routesDetails"),
                Arguments.of(
                        "secondary = primary",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setRegion("eu-west-1"),
                        "must differ"),
                Arguments.of(
                        "secondary = default primary",
                        (Consumer<MultiRegionEndpointSpec>)
                                s -> s.setDetails(new EndpointDetails(List.of(new RouteDetails("us-east-1")))),
                        "must differ"),
                Arguments.of("51 tags", (Consumer<MultiRegionEndpointSpec>) s -> s.setTags(many), "spec.tags"),
                Arguments.of(
                        "duplicate key",
                        (Consumer<MultiRegionEndpointSpec>)
                                s -> s.setTags(List.of(new Tag("a", "1"), new Tag("a", "2"))),
                        "duplicate key"),
                Arguments.of(
                        "aws: prefix",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setTags(List.of(new Tag("aws:x", "1"))),
                        "reserved by AWS"),
                Arguments.of(
                        "aws: prefix in another case",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setTags(List.of(new Tag("AWS:x", "1"))),
                        "reserved by AWS"),
                Arguments.of(
                        "operator prefix",
                        (Consumer<MultiRegionEndpointSpec>)
                                s -> s.setTags(List.of(new Tag(MultiRegionEndpoint.OWNER_TAG, "1"))),
                        "reserved by the operator"),
                Arguments.of(
                        "long value",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setTags(List.of(new Tag("a", "v".repeat(257)))),
                        "spec.tags[0].value"),
                Arguments.of(
                        "null value",
                        (Consumer<MultiRegionEndpointSpec>) s -> s.setTags(List.of(new Tag("a", null))),
                        "spec.tags[0].value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void eachRuleIsReportedWithItsField(String name, Consumer<MultiRegionEndpointSpec> edit, String expected) {
        assertThat(SpecValidator.validate(mre(edit), RULES))
                .anySatisfy(v -> assertThat(v).contains(expected));
    }

    @Test
    void theAdministratorsRegionListAndNamePrefixAreEnforced() {
        var rules = new SpecValidator.Rules(
                "us-east-1", Set.of("us-east-1", "eu-west-1"), NamePrefix.NAMESPACE, Set.of("*"));
        assertThat(SpecValidator.validate(mre(s -> s.setEndpointName("mail_global")), rules))
                .isEmpty();
        assertThat(SpecValidator.validate(
                        mre(s -> {
                            s.setEndpointName("mail_global");
                            s.setRegion("eu-central-1");
                        }),
                        rules))
                .singleElement()
                .asString()
                .startsWith("spec.region: 'eu-central-1' is not among the regions")
                .contains("SES_MRE_ALLOWED_REGIONS");
        assertThat(SpecValidator.validate(mre(s -> {}), rules))
                .singleElement()
                .asString()
                .startsWith("metadata.name (default of spec.endpointName): must start with 'mail_'")
                .contains("SES_MRE_ENDPOINT_NAME_PREFIX=namespace");
    }

    /**
     * With '-' as the separator, namespace 'mail' could take 'mail-eu-x', a name in namespace 'mail-eu''s space; '_'
     * ends a namespace name unambiguously.
     */
    @Test
    void theNamePrefixBoundaryIsUnambiguous() {
        var rules = new SpecValidator.Rules("us-east-1", Set.of(), NamePrefix.NAMESPACE, Set.of("*"));
        assertThat(SpecValidator.validate(mre(s -> s.setEndpointName("mail-eu-global")), rules))
                .singleElement()
                .asString()
                .startsWith("spec.endpointName: must start with 'mail_'");
        assertThat(SpecValidator.validate(mre(s -> s.setEndpointName("mail-global")), rules))
                .as("not even the namespace itself followed by '-'")
                .hasSize(1);
        assertThat(SpecValidator.validate(mre(s -> s.setEndpointName("mail_eu_global")), rules))
                .isEmpty();
    }

    /** Retain outlives the object, so its endpoint escapes the namespace's quota: only where the admin allows. */
    @Test
    void retainIsAllowedOnlyInTheNamespacesTheAdministratorNames() {
        var none = new SpecValidator.Rules("us-east-1", Set.of(), NamePrefix.NONE, Set.of());
        var mailOnly = new SpecValidator.Rules("us-east-1", Set.of(), NamePrefix.NONE, Set.of("mail"));
        MultiRegionEndpoint retained = mre(s -> s.setDeletionPolicy(DeletionPolicy.Retain));
        assertThat(SpecValidator.validate(retained, none))
                .singleElement()
                .asString()
                .startsWith("spec.deletionPolicy: Retain is not allowed in namespace 'mail'")
                .contains("SES_MRE_RETAIN_NAMESPACES");
        assertThat(SpecValidator.validate(retained, mailOnly)).isEmpty();
        assertThat(SpecValidator.validate(mre(s -> s.setDeletionPolicy(DeletionPolicy.Delete)), none))
                .isEmpty();
        assertThat(SpecValidator.addressViolations(retained, none))
                .as("a deletion is never blocked by it: the endpoint is deleted instead")
                .isEmpty();
    }

    @Test
    void deletionOnlyNeedsAnAddress() {
        MultiRegionEndpoint m = mre(s -> s.setTags(List.of(new Tag("aws:x", "1"))));
        assertThat(SpecValidator.validate(m, RULES)).isNotEmpty();
        assertThat(SpecValidator.addressViolations(m, RULES)).isEmpty();
        var strict = new SpecValidator.Rules("us-east-1", Set.of("eu-west-3"), NamePrefix.NAMESPACE, Set.of("*"));
        assertThat(SpecValidator.addressViolations(mre(s -> {}), strict))
                .as("a later rule never blocks a delete")
                .isEmpty();
    }

    @Test
    void missingSpec() {
        MultiRegionEndpoint m = mre(s -> {});
        m.setSpec(null);
        assertThat(SpecValidator.validate(m, RULES)).containsExactly("spec: Required value");
    }
}
