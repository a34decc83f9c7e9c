package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The unsigned control API under /_emulator/, driven with java.net.http. */
class AdminApiTest extends EmulatorTestBase {

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> health = SignedHttp.admin(emu, "GET", "/_emulator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void settingsArePartiallyUpdatableAndValidated() throws Exception {
        HttpResponse<String> updated = SignedHttp.admin(
                emu,
                "POST",
                "/_emulator/settings",
                "{\"createDelay\":\"0s\",\"quota\":5,\"errorRate500\":0.25,\"denyActions\":[\"ses:TagResource\"],\"failProvisioningNames\":\"^x\"}");
        assertThat(updated.statusCode()).isEqualTo(200);
        JsonNode s = json(SignedHttp.admin(emu, "GET", "/_emulator/settings", null));
        assertThat(s.get("createDelay").asText()).isEqualTo("0s");
        assertThat(s.get("deleteDelay").asText()).isEqualTo("2s");
        assertThat(s.get("quota").asInt()).isEqualTo(5);
        assertThat(s.get("errorRate500").asDouble()).isEqualTo(0.25);
        assertThat(s.get("denyActions").toString()).isEqualTo("[\"TagResource\"]");
        assertThat(s.get("concurrentModificationOnDeleteWhileCreating").asBoolean())
                .isTrue();
        assertThat(emu.settings().quota()).isEqualTo(5);

        HttpResponse<String> unknown =
                SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"quota\":7,\"nonsense\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("message").asText()).contains("nonsense");
        HttpResponse<String> outOfRange =
                SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"quota\":7,\"throttleRate\":2}");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(json(outOfRange).get("message").asText()).contains("throttleRate");
        assertThat(emu.settings().quota())
                .as("a refused update changes nothing")
                .isEqualTo(5);
    }

    @Test
    void stateCallsAndLogShowWhatHappened() throws Exception {
        create(ses, "observed", "eu-west-1", Map.of("team", "mail"));
        ses.getMultiRegionEndpoint(r -> r.endpointName("observed"));
        try {
            ses.getMultiRegionEndpoint(r -> r.endpointName("missing"));
        } catch (RuntimeException expected) {
            // counted as NotFoundException
        }

        JsonNode endpoint = json(SignedHttp.admin(emu, "GET", "/_emulator/state", null))
                .get("endpoints")
                .get(0);
        assertThat(endpoint.get("accountId").asText()).isEqualTo("123456789012");
        assertThat(endpoint.get("region").asText()).isEqualTo("us-east-1");
        assertThat(endpoint.get("endpointName").asText()).isEqualTo("observed");
        assertThat(endpoint.get("endpointId").asText()).matches("[a-z0-9]{8}\\.[a-z0-9]{3}");
        assertThat(endpoint.get("status").asText()).isEqualTo("CREATING");
        assertThat(endpoint.get("regions").toString()).isEqualTo("[\"us-east-1\",\"eu-west-1\"]");
        assertThat(endpoint.get("tags").toString()).isEqualTo("{\"team\":\"mail\"}");
        assertThat(endpoint.get("arn").asText())
                .isEqualTo("arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/observed");
        assertThat(endpoint.get("createdTimestamp").asText()).endsWith("Z");

        HttpResponse<String> callsResponse = SignedHttp.admin(emu, "GET", "/_emulator/calls?log=true", null);
        JsonNode calls = json(callsResponse);
        assertThat(calls.get("total").asLong()).isEqualTo(3);
        assertThat(calls.get("byOperation").toString())
                .isEqualTo(
                        "{\"CreateMultiRegionEndpoint\":{\"200\":1},\"GetMultiRegionEndpoint\":{\"200\":1,\"NotFoundException\":1}}");
        assertThat(calls.get("byOutcome").toString()).isEqualTo("{\"200\":2,\"NotFoundException\":1}");
        JsonNode last = calls.get("log").get(2);
        assertThat(last.get("operation").asText()).isEqualTo("GetMultiRegionEndpoint");
        assertThat(last.get("region").asText()).isEqualTo("us-east-1");
        assertThat(last.get("endpointName").asText()).isEqualTo("missing");
        assertThat(last.get("accessKeyId").asText()).isEqualTo("AKIDEMULATOR");
        assertThat(last.get("outcome").asText()).isEqualTo("NotFoundException");
        assertThat(last.get("httpStatus").asInt()).isEqualTo(404);
        assertThat(last.get("principalArn").asText()).isEqualTo("arn:aws:iam::123456789012:user/emulator");
        assertThat(last.get("roleArn").isNull()).isTrue();
        assertThat(callsResponse.body()).doesNotContain(emu.secretAccessKey());
        assertThat(json(SignedHttp.admin(emu, "GET", "/_emulator/calls", null)).has("log"))
                .isFalse();
        assertThat(emu.calls().log()).hasSize(3);
    }

    @Test
    void adminCallsAreNeverFaultedThrottledOrCounted() throws Exception {
        emu.updateSettings(s -> s.withErrorRate500(1)
                .withDropConnectionRate(1)
                .withRateLimit(0.01)
                .withBurst(1)
                .withDenyActions(java.util.EnumSet.allOf(Operation.class)));
        for (int i = 0; i < 3; i++) {
            assertThat(SignedHttp.admin(emu, "GET", "/_emulator/health", null).statusCode())
                    .isEqualTo(200);
        }
        assertThat(emu.calls().total()).isZero();
    }

    @Test
    void resetForgetsEndpointsAndCountersAndOptionallySettings() throws Exception {
        create("gone-after-reset");
        emu.updateSettings(s -> s.withQuota(1));
        assertThat(SignedHttp.admin(emu, "POST", "/_emulator/reset", null).statusCode())
                .isEqualTo(200);
        assertThat(emu.endpoints()).isEmpty();
        assertThat(emu.calls().total()).isZero();
        assertThat(emu.settings().quota()).isEqualTo(1);

        SignedHttp.admin(emu, "POST", "/_emulator/reset?settings=true", null);
        assertThat(emu.settings().quota()).isEqualTo(100);
        assertThat(emu.settings().seed()).isEqualTo(42L);
    }

    @Test
    void stateListsSessionsWithoutSecretsAndResetCanForgetThem() throws Exception {
        String role = "arn:aws:iam::210987654321:role/ses-mre-operator";
        emu.updateSettings(s -> s.withRole(Role.trusting(role, "123456789012")));
        String secret;
        try (var sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            var credentials = sts.assumeRole(r -> r.roleArn(role).roleSessionName("state"))
                    .credentials();
            secret = credentials.secretAccessKey();
            HttpResponse<String> state = SignedHttp.admin(emu, "GET", "/_emulator/state", null);
            JsonNode session = json(state).get("sessions").get(0);
            assertThat(session.get("accessKeyId").asText()).isEqualTo(credentials.accessKeyId());
            assertThat(session.get("roleArn").asText()).isEqualTo(role);
            assertThat(session.get("accountId").asText()).isEqualTo("210987654321");
            assertThat(session.get("arn").asText())
                    .isEqualTo("arn:aws:sts::210987654321:assumed-role/ses-mre-operator/state");
            assertThat(session.get("assumedBy").asText()).isEqualTo("arn:aws:iam::123456789012:user/emulator");
            assertThat(session.get("expiration").asText())
                    .isEqualTo(credentials.expiration().toString());
            assertThat(state.body()).doesNotContain(secret, credentials.sessionToken());
        }
        SignedHttp.admin(emu, "POST", "/_emulator/reset", null);
        assertThat(emu.sessions()).as("a plain reset keeps sessions").hasSize(1);
        assertThat(json(SignedHttp.admin(emu, "POST", "/_emulator/reset?sessions=true", null))
                        .get("sessions")
                        .asBoolean())
                .isTrue();
        assertThat(emu.sessions()).isEmpty();
        assertThat(SignedHttp.admin(emu, "GET", "/_emulator/calls?log=true", null)
                        .body())
                .doesNotContain(secret);
    }

    @Test
    void unknownAdminPathsAnswer404() throws Exception {
        assertThat(SignedHttp.admin(emu, "GET", "/_emulator/nothing", null).statusCode())
                .isEqualTo(404);
    }
}
