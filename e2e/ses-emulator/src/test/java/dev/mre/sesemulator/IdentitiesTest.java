package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.CreateEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.DkimSigningAttributesOrigin;
import software.amazon.awssdk.services.sesv2.model.DkimStatus;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.IdentityType;
import software.amazon.awssdk.services.sesv2.model.ListEmailIdentitiesResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.Tag;
import software.amazon.awssdk.services.sesv2.model.VerificationError;

/** Email identities (Easy DKIM, DEED replicas), configuration sets and GetAccount through the real SDK. */
class IdentitiesTest extends EmulatorTestBase {

    static SesV2Client sesEu;

    @BeforeAll
    static void secondRegion() {
        sesEu = Sdk.ses(emu, Region.EU_WEST_1);
    }

    @AfterAll
    static void closeSecond() {
        sesEu.close();
    }

    @Test
    void domainIdentityLifecycle() throws Exception {
        CreateEmailIdentityResponse created = ses.createEmailIdentity(r -> r.emailIdentity("example.com")
                .tags(Tag.builder().key("owner").value("team-a").build()));
        assertThat(created.identityType()).isEqualTo(IdentityType.DOMAIN);
        assertThat(created.verifiedForSendingStatus()).isFalse();
        assertThat(created.dkimAttributes().status()).isEqualTo(DkimStatus.PENDING);
        assertThat(created.dkimAttributes().tokens()).hasSize(3);
        assertThat(created.dkimAttributes().signingAttributesOrigin()).isEqualTo(DkimSigningAttributesOrigin.AWS_SES);

        HttpResponse<String> verified = SignedHttp.admin(
                emu, "POST", "/_emulator/identity-status", "{\"region\":\"us-east-1\",\"identity\":\"example.com\"}");
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).contains("\"verifiedForSending\":true");

        GetEmailIdentityResponse got = ses.getEmailIdentity(r -> r.emailIdentity("example.com"));
        assertThat(got.verifiedForSendingStatus()).isTrue();
        assertThat(got.dkimAttributes().status()).isEqualTo(DkimStatus.SUCCESS);
        assertThat(got.verificationStatusAsString()).isEqualTo("SUCCESS");
        assertThat(got.tags()).extracting(Tag::key).containsExactly("owner");
        // identities are per region
        assertThatThrownBy(() -> sesEu.getEmailIdentity(r -> r.emailIdentity("example.com")))
                .isInstanceOf(NotFoundException.class);

        ListEmailIdentitiesResponse list = ses.listEmailIdentities(r -> r.pageSize(10));
        assertThat(list.emailIdentities()).singleElement().satisfies(i -> {
            assertThat(i.identityName()).isEqualTo("example.com");
            assertThat(i.sendingEnabled()).isTrue();
        });

