package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;

/** Input SES refuses with BadRequestException, each message naming the field. */
class ValidationTest extends EmulatorTestBase {

    private static void assertBadRequest(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("'" + field + "'");
        });
        assertThat(emu.endpoints()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "has space",
                "dotted.name",
                "slash/inside",
                "ünïcode",
                "a2345678901234567890123456789012345678901234567890123456789012345"
            })
    void invalidEndpointNames(String name) {
        assertBadRequest(() -> create(name), "EndpointName");
    }

    @Test
    void validNameEdgeCases() {
        create("a");
        create("A_b-9");
        create("a".repeat(64));
        assertThat(emu.endpoints()).hasSize(3);
    }

    @Test
    void invalidNamesInTheGetPathAreBadRequests() {
        assertBadRequest(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("has space")), "EndpointName");
        assertBadRequest(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("x".repeat(65))), "EndpointName");
    }

    @Test
    void routesMustBeExactlyOneOtherValidRegion() {
        assertBadRequest(
                () -> ses.createMultiRegionEndpoint(r -> r.endpointName("n").details(d -> d.routesDetails(List.of()))),
                "Details.RoutesDetails");
        assertBadRequest(
                () -> ses.createMultiRegionEndpoint(r -> r.endpointName("n")
                        .details(d -> d.routesDetails(
                                RouteDetails.builder().region("eu-west-1").build(),
                                RouteDetails.builder().region("eu-west-2").build()))),
                "Details.RoutesDetails");
        assertBadRequest(() -> create(ses, "n", "us-east-1", Map.of()), "Details.RoutesDetails.1.Region");
        assertBadRequest(() -> create(ses, "n", "mars-north-1", Map.of()), "Details.RoutesDetails.1.Region");
        assertBadRequest(() -> ses.createMultiRegionEndpoint(r -> r.endpointName("n")), "Details");
        assertBadRequest(
                () -> ses.createMultiRegionEndpoint(r -> r.endpointName("n")
                        .details(d -> d.routesDetails(RouteDetails.builder().build()))),
                "Details.RoutesDetails.1.Region");
    }

    @Test
    void tagLimits() {
        assertBadRequest(() -> create(ses, "n", "eu-west-1", Map.of("aws:reserved", "x")), "Tags.1.Key");
        assertBadRequest(() -> create(ses, "n", "eu-west-1", Map.of("k".repeat(129), "x")), "Tags.1.Key");
        assertBadRequest(() -> create(ses, "n", "eu-west-1", Map.of("", "x")), "Tags.1.Key");
        assertBadRequest(() -> create(ses, "n", "eu-west-1", Map.of("k", "v".repeat(257))), "Tags.1.Value");
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        assertBadRequest(() -> create(ses, "n", "eu-west-1", tooMany), "Tags");
        assertBadRequest(
                () -> ses.createMultiRegionEndpoint(r -> r.endpointName("n")
                        .details(d -> d.routesDetails(rd -> rd.region("eu-west-1")))
                        .tags(
                                Tag.builder().key("dup").value("1").build(),
                                Tag.builder().key("dup").value("2").build())),
                "Tags.2.Key");
        assertBadRequest(
                () -> ses.createMultiRegionEndpoint(r -> r.endpointName("n")
                        .details(d -> d.routesDetails(rd -> rd.region("eu-west-1")))
                        .tags(Tag.builder().key("novalue").build())),
                "Tags.1.Value");

        tooMany.remove("k50");
        tooMany.remove("k49");
        tooMany.remove("k48");
        tooMany.put("k".repeat(128), "v".repeat(256));
        tooMany.put("empty-value", "");
        create(ses, "n", "eu-west-1", tooMany);
        assertThat(emu.findEndpoint("us-east-1", "n").orElseThrow().tags()).hasSize(50);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        HttpResponse<String> broken =
                SignedHttp.ses(emu, "POST", "/v2/email/multi-region-endpoints", "{\"EndpointName\": ");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.headers().firstValue("x-amzn-ErrorType")).hasValue("BadRequestException");
        assertThat(broken.body()).contains("Malformed request body");

        HttpResponse<String> notAnObject = SignedHttp.ses(emu, "POST", "/v2/email/multi-region-endpoints", "[1,2]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);

        HttpResponse<String> wrongType = SignedHttp.ses(
                emu,
                "POST",
                "/v2/email/multi-region-endpoints",
                "{\"EndpointName\":5,\"Details\":{\"RoutesDetails\":[{\"Region\":\"eu-west-1\"}]}}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.body()).contains("'EndpointName'", "Member must be a string");
    }

    @Test
    void severalViolationsAreReportedTogether() {
        assertThatThrownBy(() -> create(ses, "bad name", "us-east-1", Map.of("aws:x", "y")))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .startsWith("3 validation errors detected: ")
                                .contains("'EndpointName'", "'Details.RoutesDetails.1.Region'", "'Tags.1.Key'"));
    }
}
