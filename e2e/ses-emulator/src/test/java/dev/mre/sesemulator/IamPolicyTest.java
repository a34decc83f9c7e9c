package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Identity-based IAM policies evaluated on SES calls made with the real SDK: every supported condition operator
 * and key, resource ARNs with the account id, wildcards, explicit deny, role sessions, the refusal messages.
 * {@code ses} (user "emulator") is the caller under test; {@code admin} (user "admin", no policy) prepares state.
 */
class IamPolicyTest extends EmulatorTestBase {

    static final String USER = "arn:aws:iam::123456789012:user/emulator";
    private static SesV2Client admin;

    @BeforeAll
    static void adminUser() {
        emu.addCredentials(new Credentials("AKIDADMIN", "admin-secret", "123456789012", "admin"));
        admin = Sdk.ses(emu, Region.US_EAST_1, "AKIDADMIN", "admin-secret", AwsRetryStrategy.doNotRetry());
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    private static void policy(String json) {
        emu.updateSettings(s -> s.withPolicy(USER, json.replace('\'', '"')));
    }

    /** A one-statement policy; {@code condition} is JSON without braces or empty. */
    private static void allow(String actions, String resources, String condition) {
        policy("{'Version':'2012-10-17','Statement':[{'Sid':'Under','Effect':'Allow','Action':" + actions
                + ",'Resource':" + resources + (condition.isEmpty() ? "" : ",'Condition':{" + condition + "}") + "}]}");
    }

    private static String arn(String name) {
        return emu.arn("us-east-1", name);
    }

    private static void adminCreate(String name, Map<String, String> tags) {
        create(admin, name, "eu-west-1", tags);
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    /** The call is refused with 403 AccessDeniedException; answers AWS's message. */
    private static String refused(ThrowingCallable call) {
        String[] message = new String[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(SesV2Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            message[0] = e.awsErrorDetails().errorMessage();
        });
        return message[0];
    }

    private static String noAllow(String principal, String action, String resource) {
        return "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource
                + " because no identity-based policy allows the " + action + " action";
    }

    private static String explicitDeny(String principal, String action, String resource) {
        return "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource
                + " with an explicit deny in an identity-based policy";
    }

    @Test
    void aPrincipalWithoutPolicyMayDoEverything() {
        instantLifecycle();
        create("free");
        ses.tagResource(r -> r.resourceArn(arn("free")).tags(tag("a", "b")));
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("free"));
    }

    @Test
    void theScopedOperatorPolicyAllowsTheOperatorsWorkAndNothingElse() throws IOException {
        String document;
        try (InputStream in = IamPolicyTest.class.getResourceAsStream("/iam/scoped-operator-policy.json")) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        emu.updateSettings(s -> s.withPolicy(USER, document));
        instantLifecycle();
        String owner = "prod-eu/mail/global-mail";

        // create: only with our owner tag, only in our regions
        create(ses, "global-mail", "eu-west-1", Map.of("ses.mre.dev/owner", owner));
        assertThat(refused(() -> create("untagged"))).isEqualTo(noAllow(USER, "ses:CreateMultiRegionEndpoint", "*"));
        assertThat(refused(() -> create(ses, "theirs", "eu-west-1", Map.of("ses.mre.dev/owner", "prod-us/mail/x"))))
                .isEqualTo(explicitDeny(USER, "ses:CreateMultiRegionEndpoint", "*"));
        try (SesV2Client tokyo = Sdk.ses(emu, Region.AP_NORTHEAST_1)) {
            assertThat(refused(() -> tokyo.listMultiRegionEndpoints(r -> {})))
                    .isEqualTo(explicitDeny(USER, "ses:ListMultiRegionEndpoints", "*"));
            assertThat(refused(() -> create(tokyo, "far", "eu-west-1", Map.of("ses.mre.dev/owner", owner))))
                    .isEqualTo(explicitDeny(USER, "ses:CreateMultiRegionEndpoint", "*"));
        }

        // observe
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints()).hasSize(1);
        assertThat(ses.getMultiRegionEndpoint(r -> r.endpointName("global-mail"))
                        .endpointName())
                .isEqualTo("global-mail");
        assertThat(ses.listTagsForResource(r -> r.resourceArn(arn("global-mail")))
                        .tags())
                .hasSize(1);

        // tags of our own endpoint: add and remove ours, never remove or hand over the owner tag
        ses.tagResource(
                r -> r.resourceArn(arn("global-mail")).tags(tag("team", "mail"), tag("ses.mre.dev/owner", owner)));
        ses.untagResource(r -> r.resourceArn(arn("global-mail")).tagKeys("team"));
        assertThat(refused(() ->
                        ses.untagResource(r -> r.resourceArn(arn("global-mail")).tagKeys("team", "ses.mre.dev/owner"))))
                .isEqualTo(explicitDeny(USER, "ses:UntagResource", arn("global-mail")));
        assertThat(refused(() -> ses.tagResource(
                        r -> r.resourceArn(arn("global-mail")).tags(tag("ses.mre.dev/owner", "prod-us/x/y")))))
                .isEqualTo(explicitDeny(USER, "ses:TagResource", arn("global-mail")));

        // somebody else's endpoint and an unmarked one: readable, never changed
        adminCreate("foreign", Map.of("ses.mre.dev/owner", "prod-us/mail/foreign"));
        adminCreate("console-made", Map.of());
        assertThat(ses.getMultiRegionEndpoint(r -> r.endpointName("foreign")).endpointName())
                .isEqualTo("foreign");
        assertThat(refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("foreign"))))
                .isEqualTo(noAllow(USER, "ses:DeleteMultiRegionEndpoint", arn("foreign")));
        assertThat(refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("console-made"))))
                .isEqualTo(noAllow(USER, "ses:DeleteMultiRegionEndpoint", arn("console-made")));
        assertThat(refused(() ->
                        ses.tagResource(r -> r.resourceArn(arn("console-made")).tags(tag("ses.mre.dev/owner", owner)))))
                .isEqualTo(noAllow(USER, "ses:TagResource", arn("console-made")));

        // adoption: only of an endpoint that carries ses.mre.dev/adoptable and no owner yet
        adminCreate("adoptable", Map.of("ses.mre.dev/adoptable", "mail/adoptable"));
        ses.tagResource(r -> r.resourceArn(arn("adoptable")).tags(tag("ses.mre.dev/owner", "prod-eu/mail/adoptable")));
        assertThat(emu.findEndpoint("us-east-1", "adoptable").orElseThrow().tags())
                .containsEntry("ses.mre.dev/owner", "prod-eu/mail/adoptable");
        adminCreate("adoptable-but-owned", Map.of("ses.mre.dev/adoptable", "x", "ses.mre.dev/owner", "prod-us/a/b"));
        assertThat(refused(() -> ses.tagResource(
                        r -> r.resourceArn(arn("adoptable-but-owned")).tags(tag("ses.mre.dev/owner", owner)))))
                .isEqualTo(noAllow(USER, "ses:TagResource", arn("adoptable-but-owned")));

        // another account's ARN is outside the policy's resources: refused before SES looks for it
        String elsewhere = SesEmulator.arn("999988887777", "us-east-1", "global-mail");
        assertThat(refused(() -> ses.listTagsForResource(r -> r.resourceArn(elsewhere))))
                .isEqualTo(noAllow(USER, "ses:ListTagsForResource", elsewhere));

        // delete our own
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("global-mail"));
        assertThat(emu.calls().countOutcome("AccessDeniedException")).isEqualTo(11);
    }

    @Test
    void stringEqualsAndStringNotEqualsOnRequestTags() {
        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'StringEquals':{'aws:RequestTag/team':['mail','ops']}");
        create(ses, "mail", "eu-west-1", Map.of("team", "mail"));
        create(ses, "ops", "eu-west-1", Map.of("team", "ops"));
        refused(() -> create(ses, "case", "eu-west-1", Map.of("team", "Mail")));
        refused(() -> create("none"));

        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'StringNotEquals':{'aws:RequestTag/team':'mail'}");
        create(ses, "not-mail", "eu-west-1", Map.of("team", "web"));
        create("no-team-tag-is-not-mail");
        refused(() -> create(ses, "is-mail", "eu-west-1", Map.of("team", "mail")));

        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'StringEqualsIgnoreCase':{'aws:RequestTag/TEAM':'MAIL'}");
        create(ses, "any-case", "eu-west-1", Map.of("team", "Mail"));
    }

    @Test
    void stringLikeAndStringNotLikeWithWildcards() {
        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'StringLike':{'aws:RequestTag/owner':'prod-??/*'}");
        create(ses, "a", "eu-west-1", Map.of("owner", "prod-eu/ns/a"));
        refused(() -> create(ses, "b", "eu-west-1", Map.of("owner", "prod-east/ns/b")));

        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'StringNotLike':{'aws:RequestTag/owner':['test-*','dev-*']}");
        create(ses, "c", "eu-west-1", Map.of("owner", "prod/c"));
        refused(() -> create(ses, "d", "eu-west-1", Map.of("owner", "dev-1/d")));
    }

    @Test
    void ifExistsAndNullOnResourceTags() {
        instantLifecycle();
        adminCreate("plain", Map.of());
        adminCreate("mail", Map.of("team", "mail"));
        adminCreate("web", Map.of("team", "web"));
        allow("'ses:GetMultiRegionEndpoint'", "'*'", "'StringEqualsIfExists':{'aws:ResourceTag/team':'mail'}");
        ses.getMultiRegionEndpoint(r -> r.endpointName("plain"));
        ses.getMultiRegionEndpoint(r -> r.endpointName("mail"));
        assertThat(refused(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("web"))))
                .isEqualTo(noAllow(USER, "ses:GetMultiRegionEndpoint", arn("web")));

        allow("'ses:GetMultiRegionEndpoint'", "'*'", "'Null':{'aws:ResourceTag/team':'true'}");
        ses.getMultiRegionEndpoint(r -> r.endpointName("plain"));
        refused(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("mail")));

        allow("'ses:GetMultiRegionEndpoint'", "'*'", "'Null':{'aws:ResourceTag/team':'false'}");
        ses.getMultiRegionEndpoint(r -> r.endpointName("web"));
        refused(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("plain")));
        // a missing endpoint has no tags: refused before NotFound, as IAM decides first
        refused(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("missing")));
    }

    @Test
    void setQualifiersOnTagKeys() {
        instantLifecycle();
        adminCreate("target", Map.of("team", "mail", "cost", "7"));
        allow(
                "['ses:TagResource','ses:UntagResource']",
                "'*'",
                "'ForAllValues:StringEquals':{'aws:TagKeys':['team','env']}");
        ses.tagResource(r -> r.resourceArn(arn("target")).tags(tag("team", "web"), tag("env", "prod")));
        refused(() -> ses.tagResource(r -> r.resourceArn(arn("target")).tags(tag("team", "web"), tag("cost", "9"))));
        ses.untagResource(r -> r.resourceArn(arn("target")).tagKeys("env"));
        refused(() -> ses.untagResource(r -> r.resourceArn(arn("target")).tagKeys("cost")));

        allow("['ses:TagResource','ses:UntagResource']", "'*'", "'ForAnyValue:StringLike':{'aws:TagKeys':'temp-*'}");
        ses.untagResource(r -> r.resourceArn(arn("target")).tagKeys("cost", "temp-1"));
        refused(() -> ses.untagResource(r -> r.resourceArn(arn("target")).tagKeys("team")));
        // Create without tags has no aws:TagKeys: ForAllValues holds vacuously, ForAnyValue does not
        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'ForAllValues:StringEquals':{'aws:TagKeys':'team'}");
        create("untagged-ok");
        allow("'ses:CreateMultiRegionEndpoint'", "'*'", "'ForAnyValue:StringEquals':{'aws:TagKeys':'team'}");
        refused(() -> create("untagged-refused"));
    }

    @Test
    void requestedRegionAllowList() {
        allow("'ses:*'", "'*'", "'StringEquals':{'aws:RequestedRegion':['us-east-1','eu-west-1']}");
        ses.listMultiRegionEndpoints(r -> {});
        try (SesV2Client eu = Sdk.ses(emu, Region.EU_WEST_1);
                SesV2Client ap = Sdk.ses(emu, Region.AP_SOUTH_1)) {
            eu.listMultiRegionEndpoints(r -> {});
            assertThat(refused(() -> ap.listMultiRegionEndpoints(r -> {})))
                    .isEqualTo(noAllow(USER, "ses:ListMultiRegionEndpoints", "*"));
        }
    }

    @Test
    void resourcesNameTheAccountAndTheEndpoint() {
        instantLifecycle();
        adminCreate("team-a", Map.of());
        adminCreate("other", Map.of());
        allow(
                "'ses:DeleteMultiRegionEndpoint'",
                "'arn:aws:ses:us-east-?:123456789012:multi-region-endpoint/team-*'",
                "");
        assertThat(refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("other"))))
                .isEqualTo(noAllow(USER, "ses:DeleteMultiRegionEndpoint", arn("other")));
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("team-a"));

        allow("'ses:DeleteMultiRegionEndpoint'", "'arn:aws:ses:*:111111111111:multi-region-endpoint/*'", "");
        refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("other")));

        // Create has no resource-level permissions: only a statement on "*" covers it
        allow("'ses:CreateMultiRegionEndpoint'", "'arn:aws:ses:*:123456789012:multi-region-endpoint/*'", "");
        assertThat(refused(() -> create("by-arn"))).isEqualTo(noAllow(USER, "ses:CreateMultiRegionEndpoint", "*"));
    }

    @Test
    void actionWildcardsAreCaseInsensitiveAndNotActionNotResourceInvert() {
        instantLifecycle();
        adminCreate("x", Map.of());
        allow("'SES:*multiregionendpoint*'", "'*'", "");
        ses.getMultiRegionEndpoint(r -> r.endpointName("x"));
        ses.listMultiRegionEndpoints(r -> {});
        refused(() -> ses.listTagsForResource(r -> r.resourceArn(arn("x"))));

        policy("{'Statement':{'Effect':'Allow','NotAction':'ses:Delete*','Resource':'*'}}");
        ses.listTagsForResource(r -> r.resourceArn(arn("x")));
        refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("x")));

        policy(
                "{'Statement':[{'Effect':'Allow','Action':'ses:*','NotResource':'arn:aws:ses:*:*:multi-region-endpoint/x'}]}");
        ses.listMultiRegionEndpoints(r -> {});
        refused(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("x")));
    }

    @Test
    void resourceTagsOnTagActionsCanBeSwitchedOffToCheckAPolicyWithoutThem() {
        instantLifecycle();
        adminCreate("owned", Map.of("owner", "me"));
        allow(
                "['ses:TagResource','ses:ListTagsForResource','ses:DeleteMultiRegionEndpoint']",
                "'*'",
                "'StringEquals':{'aws:ResourceTag/owner':'me'}");
        ses.tagResource(r -> r.resourceArn(arn("owned")).tags(tag("a", "1")));
        emu.updateSettings(s -> s.withResourceTagsOnTagActions(false));
        refused(() -> ses.tagResource(r -> r.resourceArn(arn("owned")).tags(tag("a", "2"))));
        refused(() -> ses.listTagsForResource(r -> r.resourceArn(arn("owned"))));
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("owned"));
    }

    @Test
    void anExplicitDenyWinsOverAnyAllow() {
        instantLifecycle();
        adminCreate("protected", Map.of("protected", "yes"));
        policy("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'*','Resource':'*'},"
                + "{'Sid':'KeepProtected','Effect':'Deny','Action':'ses:DeleteMultiRegionEndpoint','Resource':'*',"
                + "'Condition':{'StringEquals':{'aws:ResourceTag/protected':'yes'}}}]}");
        assertThat(refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("protected"))))
                .isEqualTo(explicitDeny(USER, "ses:DeleteMultiRegionEndpoint", arn("protected")));
        create("unprotected");
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("unprotected"));
    }

    @Test
    void roleSessionsGetTheRolesPolicyAndTheirSessionTagsArePrincipalTags() {
        String role = AssumeRoleTest.ROLE_B;
        String session = "arn:aws:sts::" + AssumeRoleTest.ACCOUNT_B + ":assumed-role/ses-mre-operator/tagged";
        emu.updateSettings(s -> s.withRole(Role.trusting(role, USER).withTagSession(true))
                .withPolicy(
                        role,
                        ("{'Statement':[{'Effect':'Allow','Action':'ses:CreateMultiRegionEndpoint','Resource':'*',"
                                        + "'Condition':{'StringEquals':{'aws:PrincipalTag/team':'mail'}}},"
                                        + "{'Effect':'Allow','Action':'ses:ListMultiRegionEndpoints','Resource':'*',"
                                        + "'Condition':{'StringEquals':{'aws:PrincipalArn':'" + role
                                        + "','aws:PrincipalAccount':'210987654321'}}}]}")
                                .replace('\'', '"')));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey());
                StsAssumeRoleCredentialsProvider tagged = StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(sts)
                        .refreshRequest(r -> r.roleArn(role)
                                .roleSessionName("tagged")
                                .tags(t -> t.key("team").value("mail")))
                        .build();
                StsAssumeRoleCredentialsProvider untagged =
                        Sdk.assumeRole(sts, role, "untagged", Duration.ofSeconds(1), Duration.ofSeconds(2));
                SesV2Client asTagged = Sdk.ses(emu, Region.US_EAST_1, tagged);
                SesV2Client asUntagged = Sdk.ses(emu, Region.US_EAST_1, untagged)) {
            create(asTagged, "by-mail", "eu-west-1", Map.of());
            asTagged.listMultiRegionEndpoints(r -> {});
            assertThat(refused(() -> create(asUntagged, "by-nobody", "eu-west-1", Map.of())))
                    .isEqualTo(noAllow(session.replace("/tagged", "/untagged"), "ses:CreateMultiRegionEndpoint", "*"));
            assertThat(refused(() -> asTagged.deleteMultiRegionEndpoint(r -> r.endpointName("by-mail"))))
                    .isEqualTo(noAllow(
                            session,
                            "ses:DeleteMultiRegionEndpoint",
                            SesEmulator.arn(AssumeRoleTest.ACCOUNT_B, "us-east-1", "by-mail")));
        }
        // the user's own calls are not governed by the role's policy
        create("by-user");
    }

    @Test
    void theCallersPolicyGovernsAssumeRoleAndTagSession() {
        String role = AssumeRoleTest.ROLE_B;
        emu.updateSettings(s -> s.withRole(Role.trusting(role, USER).withTagSession(true))
                .withPolicy(
                        USER,
                        ("{'Statement':[{'Effect':'Allow','Action':'sts:AssumeRole','Resource':'arn:aws:iam::*:role/ses-*'}]}")
                                .replace('\'', '"')));
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            sts.assumeRole(r -> r.roleArn(role).roleSessionName("plain"));
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(role)
                            .roleSessionName("tags")
                            .tags(t -> t.key("a").value("b"))))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(noAllow(USER, "sts:TagSession", role));
                    });
            String other = "arn:aws:iam::" + AssumeRoleTest.ACCOUNT_B + ":role/admin";
            emu.updateSettings(s -> s.withRole(Role.trusting(other, USER)));
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(other).roleSessionName("xy")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage())
                                    .isEqualTo(noAllow(USER, "sts:AssumeRole", other)));
            // GetCallerIdentity needs no permission
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(USER);
        }
    }

    @Test
    void denyActionsStillRefusesWhateverThePolicy() {
        allow("'*'", "'*'", "");
        emu.updateSettings(s -> s.withDenyActions(java.util.Set.of(Operation.DELETE_MULTI_REGION_ENDPOINT)));
        instantLifecycle();
        create("kept");
        assertThat(refused(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("kept"))))
                .isEqualTo(noAllow(USER, "ses:DeleteMultiRegionEndpoint", arn("kept")));
    }

    @Test
    void policiesCanBeSetThroughTheAdminApiAndBadOnesAreRefusedWithTheStatementNamed() throws Exception {
        String good =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:List*\",\"Resource\":\"*\"}]}";
        var answer =
                SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"policies\":{\"" + USER + "\":" + good + "}}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(answer.body()).get("policies").get(USER))
                .isEqualTo(Json.MAPPER.readTree(good));
        ses.listMultiRegionEndpoints(r -> {});
        refused(() -> create("not-allowed"));

        String bad = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"},"
                + "{\"Sid\":\"Broken\",\"Effect\":\"Permit\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}";
        var refusedUpdate = SignedHttp.admin(
                emu, "POST", "/_emulator/settings", "{\"quota\":3,\"policies\":{\"" + USER + "\":" + bad + "}}");
        assertThat(refusedUpdate.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(refusedUpdate.body()).get("message").asText())
                .isEqualTo("invalid value for policies: policies[" + USER
                        + "]: Statement 2 (Sid \"Broken\"): Effect must be \"Allow\" or \"Deny\", not \"Permit\"");
        assertThat(emu.settings().quota()).as("nothing applied").isEqualTo(100);

        assertThat(SignedHttp.admin(emu, "POST", "/_emulator/settings", "{\"policies\":{\"" + USER + "\":null}}")
                        .statusCode())
                .isEqualTo(200);
        create("allowed-again");
    }
}
