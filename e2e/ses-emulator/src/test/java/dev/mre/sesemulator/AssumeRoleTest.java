package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MultiRegionEndpoint;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** STS AssumeRole with the real SDK: trust rules, session credentials acting in the role's account, several accounts. */
class AssumeRoleTest extends EmulatorTestBase {

    static final String ACCOUNT_B = "210987654321";
    static final String ACCOUNT_C = "333344445555";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/ses-mre-operator";
    static final String ROLE_C = "arn:aws:iam::" + ACCOUNT_C + ":role/team-c/ses-mre-operator";
    static final String USER = "arn:aws:iam::123456789012:user/emulator";

    private static StsClient userSts() {
        return Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
    }

    private static StsException stsError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StsException e) {
                return e;
            }
        }
        throw new AssertionError("no StsException in " + t, t);
    }

    @Test
    void sessionCredentialsActInTheRolesAccountAndShowTheAssumedRole() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER)));
        try (StsClient sts = userSts()) {
            Instant before = Instant.now();
            AssumeRoleResponse answer = sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("prod-eu.mail"));
            assertThat(answer.credentials().accessKeyId()).matches("ASIA[A-Z2-7]{16}");
            assertThat(answer.credentials().secretAccessKey()).isNotBlank();
            assertThat(answer.credentials().sessionToken()).isNotBlank();
            assertThat(answer.credentials().expiration())
                    .isBetween(before.plus(Duration.ofMinutes(59)), before.plus(Duration.ofMinutes(61)));
            assertThat(answer.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::" + ACCOUNT_B + ":assumed-role/ses-mre-operator/prod-eu.mail");
            assertThat(answer.assumedRoleUser().assumedRoleId()).matches("AROA[A-Z2-7]{17}:prod-eu\\.mail");

            var session = Sdk.session(
                    answer.credentials().accessKeyId(),
                    answer.credentials().secretAccessKey(),
                    answer.credentials().sessionToken());
            try (StsClient asRole = Sdk.sts(emu, session);
                    SesV2Client ses = Sdk.ses(emu, Region.US_EAST_1, session)) {
                GetCallerIdentityResponse me = asRole.getCallerIdentity();
                assertThat(me.account()).isEqualTo(ACCOUNT_B);
                assertThat(me.arn()).isEqualTo(answer.assumedRoleUser().arn());
                assertThat(me.userId()).isEqualTo(answer.assumedRoleUser().assumedRoleId());
                create(ses, "via-role", "eu-west-1", Map.of());
            }
        }
        assertThat(emu.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.accountId()).isEqualTo(ACCOUNT_B);
            assertThat(e.arn()).isEqualTo("arn:aws:ses:us-east-1:" + ACCOUNT_B + ":multi-region-endpoint/via-role");
        });
        List<CallRecord> log = emu.calls().log();
        assertThat(log)
                .extracting(CallRecord::operation)
                .containsExactly("AssumeRole", "GetCallerIdentity", "CreateMultiRegionEndpoint");
        assertThat(log.get(0)).satisfies(c -> {
            assertThat(c.accountId()).isEqualTo("123456789012");
            assertThat(c.principalArn()).isEqualTo(USER);
            assertThat(c.roleArn()).isEqualTo(ROLE_B);
            assertThat(c.outcome()).isEqualTo("200");
        });
        assertThat(log.get(2)).satisfies(c -> {
            assertThat(c.accountId()).isEqualTo(ACCOUNT_B);
            assertThat(c.principalArn())
                    .isEqualTo("arn:aws:sts::" + ACCOUNT_B + ":assumed-role/ses-mre-operator/prod-eu.mail");
            assertThat(c.roleArn()).isEqualTo(ROLE_B);
            assertThat(c.accessKeyId()).startsWith("ASIA");
        });
        assertThat(emu.sessions()).singleElement().satisfies(s -> {
            assertThat(s.roleArn()).isEqualTo(ROLE_B);
            assertThat(s.accountId()).isEqualTo(ACCOUNT_B);
            assertThat(s.assumedBy()).isEqualTo(USER);
        });
    }

    @Test
    void twoAccountsCreateAnEndpointOfTheSameNameThroughTheSdksProvider() {
        emu.updateSettings(
                s -> s.withRole(Role.trusting(ROLE_B, USER)).withRole(Role.trusting(ROLE_C, "123456789012")));
        try (StsClient sts = userSts();
                StsAssumeRoleCredentialsProvider asB =
                        Sdk.assumeRole(sts, ROLE_B, "cluster-a", Duration.ofSeconds(1), Duration.ofSeconds(2));
                StsAssumeRoleCredentialsProvider asC =
                        Sdk.assumeRole(sts, ROLE_C, "cluster-a", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client b = Sdk.ses(emu, Region.US_EAST_1, asB);
                SesV2Client c = Sdk.ses(emu, Region.US_EAST_1, asC)) {
            create(b, "shared", "eu-west-1", Map.of("team", "b"));
            create(c, "shared", "eu-west-1", Map.of("team", "c"));

            assertThat(emu.endpoints())
                    .extracting(EndpointView::accountId, EndpointView::endpointName)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(ACCOUNT_B, "shared"),
                            org.assertj.core.groups.Tuple.tuple(ACCOUNT_C, "shared"));
            assertThat(b.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                    .extracting(MultiRegionEndpoint::endpointName)
                    .containsExactly("shared");
            String idB = emu.findEndpoint(ACCOUNT_B, "us-east-1", "shared")
                    .orElseThrow()
                    .endpointId();
            assertThat(b.getMultiRegionEndpoint(r -> r.endpointName("shared")).endpointId())
                    .isEqualTo(idB);

            // account B's endpoint does not exist for account C: tags by ARN answer as for a missing endpoint
            String arnB = SesEmulator.arn(ACCOUNT_B, "us-east-1", "shared");
            assertThatThrownBy(() -> c.listTagsForResource(r -> r.resourceArn(arnB)))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> c.tagResource(
                            r -> r.resourceArn(arnB).tags(t -> t.key("x").value("y"))))
                    .isInstanceOf(NotFoundException.class);
            assertThat(c.listTagsForResource(r -> r.resourceArn(SesEmulator.arn(ACCOUNT_C, "us-east-1", "shared")))
                            .tags())
                    .singleElement()
                    .satisfies(t -> assertThat(t.value()).isEqualTo("c"));
        }
        // the primary account sees neither
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints()).isEmpty();
        assertThatThrownBy(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("shared")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRefusedTrustRuleIsAccessDeniedAndFixingItLiveRecovers() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, "arn:aws:iam::123456789012:user/somebody-else")));
        try (StsClient sts = userSts();
                StsAssumeRoleCredentialsProvider asB =
                        Sdk.assumeRole(sts, ROLE_B, "cluster-a", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client b = Sdk.ses(emu, Region.US_EAST_1, asB)) {
            assertThatThrownBy(() -> b.listMultiRegionEndpoints(r -> {})).satisfies(t -> {
                StsException e = stsError(t);
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("User: " + USER + " is not authorized to perform: sts:AssumeRole on resource: "
                                + ROLE_B);
            });
            assertThat(emu.calls().count("AssumeRole", "AccessDenied")).isEqualTo(1);
            assertThat(emu.calls().count("ListMultiRegionEndpoints")).isZero();

            emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER)));
            assertThat(b.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                    .isEmpty();
        }
        assertThat(emu.calls().log())
                .filteredOn(c -> c.operation().equals("AssumeRole"))
                .extracting(CallRecord::outcome, CallRecord::roleArn, CallRecord::principalArn)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("AccessDenied", ROLE_B, USER),
                        org.assertj.core.groups.Tuple.tuple("200", ROLE_B, USER));
    }

    @Test
    void unknownRolesAndOtherAccountsAreRefused() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, ACCOUNT_C)));
        try (StsClient sts = userSts()) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + ACCOUNT_B + ":role/nope")
                            .roleSessionName("s1")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .isEqualTo("User: " + USER
                                            + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::"
                                            + ACCOUNT_B + ":role/nope"));
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("s1")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
    }

    @Test
    void anExternalIdIsRequiredWhenTheTrustRuleNamesOne() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER).withExternalId("prod-eu-7f3a")));
        try (StsClient sts = userSts()) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("s1")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThatThrownBy(() -> sts.assumeRole(
                            r -> r.roleArn(ROLE_B).roleSessionName("s1").externalId("wrong-one")))
                    .isInstanceOfSatisfying(
                            StsException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            assertThat(sts.assumeRole(
                                    r -> r.roleArn(ROLE_B).roleSessionName("s1").externalId("prod-eu-7f3a"))
                            .credentials())
                    .isNotNull();
        }
    }

    @Test
    void sessionTagsNeedTagSessionAndBecomePrincipalTags() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER)));
        try (StsClient sts = userSts()) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE_B)
                            .roleSessionName("s1")
                            .tags(t -> t.key("team").value("mail"))))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .isEqualTo("User: " + USER
                                            + " is not authorized to perform: sts:TagSession on resource: " + ROLE_B));
            emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER).withTagSession(true)));
            sts.assumeRole(r -> r.roleArn(ROLE_B)
                    .roleSessionName("s1")
                    .tags(t -> t.key("team").value("mail"), t -> t.key("env").value("prod")));
        }
        assertThat(emu.sessions())
                .singleElement()
                .satisfies(s -> assertThat(s.tags()).containsOnly(Map.entry("team", "mail"), Map.entry("env", "prod")));
    }

    @Test
    void trustCanNameAnAccountARoleOrAnyone() {
        String chained = "arn:aws:iam::" + ACCOUNT_C + ":role/chained";
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, "arn:aws:iam::123456789012:root"))
                .withRole(Role.trusting(chained, ROLE_B))
                .withRole(Role.trusting("arn:aws:iam::" + ACCOUNT_C + ":role/open", "*")));
        try (StsClient sts = userSts();
                StsAssumeRoleCredentialsProvider asB =
                        Sdk.assumeRole(sts, ROLE_B, "first", Duration.ofSeconds(1), Duration.ofSeconds(2));
                StsClient stsAsB = Sdk.sts(emu, asB)) {
            assertThat(stsAsB.getCallerIdentity().account()).isEqualTo(ACCOUNT_B);
            AssumeRoleResponse second =
                    stsAsB.assumeRole(r -> r.roleArn(chained).roleSessionName("second"));
            assertThat(second.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::" + ACCOUNT_C + ":assumed-role/chained/second");
            // role chaining is limited to one hour
            assertThatThrownBy(() -> stsAsB.assumeRole(
                            r -> r.roleArn(chained).roleSessionName("second").durationSeconds(7200)))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    });
            assertThat(sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + ACCOUNT_C + ":role/open")
                                    .roleSessionName("any"))
                            .credentials())
                    .isNotNull();
            // the user itself is not the role: it may not assume "chained"
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(chained).roleSessionName("direct")))
                    .isInstanceOf(StsException.class);
        }
    }

    @Test
    void badParametersAreValidationErrors() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER).withMaxSessionDuration(Duration.ofHours(2))));
        try (StsClient sts = userSts()) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("x")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("1 validation error detected: Value 'x' at 'roleSessionName'"
                                        + " failed to satisfy constraint: Member must have length between 2 and 64");
                    });
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("has space")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .contains("roleSessionName", "[\\w+=,.@-]*"));
            assertThatThrownBy(() -> sts.assumeRole(
                            r -> r.roleArn(ROLE_B).roleSessionName("ok").durationSeconds(60)))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .contains("'durationSeconds'", "greater than or equal to 900"));
            assertThatThrownBy(() -> sts.assumeRole(
                            r -> r.roleArn(ROLE_B).roleSessionName("ok").durationSeconds(3 * 3600)))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .isEqualTo(
                                            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleSessionName("ok")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .contains("'roleArn'", "must not be null"));
            assertThatThrownBy(() -> sts.assumeRole(
                            r -> r.roleArn(ROLE_B).roleSessionName("ok").policy("{\"Statement\":[]}")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).contains("session policies"));
            AssumeRoleResponse twoHours =
                    sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("ok").durationSeconds(7200));
            assertThat(twoHours.credentials().expiration())
                    .isAfter(Instant.now().plus(Duration.ofMinutes(119)));
        }
        assertThat(emu.calls().count("AssumeRole", "ValidationError")).isEqualTo(6);
    }

    @Test
    void sessionDurationSettingShortensSessionsBelowStsMinimum() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER)).withSessionDuration(Duration.ofSeconds(5)));
        try (StsClient sts = userSts()) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant expiration = sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("short"))
                    .credentials()
                    .expiration();
            assertThat(expiration).isBetween(before.plusSeconds(4), before.plusSeconds(6));
            assertThat(emu.sessions())
                    .singleElement()
                    .satisfies(s -> assertThat(s.expiration()).isEqualTo(expiration));
        }
    }

    @Test
    void rolesCanBeSetThroughTheAdminApiAndTheSettingsShowThem() throws Exception {
        var answer = SignedHttp.admin(
                emu,
                "POST",
                "/_emulator/settings",
                "{\"roles\":{\"" + ROLE_B + "\":{\"trustedPrincipals\":[\"" + USER
                        + "\"],\"externalId\":\"ext-1\",\"allowTagSession\":true,\"maxSessionDuration\":\"2h\"}}}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(emu.settings().roles().get(ROLE_B))
                .isEqualTo(new Role(ROLE_B, List.of(USER), "ext-1", true, Duration.ofHours(2)));
        assertThat(Json.MAPPER
                        .readTree(answer.body())
                        .get("roles")
                        .get(ROLE_B)
                        .get("maxSessionDuration")
                        .asText())
                .isEqualTo("2h");
        try (StsClient sts = userSts()) {
            assertThat(sts.assumeRole(r ->
                                    r.roleArn(ROLE_B).roleSessionName("admin").externalId("ext-1"))
                            .credentials())
                    .isNotNull();
        }
        var bad = SignedHttp.admin(
                emu,
                "POST",
                "/_emulator/settings",
                "{\"roles\":{\"arn:aws:iam::1:role/x\":{\"trustedPrincipals\":[]}}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(bad.body()).get("message").asText())
                .contains("roles[arn:aws:iam::1:role/x]", "role ARN");
        assertThat(SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"roles\":{\"" + ROLE_B + "\":null}}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(emu.settings().roles()).isEmpty();
    }

    @Test
    void anUnknownSessionKeyOrAWrongTokenIsRefused() {
        emu.updateSettings(s -> s.withRole(Role.trusting(ROLE_B, USER)));
        try (StsClient sts = userSts()) {
            var creds =
                    sts.assumeRole(r -> r.roleArn(ROLE_B).roleSessionName("s1")).credentials();
            try (SesV2Client wrongToken = Sdk.ses(
                            emu,
                            Region.US_EAST_1,
                            Sdk.session(creds.accessKeyId(), creds.secretAccessKey(), "bm90LXRoZS10b2tlbg=="));
                    SesV2Client noToken = Sdk.ses(
                            emu,
                            Region.US_EAST_1,
                            creds.accessKeyId(),
                            creds.secretAccessKey(),
                            software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())) {
                for (SesV2Client client : List.of(wrongToken, noToken)) {
                    assertThatThrownBy(() -> client.listMultiRegionEndpoints(r -> {}))
                            .isInstanceOfSatisfying(
                                    SdkException.class,
                                    e -> assertThat(e.getMessage())
                                            .contains("The security token included in the request is invalid"));
                }
            }
        }
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "UnrecognizedClientException"))
                .isEqualTo(2);
    }
}
