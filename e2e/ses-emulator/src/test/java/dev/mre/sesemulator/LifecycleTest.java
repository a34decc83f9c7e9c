package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.GetMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.Route;
import software.amazon.awssdk.services.sesv2.model.Status;

/** Create / Get / Delete through the real SDK, and the CREATING -> READY|FAILED -> DELETING -> gone lifecycle. */
class LifecycleTest extends EmulatorTestBase {

    private static GetMultiRegionEndpointResponse get(String name) {
        return ses.getMultiRegionEndpoint(r -> r.endpointName(name));
    }

    @Test
    void createAnswersCreatingAndBecomesReadyAfterTheCreateDelay() {
        Instant start = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        CreateMultiRegionEndpointResponse created = create("global-mail");

        assertThat(created.status()).isEqualTo(Status.CREATING);
        assertThat(created.endpointId()).matches("[a-z0-9]{8}\\.[a-z0-9]{3}");

        GetMultiRegionEndpointResponse creating = get("global-mail");
        assertThat(creating.endpointName()).isEqualTo("global-mail");
        assertThat(creating.endpointId()).isEqualTo(created.endpointId());
        assertThat(creating.status()).isEqualTo(Status.CREATING);
        assertThat(creating.routes()).extracting(Route::region).containsExactly("us-east-1", "eu-west-1");
        assertThat(creating.createdTimestamp()).isEqualTo(start);
        assertThat(creating.lastUpdatedTimestamp()).isEqualTo(start);

        clock.advance(Duration.ofMillis(1999));
        assertThat(get("global-mail").status()).isEqualTo(Status.CREATING);

        clock.advance(Duration.ofMillis(1));
        GetMultiRegionEndpointResponse ready = get("global-mail");
        assertThat(ready.status()).isEqualTo(Status.READY);
        assertThat(ready.createdTimestamp()).isEqualTo(start);
        assertThat(ready.lastUpdatedTimestamp()).isEqualTo(start.plusSeconds(2));
    }

