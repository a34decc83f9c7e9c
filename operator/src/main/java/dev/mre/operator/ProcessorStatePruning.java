package dev.mre.operator;

import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around a leak in JOSDK 5.2.3's {@code EventProcessor} (the same code is on JOSDK's main branch as of this
 * writing): when the delete event of an object arrives while the cleanup pass that removed its finalizer is still
 * running, {@code handleEvent} drops the object's {@code ResourceState}, and {@code eventProcessingFinished} then
 * creates it again ({@code getOrCreate}) and marks it "processed mark for deletion". No event ever comes for that
 * object again, so the state (with its {@code ResourceID}) stays for the life of the process: measured by
 * {@code make bench-churn}, about half of every deleted object's state, 1,000 per round of 2,000 objects.
 *
 * <p>JOSDK gives no handle on that map, so it is reached by reflection (the private field {@code resourceStateManager}
 * of the public {@code EventProcessor}, its {@code states}, and two getters of the package-private
 * {@code ResourceState}). What is removed is exactly what JOSDK would have
 * removed itself: a state marked processed-for-deletion, not under processing, of an object the informer cache no
 * longer holds; under the processor's own lock, so no event is handled meanwhile.
 *
 * <p>The same sweep drops the expired entries of JOSDK's deletion tombstones (the controller event source's
 * {@code TemporaryResourceCache}: the UID of every deleted object for 20 minutes, so that a late status patch does not
 * bring a deleted object back into the cache). JOSDK removes expired ones only ten at a time when a later event or
 * patch passes by, so after a mass deletion an idle operator keeps them all (about 150 bytes each, measured by
 * {@code make bench-churn}); only entries past JOSDK's own expiry are removed, by JOSDK's own {@code clean()}, under
 * the cache's lock. Written by hand because no library does either; if a JOSDK version changes the fields,
 * {@link #of} says so in the log and the operator runs without it.
 */
public final class ProcessorStatePruning {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorStatePruning.class);

    private final EventProcessor<?> processor;
    private final Map<ResourceID, Object> states;
    private final Method processedForDeletion;
    private final Method underProcessing;
    /**
     * The controller's event source and the way to its TemporaryResourceCache (made anew at each start of the event
     * source, so looked up at each sweep), the cache's tombstones, their map and their clean().
     */
    private final Object controllerEvents;

    private final Field temporaryCacheField;
    private final Field tombstonesField;
    private final Field entriesField;
    private final Method cleanExpired;

    private ProcessorStatePruning(
            EventProcessor<?> processor,
            Map<ResourceID, Object> states,
            Method processedForDeletion,
            Method underProcessing,
            Object controllerEvents,
            Field temporaryCacheField,
            Field tombstonesField,
            Field entriesField,
            Method cleanExpired) {
        this.processor = processor;
        this.states = states;
        this.processedForDeletion = processedForDeletion;
        this.underProcessing = underProcessing;
        this.controllerEvents = controllerEvents;
        this.temporaryCacheField = temporaryCacheField;
        this.tombstonesField = tombstonesField;
        this.entriesField = entriesField;
        this.cleanExpired = cleanExpired;
    }

    /** The pruning for {@code registered}, or null when this JOSDK's internals are not what it expects. */
    @SuppressWarnings("unchecked")
    public static ProcessorStatePruning of(RegisteredController<?> registered) {
        try {
            Controller<?> controller = (Controller<?>) registered;
            EventProcessor<?> processor = controller.getEventProcessor();
            Object manager = field(EventProcessor.class, "resourceStateManager").get(processor);
            Object states = field(manager.getClass(), "states").get(manager);
            Class<?> state = Class.forName("io.javaoperatorsdk.operator.processing.event.ResourceState");
            Object events = controller.getEventSourceManager().getControllerEventSource();
            Class<?> temporaryCache = Class.forName(
                    "io.javaoperatorsdk.operator.processing.event.source.informer.TemporaryResourceCache");
            Class<?> expiration = Class.forName(temporaryCache.getName() + "$ExpirationCache");
            return new ProcessorStatePruning(
                    processor,
                    (Map<ResourceID, Object>) states,
                    method(state, "processedMarkForDeletionPresent"),
                    method(state, "isUnderProcessing"),
                    events,
                    field(ManagedInformerEventSource.class, "temporaryResourceCache"),
                    field(temporaryCache, "tombstones"),
                    field(expiration, "cache"),
                    method(expiration, "clean"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "JOSDK's per-object event state cannot be pruned with this JOSDK version ({}); deleted objects"
                            + " may leave a small entry each",
                    e.toString());
            return null;
        }
    }

    /**
     * Removes the leaked states: processed for deletion, idle, and of an object {@code present} says is gone.
     *
     * @return how many were removed
     */
    public int prune(Predicate<ResourceID> present) {
        int removed;
        synchronized (processor) {
            int before = states.size();
            states.entrySet()
                    .removeIf(e -> is(processedForDeletion, e.getValue())
                            && !is(underProcessing, e.getValue())
                            && !present.test(e.getKey()));
            removed = before - states.size();
        }
        int expired = dropExpiredTombstones();
        if (removed > 0 || expired > 0) {
            LOG.debug("pruned {} event states and {} expired tombstones of deleted objects", removed, expired);
        }
        return removed;
    }

    /** JOSDK's clean() of the tombstones until it finds nothing more past expiry. */
    private int dropExpiredTombstones() {
        try {
            Object temporaryCache = temporaryCacheField.get(controllerEvents);
            if (temporaryCache == null) {
                return 0; // the event source has not started
            }
            Object tombstones = tombstonesField.get(temporaryCache);
            synchronized (temporaryCache) {
                Map<?, ?> entries = (Map<?, ?>) entriesField.get(tombstones);
                int start = entries.size();
                int before;
                do {
                    before = entries.size();
                    cleanExpired.invoke(tombstones);
                } while (entries.size() < before);
                return start - entries.size();
            }
        } catch (ReflectiveOperationException e) {
            return 0;
        }
    }

    /** How many deleted objects' UIDs JOSDK's temporary cache remembers (for tests and benchmarks). */
    public int tombstones() {
        try {
            Object temporaryCache = temporaryCacheField.get(controllerEvents);
            if (temporaryCache == null) {
                return 0;
            }
            synchronized (temporaryCache) {
                return ((Map<?, ?>) entriesField.get(tombstonesField.get(temporaryCache))).size();
            }
        } catch (ReflectiveOperationException e) {
            return 0;
        }
    }

    /** How many objects JOSDK's event processor keeps a state for (for tests and benchmarks). */
    public int size() {
        return states.size();
    }

    private static boolean is(Method getter, Object state) {
        try {
            return (boolean) getter.invoke(state);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        Method m = type.getDeclaredMethod(name);
        m.setAccessible(true);
        return m;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
