package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NamespaceFairExecutorTest {

    /** Shaped like JOSDK's reconciliation runnable: its only handle on the object is a private ResourceID field. */
    static final class Reconciliation implements Runnable {
        private final ResourceID resourceID;
        private final List<String> ran;

        Reconciliation(String namespace, String name, List<String> ran) {
            this.resourceID = new ResourceID(name, namespace);
            this.ran = ran;
        }

        @Override
        public void run() {
            ran.add(resourceID.getNamespace().orElseThrow() + "/" + resourceID.getName());
        }
    }

    @Test
    void namespacesTakeTurnsAndEachKeepsItsOwnOrder() throws Exception {
        NamespaceFairExecutor executor = new NamespaceFairExecutor(1, "test-reconciler");
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        executor.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 1; i <= 5; i++) {
            executor.execute(new Reconciliation("bulk", "b" + i, ran));
        }
        executor.execute(new Reconciliation("few", "f1", ran));
        executor.execute(new Reconciliation("few", "f2", ran));
        executor.execute(new Reconciliation("other", "o1", ran));
        assertThat(executor.queued())
                .containsEntry("bulk", 5)
                .containsEntry("few", 2)
                .containsEntry("other", 1);
        hold.countDown();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran)
                .as("a FIFO queue would run all of bulk first")
                .containsExactly("bulk/b1", "few/f1", "other/o1", "bulk/b2", "few/f2", "bulk/b3", "bulk/b4", "bulk/b5");
    }

    @Test
    void aTaskThatNamesNoObjectRunsInALaneOfItsOwnAndNothingIsLost() throws Exception {
        NamespaceFairExecutor executor = new NamespaceFairExecutor(2, "test-reconciler");
        assertThat(executor.namespaceOf(() -> {})).isEqualTo(NamespaceFairExecutor.NO_NAMESPACE);
        assertThat(executor.namespaceOf(new Reconciliation("mail", "x", List.of())))
                .isEqualTo("mail");
        var done = executor.submit(() -> 42);
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.isTerminated()).isTrue();
        assertThatThrownBy(() -> executor.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }
}
