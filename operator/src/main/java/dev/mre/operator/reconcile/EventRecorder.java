package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.OwnerTag;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Kubernetes Event for each condition transition, aggregated the way client-go's event correlator does
 * it: one Event per object and reason, whose count and last timestamp grow when the reason comes back, so an
 * object that flaps between two states keeps two Events instead of writing a new one per flap. The Event's name
 * is derived from the object's UID and the reason, so a restarted operator continues the same Event. An Event
 * that cannot be written is only logged.
 */
public class EventRecorder {

    static final String COMPONENT = "ses-mre-operator";
    /** The reason of the Event of SendingReady turning True (its condition reason, Ready, would read as Ready's). */
    static final String SENDING_READY = "SendingReady";
    /** Events whose count is remembered; older ones are read back from the API server when they recur. */
    private static final int REMEMBERED = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Integer> counts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * An Event (and a log line) when the object's reason changed from {@code before} to {@code after}, with the
     * message of the new status's Ready condition.
     */
    void transition(MultiRegionEndpoint mre, Reason before, Reason after, MultiRegionEndpointStatus next) {
        if (after == null || after == before) {
            return;
        }
        String message = StatusFactory.condition(next, StatusFactory.READY)
                .map(Condition::getMessage)
                .orElse("");
        LOG.info("{} -> {}: {}", before, after, message);
        record(mre, after, message);
    }

    /**
     * An Event (and a log line) when the object's SendingReady reason changed from {@code before} (what the last
     * pass computed, as {@link Memory} keeps it, so a status write that failed does not repeat the Event; after a
     * restart, what the object's status shows) to {@code after}, with the condition's status and message from
     * {@code next}. Its reason is the condition's, {@value #SENDING_READY} when it is True; its message names the
     * condition and its status, then the condition's message. None when the condition goes away (spec.sending
     * removed). Normal or Warning as {@link SendingReason#eventType} says.
     */
    void sendingTransition(
            MultiRegionEndpoint mre, SendingReason before, SendingReason after, MultiRegionEndpointStatus next) {
        if (after == null || after == before) {
            return;
        }
        Condition c = StatusFactory.condition(next, SendingDecision.CONDITION).orElse(null);
        String status = c == null ? after.status().text() : c.getStatus();
        String text = c == null || c.getMessage() == null ? "" : c.getMessage();
        String eventReason = after == SendingReason.Ready ? SENDING_READY : after.name();
        LOG.info("{} {} -> {} {}: {}", SendingDecision.CONDITION, before, status, after, text);
        var meta = mre.getMetadata();
        record(
                mre,
                eventReason,
                after.eventType().name(),
                SendingDecision.CONDITION + " " + status + ": " + text,
                eventName(meta.getName(), meta.getUid(), SendingDecision.CONDITION + "/" + eventReason),
                true);
    }

    public void record(MultiRegionEndpoint mre, Reason reason, String message) {
        var meta = mre.getMetadata();
        record(
                mre,
                reason.name(),
                reason.eventType(),
                message,
                eventName(meta.getName(), meta.getUid(), reason.name()),
                true);
    }

    /** {@code name}: the Event's name, one per object and reason (see {@link #eventName}). */
    private void record(
            MultiRegionEndpoint mre, String reason, String type, String message, String name, boolean retryExpired) {
        var meta = mre.getMetadata();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        var events = client.v1().events().inNamespace(meta.getNamespace());
        try {
            Integer known;
            synchronized (counts) {
                known = counts.get(name);
            }
            if (known == null) {
                try {
                    events.resource(newEvent(mre, name, reason, type, message, now))
                            .create();
                    remember(name, 1);
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // written before this operator started: continue its count
                    Event existing = events.withName(name).get();
                    known = existing == null || existing.getCount() == null ? 0 : existing.getCount();
                }
            }
            int count = known + 1;
            Event patched = events.withName(name)
                    .edit(ev -> new EventBuilder(ev)
                            .withCount(count)
                            .withLastTimestamp(now)
                            .withMessage(message)
                            .build());
            remember(name, patched == null ? count : patched.getCount());
        } catch (RuntimeException e) {
            if (e instanceof KubernetesClientException k && k.getCode() == 404 && retryExpired) {
                // the Event expired (the API server keeps Events for an hour): start a new one
                forget(name);
                record(mre, reason, type, message, name, false);
                return;
            }
            LOG.warn(
                    "could not record event {} for {}/{}: {}",
                    reason,
                    meta.getNamespace(),
                    meta.getName(),
                    e.getMessage());
        }
    }

    /**
     * {@code <object name>.<hash of UID and key>}: stable across restarts, unique per object and key (a
     * {@link Reason}'s name, or {@code SendingReady/<event reason>}).
     */
    static String eventName(String objectName, String uid, String key) {
        return objectName + "." + OwnerTag.sha256Hex(uid + "/" + key).substring(0, 16);
    }

    private Event newEvent(
            MultiRegionEndpoint mre, String name, String reason, String type, String message, String now) {
        var meta = mre.getMetadata();
        return new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(meta.getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(mre.getApiVersion())
                        .withKind(mre.getKind())
                        .withName(meta.getName())
                        .withNamespace(meta.getNamespace())
                        .withUid(meta.getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
    }

    private void remember(String name, int count) {
        synchronized (counts) {
            counts.put(name, count);
        }
    }

    private void forget(String name) {
        synchronized (counts) {
            counts.remove(name);
        }
    }
}