    @Test
    void deletePassesThroughDeletingThenGetAnswersNotFound() {
        emu.updateSettings(s -> s.withCreateDelay(Duration.ZERO));
        create("to-delete");
        assertThat(get("to-delete").status()).isEqualTo(Status.READY);

        assertThat(ses.deleteMultiRegionEndpoint(r -> r.endpointName("to-delete"))
                        .status())
                .isEqualTo(Status.DELETING);
        GetMultiRegionEndpointResponse deleting = get("to-delete");
        assertThat(deleting.status()).isEqualTo(Status.DELETING);
        assertThat(deleting.lastUpdatedTimestamp()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        // the name stays taken while DELETING; a second Delete answers DELETING again
        assertThatThrownBy(() -> create("to-delete")).isInstanceOf(AlreadyExistsException.class);
        assertThat(ses.deleteMultiRegionEndpoint(r -> r.endpointName("to-delete"))
                        .status())
                .isEqualTo(Status.DELETING);

        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> get("to-delete")).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorMessage()).contains("to-delete");
        });
        assertThat(create("to-delete").status()).isEqualTo(Status.CREATING);
    }

    @Test
    void deleteWhileCreatingAnswersConcurrentModificationUnlessSwitchedOff() {
        create("young");
        assertThatThrownBy(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("young")))
                .isInstanceOfSatisfying(
                        ConcurrentModificationException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(get("young").status()).isEqualTo(Status.CREATING);

        emu.updateSettings(s -> s.withConcurrentModificationOnDeleteWhileCreating(false));
        assertThat(ses.deleteMultiRegionEndpoint(r -> r.endpointName("young")).status())
                .isEqualTo(Status.DELETING);
    }

    @Test
    void provisioningFailsForMatchingNamesOrByChanceAndFailedEndpointsCanBeDeleted() {
        emu.updateSettings(s -> s.withCreateDelay(Duration.ZERO)
                .withFailProvisioningNames(java.util.regex.Pattern.compile("^doomed-")));
        create("doomed-1");
        create("fine-1");
        assertThat(get("doomed-1").status()).isEqualTo(Status.FAILED);
        assertThat(get("fine-1").status()).isEqualTo(Status.READY);

        emu.updateSettings(s -> s.withFailProvisioningRate(1.0));
        create("unlucky");
        assertThat(get("unlucky").status()).isEqualTo(Status.FAILED);

        assertThat(ses.deleteMultiRegionEndpoint(r -> r.endpointName("doomed-1"))
                        .status())
                .isEqualTo(Status.DELETING);
    }

    @Test
    void namesAreUniquePerRegion() {
        create("dup");
        assertThatThrownBy(() -> create("dup")).isInstanceOfSatisfying(AlreadyExistsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AlreadyExistsException");
        });
        assertThat(emu.calls().count("CreateMultiRegionEndpoint", "AlreadyExistsException"))
                .isEqualTo(1);
    }

    @Test
    void quotaIsPerAccountAndRegionAndCountsEveryStatus() {
        emu.updateSettings(s -> s.withQuota(2).withCreateDelay(Duration.ZERO).withDeleteDelay(Duration.ofMinutes(1)));
        create("q1");
        create("q2");
        ses.deleteMultiRegionEndpoint(r -> r.endpointName("q2"));
        assertThatThrownBy(() -> create("q3"))
                .isInstanceOfSatisfying(
                        LimitExceededException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(400));
        try (SesV2Client west = Sdk.ses(emu, Region.US_WEST_2)) {
            assertThat(create(west, "q3", "eu-west-1", Map.of()).status()).isEqualTo(Status.CREATING);
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(create("q3").status()).isEqualTo(Status.CREATING);
    }

    @Test
    void regionsAreIsolated() {
        create("shared-name");
        try (SesV2Client eu = Sdk.ses(emu, Region.EU_WEST_1)) {
            assertThat(eu.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints())
                    .isEmpty();
            assertThatThrownBy(() -> eu.getMultiRegionEndpoint(r -> r.endpointName("shared-name")))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> eu.deleteMultiRegionEndpoint(r -> r.endpointName("shared-name")))
                    .isInstanceOf(NotFoundException.class);
            // the same name is free in another region, routing back to us-east-1
            create(eu, "shared-name", "us-east-1", Map.of());
            assertThat(eu.getMultiRegionEndpoint(r -> r.endpointName("shared-name"))
                            .routes())
                    .extracting(Route::region)
                    .containsExactly("eu-west-1", "us-east-1");
        }
        assertThat(ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints()).hasSize(1);
        assertThat(emu.endpoints()).extracting(EndpointView::region).containsExactly("eu-west-1", "us-east-1");
        assertThat(emu.endpoints("eu-west-1"))
                .singleElement()
                .satisfies(e -> assertThat(e.secondaryRegion()).isEqualTo("us-east-1"));
    }

    @Test
    void unknownNamesAnswerNotFound() {
        assertThatThrownBy(() -> get("nothing-here")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ses.deleteMultiRegionEndpoint(r -> r.endpointName("nothing-here")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void embeddedViewShowsWhatTheSdkCreated() {
        emu.updateSettings(s -> s.withCreateDelay(Duration.ZERO));
        CreateMultiRegionEndpointResponse created = create(ses, "viewed", "ap-southeast-2", Map.of("team", "mail"));
        EndpointView view = emu.findEndpoint("us-east-1", "viewed").orElseThrow();
        assertThat(view.endpointId()).isEqualTo(created.endpointId());
        assertThat(view.status()).isEqualTo(EndpointStatus.READY);
        assertThat(view.accountId()).isEqualTo(emu.accountId());
        assertThat(view.regions()).containsExactly("us-east-1", "ap-southeast-2");
        assertThat(view.tags()).containsExactly(Map.entry("team", "mail"));
        assertThat(view.arn())
                .isEqualTo("arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/viewed")
                .isEqualTo(emu.arn("us-east-1", "viewed"));
    }
}
