package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.MultiRegionEndpoint;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

/** visibilityDelay: a new endpoint is missing from Get and List for a while after Create answered; its name is taken at once. */
class EventualConsistencyTest extends EmulatorTestBase {

    @Test
    void aNewEndpointIsInvisibleToGetAndListUntilTheDelayHasPassed() {
        emu.updateSettings(s -> s.withVisibilityDelay(Duration.ofSeconds(5)).withCreateDelay(Duration.ZERO));
        create("seen-before");
        clock.advance(Duration.ofSeconds(5));
        create(ses, "late", "eu-west-1", Map.of("team", "mail"));

        assertThatThrownBy(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("late")))
                .isInstanceOf(NotFoundException.class);
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName)
                .containsExactly("seen-before");
        assertThatThrownBy(() -> create("late"))
                .as("the name is taken already")
                .isInstanceOf(AlreadyExistsException.class);
        assertThat(emu.findEndpoint("us-east-1", "late"))
                .as("the Java API shows the truth")
                .isPresent();
        // tags act on the endpoint as it is (only Get and List are eventually consistent)
        assertThat(ses.listTagsForResource(r -> r.resourceArn(emu.arn("us-east-1", "late")))
                        .tags())
                .hasSize(1);

        clock.advance(Duration.ofMillis(4999));
        assertThatThrownBy(() -> ses.getMultiRegionEndpoint(r -> r.endpointName("late")))
                .isInstanceOf(NotFoundException.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(ses.getMultiRegionEndpoint(r -> r.endpointName("late")).endpointName())
                .isEqualTo("late");
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName)
                .containsExactly("late", "seen-before");
        assertThat(emu.calls().count("GetMultiRegionEndpoint", "NotFoundException"))
                .isEqualTo(2);
    }

    @Test
    void pagesSkipInvisibleEndpoints() {
        emu.updateSettings(s -> s.withVisibilityDelay(Duration.ofSeconds(1)));
        create("a");
        create("b");
        clock.advance(Duration.ofSeconds(1));
        create("c");
        var first = ses.listMultiRegionEndpoints(r -> r.pageSize(2));
        assertThat(first.multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName)
                .containsExactly("a", "b");
        assertThat(first.nextToken())
                .as("c is not listed yet, so nothing follows")
                .isNull();
    }
}
