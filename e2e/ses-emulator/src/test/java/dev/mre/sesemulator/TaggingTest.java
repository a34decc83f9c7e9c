package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.Tag;

/** TagResource / UntagResource / ListTagsForResource addressed by the endpoint ARN. */
class TaggingTest extends EmulatorTestBase {

    private static Map<String, String> tagsOf(SesV2Client client, String arn) {
        Map<String, String> tags = new LinkedHashMap<>();
        client.listTagsForResource(r -> r.resourceArn(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    private static Tag tag(String k, String v) {
        return Tag.builder().key(k).value(v).build();
    }

    @Test
    void tagsRoundTripThroughTheArn() {
        Map<String, String> initial = new LinkedHashMap<>();
        initial.put("ses.mre.dev/owner", "cluster-1/mail/global-mail");
        initial.put("team", "mail");
        create(ses, "global-mail", "eu-west-1", initial);
        String arn = "arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/global-mail";
        assertThat(tagsOf(ses, arn)).containsExactlyEntriesOf(initial);

        ses.tagResource(r -> r.resourceArn(arn).tags(tag("team", "platform"), tag("cost-center", "42")));
        assertThat(tagsOf(ses, arn))
                .containsExactly(
                        Map.entry("ses.mre.dev/owner", "cluster-1/mail/global-mail"),
                        Map.entry("team", "platform"),
                        Map.entry("cost-center", "42"));

        ses.untagResource(r -> r.resourceArn(arn).tagKeys("team", "not-there"));
        assertThat(tagsOf(ses, arn)).containsOnlyKeys("ses.mre.dev/owner", "cost-center");
        assertThat(emu.findEndpoint("us-east-1", "global-mail").orElseThrow().tags())
                .containsOnlyKeys("ses.mre.dev/owner", "cost-center");
        assertThat(emu.calls().count("TagResource", "200")).isEqualTo(1);
        assertThat(emu.calls().log())
                .filteredOn(c -> c.operation().equals("UntagResource"))
                .singleElement()
                .satisfies(c -> assertThat(c.endpointName()).isEqualTo("global-mail"));
    }

    @Test
    void unknownArnsAreNotFoundAndMalformedOnesBadRequests() {
        create("known");
        assertThatThrownBy(() -> ses.listTagsForResource(r -> r.resourceArn(emu.arn("us-east-1", "unknown"))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.tagResource(
                        r -> r.resourceArn(emu.arn("eu-west-1", "known")).tags(tag("a", "b"))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.untagResource(
                        r -> r.resourceArn("arn:aws:ses:us-east-1:999999999999:multi-region-endpoint/known")
                                .tagKeys("a")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.listTagsForResource(
                        r -> r.resourceArn("arn:aws:ses:us-east-1:123456789012:identity/example.com")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.listTagsForResource(r -> r.resourceArn("known")))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("'ResourceArn'"));
    }

    @Test
    void tagLimitsHoldForTheMergedSet() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 49; i++) {
            many.put("k" + i, "v");
        }
        create(ses, "full", "eu-west-1", many);
        String arn = emu.arn("us-east-1", "full");
        ses.tagResource(r -> r.resourceArn(arn).tags(tag("k0", "overwritten"), tag("k49", "v")));
        assertThatThrownBy(() -> ses.tagResource(r -> r.resourceArn(arn).tags(tag("k50", "v"))))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("at most 50 tags"));
        assertThatThrownBy(
                        () -> ses.tagResource(r -> r.resourceArn(arn).tags(tag("aws:cloudformation:stack-name", "v"))))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("'Tags.1.Key'"));
        assertThat(tagsOf(ses, arn)).hasSize(50).containsEntry("k0", "overwritten");
    }

    @Test
    void arnsUseThePartitionOfTheRegion() {
        try (SesV2Client gov = Sdk.ses(emu, Region.US_GOV_WEST_1);
                SesV2Client cn = Sdk.ses(emu, Region.CN_NORTH_1)) {
            create(gov, "gov", "us-gov-east-1", Map.of("a", "1"));
            create(cn, "cn", "cn-northwest-1", Map.of("b", "2"));
            String govArn = "arn:aws-us-gov:ses:us-gov-west-1:123456789012:multi-region-endpoint/gov";
            String cnArn = "arn:aws-cn:ses:cn-north-1:123456789012:multi-region-endpoint/cn";
            assertThat(emu.endpoints()).extracting(EndpointView::arn).containsExactlyInAnyOrder(govArn, cnArn);
            assertThat(tagsOf(gov, govArn)).containsExactly(Map.entry("a", "1"));
            assertThat(tagsOf(cn, cnArn)).containsExactly(Map.entry("b", "2"));
            assertThatThrownBy(() -> tagsOf(gov, "arn:aws:ses:us-gov-west-1:123456789012:multi-region-endpoint/gov"))
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void emptyTagListsAreAccepted() {
        create("plain");
        ses.tagResource(r -> r.resourceArn(emu.arn("us-east-1", "plain")).tags(List.of()));
        assertThat(tagsOf(ses, emu.arn("us-east-1", "plain"))).isEmpty();
    }
}
