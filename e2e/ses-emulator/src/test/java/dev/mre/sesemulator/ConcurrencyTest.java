package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Many SDK threads against one emulator: nothing lost, nothing doubled, counters consistent. */
class ConcurrencyTest extends EmulatorTestBase {

    private static final int THREADS = 8;

    /** Runs {@code task(thread)} on THREADS threads released together; answers each thread's outcomes. */
    private static List<List<String>> onAllThreads(
            int callsPerThread, java.util.function.BiFunction<Integer, Integer, String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<List<String>> task = () -> {
                    go.await();
                    List<String> outcomes = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        try {
                            outcomes.add(call.apply(thread, i));
                        } catch (AwsServiceException e) {
                            outcomes.add(e.awsErrorDetails().errorCode());
                        }
                    }
                    return outcomes;
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<List<String>> all = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                all.add(f.get(30, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void distinctCreatesFromEightThreadsAllLand() throws Exception {
        List<List<String>> outcomes =
                onAllThreads(10, (t, i) -> create("t" + t + "-n" + i).statusAsString());
        assertThat(outcomes).flatMap(l -> l).hasSize(80).containsOnly("CREATING");
        assertThat(emu.endpoints()).hasSize(80);
        assertThat(emu.endpoints()).extracting(EndpointView::endpointId).doesNotHaveDuplicates();
        assertThat(emu.calls().count("CreateMultiRegionEndpoint", "200")).isEqualTo(80);
        assertThat(emu.calls().total()).isEqualTo(80);
        assertThat(emu.calls().log()).hasSize(80);
        assertThat(ses.listMultiRegionEndpointsPaginator(r -> r.pageSize(25)).multiRegionEndpoints())
                .hasSize(80);
    }

    @Test
    void exactlyOneOfManySameNameCreatesWins() throws Exception {
        List<List<String>> outcomes =
                onAllThreads(1, (t, i) -> create("contested").statusAsString());
        assertThat(outcomes)
                .flatMap(l -> l)
                .containsOnlyOnce("CREATING")
                .filteredOn("AlreadyExistsException"::equals)
                .hasSize(THREADS - 1);
        assertThat(emu.endpoints()).hasSize(1);
    }

    @Test
    void theTokenBucketHoldsUnderConcurrency() throws Exception {
        emu.updateSettings(s -> s.withRateLimit(0.01).withBurst(20));
        List<List<String>> outcomes = onAllThreads(5, (t, i) -> {
            ses.listMultiRegionEndpoints(r -> {});
            return "200";
        });
        assertThat(outcomes).flatMap(l -> l).filteredOn("200"::equals).hasSize(20);
        assertThat(outcomes)
                .flatMap(l -> l)
                .filteredOn("TooManyRequestsException"::equals)
                .hasSize(20);
        assertThat(emu.calls().count("ListMultiRegionEndpoints", "TooManyRequestsException"))
                .isEqualTo(20);
    }
}