        ses.deleteEmailIdentity(r -> r.emailIdentity("example.com"));
        assertThatThrownBy(() -> ses.getEmailIdentity(r -> r.emailIdentity("example.com")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.deleteEmailIdentity(r -> r.emailIdentity("example.com")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void modeledErrors() {
        ses.createEmailIdentity(r -> r.emailIdentity("example.com"));
        assertThatThrownBy(() -> ses.createEmailIdentity(r -> r.emailIdentity("EXAMPLE.com")))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> ses.createEmailIdentity(r -> r.emailIdentity("not a domain")))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> ses.createEmailIdentity(r -> r.emailIdentity("x.org")
                        .dkimSigningAttributes(
                                d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES))))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() ->
                        ses.createEmailIdentity(r -> r.emailIdentity("x.org").configurationSetName("nope")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void emailAddressIdentityAndPaging() {
        ses.createEmailIdentity(r -> r.emailIdentity("ops@example.org"));
        ses.createEmailIdentity(r -> r.emailIdentity("a.example.net"));
        emu.verifyIdentity("us-east-1", "ops@example.org");
        GetEmailIdentityResponse got = ses.getEmailIdentity(r -> r.emailIdentity("ops@example.org"));
        assertThat(got.identityType()).isEqualTo(IdentityType.EMAIL_ADDRESS);
        assertThat(got.verifiedForSendingStatus()).isTrue();
        assertThat(got.dkimAttributes().signingEnabled()).isFalse();

        ListEmailIdentitiesResponse first = ses.listEmailIdentities(r -> r.pageSize(1));
        assertThat(first.emailIdentities()).hasSize(1);
        assertThat(first.nextToken()).isNotNull();
        ListEmailIdentitiesResponse second =
                ses.listEmailIdentities(r -> r.pageSize(1).nextToken(first.nextToken()));
        assertThat(second.emailIdentities()).hasSize(1);
        assertThat(second.nextToken()).isNull();
        assertThat(first.emailIdentities().get(0).identityName())
                .isNotEqualTo(second.emailIdentities().get(0).identityName());
    }

    @Test
    void deterministicEasyDkimReplicaFollowsItsParent() {
        CreateEmailIdentityResponse parent = ses.createEmailIdentity(r -> r.emailIdentity("example.com"));
        CreateEmailIdentityResponse replica = sesEu.createEmailIdentity(r -> r.emailIdentity("example.com")
                .dkimSigningAttributes(
                        d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
        assertThat(replica.dkimAttributes().signingAttributesOrigin())
                .isEqualTo(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1);
        assertThat(replica.dkimAttributes().tokens())
                .isEqualTo(parent.dkimAttributes().tokens());
        assertThat(replica.verifiedForSendingStatus()).isFalse();

        emu.verifyIdentity("us-east-1", "example.com");
        GetEmailIdentityResponse got = sesEu.getEmailIdentity(r -> r.emailIdentity("example.com"));
        assertThat(got.verifiedForSendingStatus()).isTrue();
        assertThat(got.dkimAttributes().signingAttributesOriginAsString()).isEqualTo("AWS_SES_US_EAST_1");

        // a parent with replicas cannot be deleted
        assertThatThrownBy(() -> ses.deleteEmailIdentity(r -> r.emailIdentity("example.com")))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("eu-west-1");
        sesEu.deleteEmailIdentity(r -> r.emailIdentity("example.com"));
        ses.deleteEmailIdentity(r -> r.emailIdentity("example.com"));
    }

    @Test
    void replicationFailuresShowInVerificationInfo() {
        sesEu.createEmailIdentity(r -> r.emailIdentity("orphan.com")
                .dkimSigningAttributes(
                        d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
        GetEmailIdentityResponse orphan = sesEu.getEmailIdentity(r -> r.emailIdentity("orphan.com"));
        assertThat(orphan.verificationStatusAsString()).isEqualTo("FAILED");
        assertThat(orphan.verificationInfo().errorType()).isEqualTo(VerificationError.REPLICATION_PRIMARY_NOT_FOUND);

        ses.createEmailIdentity(r -> r.emailIdentity("byo.com")
                .dkimSigningAttributes(d -> d.domainSigningSelector("s1").domainSigningPrivateKey("a2V5")));
        sesEu.createEmailIdentity(r -> r.emailIdentity("byo.com")
                .dkimSigningAttributes(
                        d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
        assertThat(sesEu.getEmailIdentity(r -> r.emailIdentity("byo.com"))
                        .verificationInfo()
                        .errorType())
                .isEqualTo(VerificationError.REPLICATION_PRIMARY_BYO_DKIM_NOT_SUPPORTED);

        // without ses:ReplicateEmailIdentityDKIMSigningKey on the parent the replica fails
        ses.createEmailIdentity(r -> r.emailIdentity("denied.com"));
        emu.verifyIdentity("us-east-1", "denied.com");
        emu.updateSettings(
                s -> s.withPolicy(
                        emu.primaryCredentials().userArn(),
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"},"
                                + "{\"Effect\":\"Deny\",\"Action\":\"ses:ReplicateEmailIdentityDkimSigningKey\",\"Resource\":\"*\"}]}"));
        sesEu.createEmailIdentity(r -> r.emailIdentity("denied.com")
                .dkimSigningAttributes(
                        d -> d.domainSigningAttributesOrigin(DkimSigningAttributesOrigin.AWS_SES_US_EAST_1)));
        GetEmailIdentityResponse denied = sesEu.getEmailIdentity(r -> r.emailIdentity("denied.com"));
        assertThat(denied.verificationInfo().errorType()).isEqualTo(VerificationError.REPLICATION_ACCESS_DENIED);
        assertThat(denied.verifiedForSendingStatus()).isFalse();
    }

    @Test
    void tagsOnIdentityAndConfigurationSetArns() {
        ses.createEmailIdentity(r -> r.emailIdentity("example.com"));
        ses.createConfigurationSet(r -> r.configurationSetName("transactional"));
        String identityArn = "arn:aws:ses:us-east-1:" + emu.accountId() + ":identity/example.com";
        String setArn = "arn:aws:ses:us-east-1:" + emu.accountId() + ":configuration-set/transactional";
        for (String arn : new String[] {identityArn, setArn}) {
            ses.tagResource(r ->
                    r.resourceArn(arn).tags(Tag.builder().key("k").value("v").build()));
            assertThat(ses.listTagsForResource(r -> r.resourceArn(arn)).tags())
                    .extracting(Tag::key)
                    .containsExactly("k");
            ses.untagResource(r -> r.resourceArn(arn).tagKeys("k"));
            assertThat(ses.listTagsForResource(r -> r.resourceArn(arn)).tags()).isEmpty();
        }
        assertThatThrownBy(() -> ses.listTagsForResource(
                        r -> r.resourceArn("arn:aws:ses:eu-west-1:" + emu.accountId() + ":identity/example.com")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void configurationSets() {
        ses.createConfigurationSet(r -> r.configurationSetName("transactional"));
        assertThat(ses.getConfigurationSet(r -> r.configurationSetName("transactional"))
                        .sendingOptions()
                        .sendingEnabled())
                .isTrue();
        assertThatThrownBy(() -> ses.createConfigurationSet(r -> r.configurationSetName("transactional")))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> sesEu.getConfigurationSet(r -> r.configurationSetName("transactional")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.createConfigurationSet(r -> r.configurationSetName("bad name")))
                .isInstanceOf(BadRequestException.class);
        ses.deleteConfigurationSet(r -> r.configurationSetName("transactional"));
        assertThatThrownBy(() -> ses.getConfigurationSet(r -> r.configurationSetName("transactional")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void getAccountFollowsTheAdminSwitches() throws Exception {
        GetAccountResponse account = ses.getAccount(r -> {});
        assertThat(account.sendingEnabled()).isTrue();
        assertThat(account.productionAccessEnabled()).isTrue();
        assertThat(account.enforcementStatus()).isEqualTo("HEALTHY");
        assertThat(account.sendQuota().max24HourSend()).isEqualTo(50_000.0);

        HttpResponse<String> paused = SignedHttp.admin(
                emu,
                "POST",
                "/_emulator/account-sending",
                "{\"region\":\"eu-west-1\",\"sendingEnabled\":false,\"productionAccessEnabled\":false}");
        assertThat(paused.statusCode()).isEqualTo(200);
        GetAccountResponse eu = sesEu.getAccount(r -> {});
        assertThat(eu.sendingEnabled()).isFalse();
        assertThat(eu.productionAccessEnabled()).isFalse();
        assertThat(ses.getAccount(r -> {}).sendingEnabled()).isTrue();

        HttpResponse<String> bad =
                SignedHttp.admin(emu, "POST", "/_emulator/account-sending", "{\"region\":\"eu-west-1\",\"x\":1}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(SignedHttp.admin(emu, "GET", "/_emulator/state", null).body())
                .contains("\"accountSending\":[{\"accountId\":\"" + emu.accountId() + "\",\"region\":\"eu-west-1\"");
    }
}
