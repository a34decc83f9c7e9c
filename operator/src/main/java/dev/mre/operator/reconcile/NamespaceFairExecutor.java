package dev.mre.operator.reconcile;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile threads, taking queued reconciliations one namespace at a time in turn instead of first come, first
 * served. Every SES call of an account and region waits for the same paced turn, so with a plain FIFO queue a
 * namespace that applies 2,000 objects puts another namespace's 10 behind all of them (a wait of N/R). Here each
 * namespace has a lane; a free thread takes the head of the next non-empty lane in round-robin order, so the 10 are
 * interleaved with the 2,000 and each namespace gets an equal share of the call budget while it has work.
 *
 * <p>Written by hand: the JDK's pools have one queue, and no well-kept library offers a keyed round-robin executor.
 * JOSDK hands its executor a {@code Runnable} per reconciliation whose only handle on the object is its private
 * {@code resourceID} field; it is read reflectively, and a runnable without one (or another JOSDK version without the
 * field) goes to a lane of its own, so the worst case is today's FIFO order, never a lost task.
 */
public final class NamespaceFairExecutor extends AbstractExecutorService {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceFairExecutor.class);
    /** The lane of runnables that name no namespace (cluster-scoped, or not a JOSDK reconciliation). */
    static final String NO_NAMESPACE = "";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workOrShutdown = lock.newCondition();
    private final Condition terminated = lock.newCondition();
    /** Insertion order is the round-robin order; a lane is removed when it empties and re-added at the back. */
    private final LinkedHashMap<String, ArrayDeque<Runnable>> lanes = new LinkedHashMap<>();

    private final List<Thread> workers = new ArrayList<>();
    private final Map<Class<?>, Field> resourceIdFields = new java.util.concurrent.ConcurrentHashMap<>();
    private int running;
    private boolean shutdown;

    public NamespaceFairExecutor(int threads, String threadNamePrefix) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, threadNamePrefix + "-" + i);
            // daemon: JOSDK shuts the executor down and waits for it on stop; a stop that never came must not keep
            // the JVM alive
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    @Override
    public void execute(Runnable task) {
        String lane = namespaceOf(task);
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("reconcile executor is shut down");
            }
            lanes.computeIfAbsent(lane, k -> new ArrayDeque<>()).addLast(task);
            workOrShutdown.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queued reconciliations per namespace, for tests and diagnostics. */
    Map<String, Integer> queued() {
        lock.lock();
        try {
            Map<String, Integer> out = new LinkedHashMap<>();
            lanes.forEach((k, v) -> out.put(k, v.size()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            Runnable task;
            lock.lock();
            try {
                while (lanes.isEmpty() && !shutdown) {
                    workOrShutdown.awaitUninterruptibly();
                }
                if (lanes.isEmpty()) {
                    return;
                }
                task = takeNext();
                running++;
            } finally {
                lock.unlock();
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // JOSDK catches what a reconciliation throws; anything else must not kill a reconcile thread
                LOG.error("reconcile task failed outside JOSDK's handling", e);
            } finally {
                lock.lock();
                try {
                    running--;
                    if (shutdown && lanes.isEmpty() && running == 0) {
                        terminated.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** The head of the first lane; that lane goes to the back of the turn order (or away, when empty). */
    private Runnable takeNext() {
        Iterator<Map.Entry<String, ArrayDeque<Runnable>>> it = lanes.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Runnable>> first = it.next();
        Runnable task = first.getValue().pollFirst();
        it.remove();
        if (!first.getValue().isEmpty()) {
            lanes.put(first.getKey(), first.getValue());
        }
        return task;
    }

    String namespaceOf(Runnable task) {
        Field f = resourceIdFields.computeIfAbsent(task.getClass(), NamespaceFairExecutor::resourceIdField);
        if (f == NO_FIELD) {
            return NO_NAMESPACE;
        }
        try {
            Object id = f.get(task);
            return id instanceof ResourceID r ? r.getNamespace().orElse(NO_NAMESPACE) : NO_NAMESPACE;
        } catch (IllegalAccessException e) {
            return NO_NAMESPACE;
        }
    }

    private static final Field NO_FIELD;

    static {
        try {
            NO_FIELD = NamespaceFairExecutor.class.getDeclaredField("NO_NAMESPACE");
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Field resourceIdField(Class<?> type) {
        for (Field f : type.getDeclaredFields()) {
            if (f.getType() == ResourceID.class) {
                try {
                    f.setAccessible(true);
                    return f;
                } catch (RuntimeException e) {
                    LOG.warn("cannot read the object of {}: reconciliations queue first come, first served", type);
                    return NO_FIELD;
                }
            }
        }
        return NO_FIELD;
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            workOrShutdown.signalAll();
            if (lanes.isEmpty() && running == 0) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            lanes.values().forEach(pending::addAll);
            lanes.clear();
            workOrShutdown.signalAll();
            if (running == 0) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
        workers.forEach(Thread::interrupt);
        return pending;
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return shutdown && lanes.isEmpty() && running == 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!(shutdown && lanes.isEmpty() && running == 0)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
