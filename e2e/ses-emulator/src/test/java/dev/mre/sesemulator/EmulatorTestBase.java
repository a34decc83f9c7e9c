package dev.mre.sesemulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * One emulator and one SDK client per test class (building them is the slow part); every test starts
 * from empty state and the start-up settings. The clock is a {@link MutableClock}: tests step it.
 */
abstract class EmulatorTestBase {

    static MutableClock clock;
    static SesEmulator emu;
    /** us-east-1, no retries. */
    static SesV2Client ses;

    @BeforeAll
    static void startEmulator() {
        clock = MutableClock.startingNow();
        emu = SesEmulator.builder()
                .clock(clock)
                .settings(s -> s.withSeed(42L))
                .build()
                .start();
        ses = Sdk.ses(emu, Region.US_EAST_1);
    }

    @AfterAll
    static void stopEmulator() {
        ses.close();
        emu.close();
    }

    @BeforeEach
    void cleanSlate() {
        emu.reset();
        emu.resetSettings();
        emu.forgetSessions();
    }

    static CreateMultiRegionEndpointResponse create(
            SesV2Client client, String name, String secondaryRegion, Map<String, String> tags) {
        List<Tag> tagList = tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .collect(Collectors.toList());
        return client.createMultiRegionEndpoint(r -> r.endpointName(name)
                .details(d -> d.routesDetails(rd -> rd.region(secondaryRegion)))
                .tags(tagList.isEmpty() ? null : tagList));
    }

    static CreateMultiRegionEndpointResponse create(String name) {
        return create(ses, name, "eu-west-1", Map.of());
    }

    static void instantLifecycle() {
        emu.updateSettings(s -> s.withCreateDelay(Duration.ZERO).withDeleteDelay(Duration.ZERO));
    }
}
