package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * A team role's trust policy document, the one docs/iam/team-role-trust-policy.json documents, evaluated by the
 * emulator's STS as AWS's does: the Principal, the external id, and the session tags the operator passes
 * ({@code aws:RequestTag/ses.mre.dev/namespace}, {@code aws:TagKeys}) for AssumeRole and for TagSession. This is what
 * lets the AWS side refuse a namespace that a label selector matched wrongly.
 */
class TrustPolicyTest extends EmulatorTestBase {

    static final String TEAM_A_ROLE = "arn:aws:iam::210987654321:role/team-a-ses";
    static final String USER = "arn:aws:iam::123456789012:user/emulator";
    static final Path DOCUMENTED = Path.of("../../docs/iam/team-role-trust-policy.json");

    /** The documented policy with the operator's identity of this test in place of the example role. */
    static String documentedPolicyFor(String operatorArn) throws IOException {
        return Files.readString(DOCUMENTED).replace("arn:aws:iam::111122223333:role/ses-mre-operator", operatorArn);
    }

    @BeforeEach
    void teamARoleWithTheDocumentedTrustPolicy() throws IOException {
        IamPolicy trust = IamPolicy.parseTrust(documentedPolicyFor(USER));
        emu.updateSettings(s -> s.withRole(Role.withTrustPolicy(TEAM_A_ROLE, trust, null)));
    }

    private static AssumeRoleRequest request(String externalId, String cluster, String namespace, Tag... extra) {
        var tags = new java.util.ArrayList<Tag>();
        tags.add(Tag.builder().key("ses.mre.dev/cluster").value(cluster).build());
        tags.add(Tag.builder().key("ses.mre.dev/namespace").value(namespace).build());
        tags.addAll(java.util.List.of(extra));
        return AssumeRoleRequest.builder()
                .roleArn(TEAM_A_ROLE)
                .roleSessionName("ses-mre." + cluster + "." + namespace)
                .externalId(externalId)
                .tags(tags)
                .build();
    }

    private static StsException refused(AssumeRoleRequest request) {
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> sts.assumeRole(request));
            assertThat(t).as("AssumeRole must be refused").isInstanceOf(StsException.class);
            return (StsException) t;
        }
    }

    @Test
    void oneOfTheTeamsNamespacesInTheAgreedClusterWithTheExternalIdGetsASession() {
        try (StsClient sts = Sdk.sts(emu, emu.accessKeyId(), emu.secretAccessKey())) {
            var answer = sts.assumeRole(request("EXAMPLE-EXTERNAL-ID", "prod-eu", "team-a-staging"));
            assertThat(answer.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::210987654321:assumed-role/team-a-ses/ses-mre.prod-eu.team-a-staging");
        }
    }

    @Test
    void aNamespaceOutsideTheTeamIsRefusedWhateverSelectedIt() {
        StsException e = refused(request("EXAMPLE-EXTERNAL-ID", "prod-eu", "team-b"));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(e.awsErrorDetails().errorMessage())
                .isEqualTo(
                        "User: " + USER + " is not authorized to perform: sts:AssumeRole on resource: " + TEAM_A_ROLE);
    }

    @Test
    void anotherClusterAWrongExternalIdOrAnExtraSessionTagIsRefused() {
        assertThat(refused(request("EXAMPLE-EXTERNAL-ID", "staging-eu", "team-a"))
                        .awsErrorDetails()
                        .errorMessage())
                .contains("sts:AssumeRole");
        assertThat(refused(request("another-id", "prod-eu", "team-a"))
                        .awsErrorDetails()
                        .errorMessage())
                .contains("sts:AssumeRole");
        Tag extra = Tag.builder().key("team").value("a").build();
        assertThat(refused(request("EXAMPLE-EXTERNAL-ID", "prod-eu", "team-a", extra))
                        .awsErrorDetails()
                        .errorMessage())
                .as("AssumeRole itself is allowed; the extra key fails the TagSession statement")
                .contains("sts:TagSession");
    }

    @Test
    void aCallerTheTrustPolicyDoesNotNameIsRefused() throws IOException {
        IamPolicy trust = IamPolicy.parseTrust(documentedPolicyFor("arn:aws:iam::123456789012:role/someone-else"));
        emu.updateSettings(s -> s.withRole(Role.withTrustPolicy(TEAM_A_ROLE, trust, null)));
        assertThat(refused(request("EXAMPLE-EXTERNAL-ID", "prod-eu", "team-a"))
                        .awsErrorDetails()
                        .errorMessage())
                .contains("sts:AssumeRole");
    }

    @Test
    void aTrustPolicyIsCheckedAsIamChecksOne() {
        assertThatThrownBy(
                        () -> IamPolicy.parseTrust(
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}]}"))
                .hasMessage("Statement 1: Principal is missing: a trust policy names who may assume the role");
        assertThatThrownBy(
                        () -> IamPolicy.parseTrust("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}"))
                .hasMessage("Statement 1: Resource is not allowed in a trust policy (the role is the resource)");
        assertThatThrownBy(() -> IamPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}"))
                .hasMessage("Statement 1: Principal is not allowed in an identity-based policy");
    }

    @Test
    void theAdminApiTakesATrustPolicyAndShowsItBack() throws IOException {
        String policy = documentedPolicyFor(USER);
        String json = "{\"roles\":{\"" + TEAM_A_ROLE + "\":{\"trustPolicy\":" + policy + "}}}";
        emu.applySettings(Json.MAPPER.readTree(json));
        assertThat(emu.settings().roles().get(TEAM_A_ROLE).trustPolicy()).isEqualTo(IamPolicy.parseTrust(policy));
        assertThatThrownBy(() -> emu.applySettings(Json.MAPPER.readTree("{\"roles\":{\"" + TEAM_A_ROLE
                        + "\":{\"trustPolicy\":" + policy + ",\"externalId\":\"x1\"}}}")))
                .hasMessageContaining("trustPolicy and externalId exclude each other");
    }
}
