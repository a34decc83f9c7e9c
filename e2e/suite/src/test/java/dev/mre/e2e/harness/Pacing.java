package dev.mre.e2e.harness;

import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * The one place in the test code that waits a fixed time, and it does so through Awaitility too (HarnessRulesTest
 * fails the build on any fixed sleep of Thread or TimeUnit in the tests). Only for waits where the time itself is what is wanted, never to give something "time
 * to happen" (wait on the condition with {@link Conditions} or Awaitility instead):
 * <ul>
 *   <li>a measurement window: count the SES calls or sample the memory over exactly this long;</li>
 *   <li>a schedule: the chaos run's seeded gaps between two disruptions;</li>
 *   <li>a retry backoff: a watch that ended is started again after a pause, not in a tight loop.</li>
 * </ul>
 */
public final class Pacing {

    private Pacing() {}

    /** Waits {@code length}; {@code why} says which of the three uses this is (it is logged when at least 1 s). */
    public static void pause(Duration length, String why) throws InterruptedException {
        if (length.toMillis() >= 1000) {
            Progress.log("  (pacing: %s, %.1f s)", why, length.toMillis() / 1000.0);
        }
        // a condition that always holds, first checked after the pause: Awaitility's way to wait a given time
        Awaitility.await(why)
                .pollDelay(length)
                .atMost(length.plus(Duration.ofSeconds(10)))
                .until(() -> true);
    }
}
