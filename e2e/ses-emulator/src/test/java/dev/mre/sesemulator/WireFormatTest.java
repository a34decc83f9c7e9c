package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bytes on the wire, as the SES reference describes them. */
class WireFormatTest extends EmulatorTestBase {

    @Test
    void successAnswersArePascalCaseJsonWithEpochSecondNumbers() throws Exception {
        instantLifecycle();
        clock.set(java.time.Instant.parse("2026-11-25T16:00:30Z"));
        HttpResponse<String> created = SignedHttp.ses(
                emu,
                "POST",
                "/v2/email/multi-region-endpoints",
                "{\"EndpointName\":\"wire\",\"Details\":{\"RoutesDetails\":[{\"Region\":\"eu-west-1\"}]}}");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(created.headers().firstValue("x-amzn-RequestId"))
                .get()
                .asString()
                .hasSize(36);
        JsonNode createdJson = Json.MAPPER.readTree(created.body());
        assertThat(createdJson.fieldNames()).toIterable().containsExactly("EndpointId", "Status");
        assertThat(createdJson.get("Status").asText()).isEqualTo("CREATING");

        HttpResponse<String> got = SignedHttp.ses(emu, "GET", "/v2/email/multi-region-endpoints/wire", null);
        JsonNode json = Json.MAPPER.readTree(got.body());
        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly(
                        "EndpointName", "EndpointId", "Routes", "Status", "CreatedTimestamp", "LastUpdatedTimestamp");
        assertThat(json.get("Routes").toString()).isEqualTo("[{\"Region\":\"us-east-1\"},{\"Region\":\"eu-west-1\"}]");
        assertThat(json.get("CreatedTimestamp").isNumber()).isTrue();

        HttpResponse<String> deleted = SignedHttp.ses(emu, "DELETE", "/v2/email/multi-region-endpoints/wire", null);
        assertThat(deleted.body()).isEqualTo("{\"Status\":\"DELETING\"}");
        // a whole second must still print as a plain number with its fraction, never as 1.7E+9
        assertThat(SignedHttp.ses(emu, "GET", "/v2/email/multi-region-endpoints", null)
                        .body())
                .doesNotContain("\"MultiRegionEndpoints\":[{")
                .contains("\"MultiRegionEndpoints\":[]");
        emu.updateSettings(s -> s.withDeleteDelay(Duration.ofMinutes(1)));
        SignedHttp.ses(
                emu,
                "POST",
                "/v2/email/multi-region-endpoints",
                "{\"EndpointName\":\"wire2\",\"Details\":{\"RoutesDetails\":[{\"Region\":\"eu-west-1\"}]}}");
        assertThat(SignedHttp.ses(emu, "GET", "/v2/email/multi-region-endpoints/wire2", null)
                        .body())
                .contains("\"CreatedTimestamp\":1795622430.000");
    }

    @Test
    void errorsCarryTheCodeHeaderAndAMessageBody() throws Exception {
        HttpResponse<String> missing = SignedHttp.ses(emu, "GET", "/v2/email/multi-region-endpoints/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("x-amzn-ErrorType")).hasValue("NotFoundException");
        assertThat(missing.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(missing.body()).isEqualTo("{\"message\":\"Multi-region endpoint nope does not exist.\"}");

        HttpResponse<String> unknown = SignedHttp.ses(emu, "PUT", "/v2/email/multi-region-endpoints/nope", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
        assertThat(emu.calls().count("Unknown")).isEqualTo(1);
    }

    @Test
    void stsAnswersXmlAndUnknownActionsAreInvalidAction() throws Exception {
        var signed = SignedHttp.sign(
                java.net.URI.create(emu.endpoint() + "/"),
                "POST",
                "Action=GetSessionToken&Version=2011-06-15",
                "application/x-www-form-urlencoded; charset=utf-8",
                "us-east-1",
                "sts",
                emu.accessKeyId(),
                emu.secretAccessKey(),
                java.time.Clock.systemUTC());
        HttpResponse<String> answer = SignedHttp.send(signed, "Action=GetSessionToken&Version=2011-06-15");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body())
                .startsWith("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
                .contains("<Code>InvalidAction</Code>");
    }
}
