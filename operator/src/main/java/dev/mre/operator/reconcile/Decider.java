package dev.mre.operator.reconcile;

import static dev.mre.operator.aws.ObservedEndpoint.CREATING;
import static dev.mre.operator.aws.ObservedEndpoint.DELETING;
import static dev.mre.operator.aws.ObservedEndpoint.FAILED;
import static dev.mre.operator.aws.ObservedEndpoint.READY;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.reconcile.Decision.Track;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure decision step: observed SES state + desired endpoint + last status -> next step. No I/O, no clock
 * of its own, no randomness: every branch is table-tested in {@code DeciderTest}.
 */
public final class Decider {

    /**
     * Everything a decision depends on.
     *
     * @param previous the object's current status (never null; empty for a new object)
     * @param deleting the object has a deletion timestamp
     */
    public record Input(DesiredEndpoint desired, MultiRegionEndpointStatus previous, long generation,
                        Observation observation, boolean deleting, Instant now, Timing timing) {}

    /** Who an observed endpoint belongs to, as far as this object can tell. */
    enum Ownership { OURS, UNMANAGED, OTHER, UNKNOWN }

    private Decider() {}

    public static Decision decide(Input in) {
        if (in.deleting()) {
            return decideDeletion(in);
        }
        if (in.observation() instanceof Observation.Present present) {
            return onPresent(in, present);
        }
        return onAbsent(in);
    }

    /**
     * Whether the tags must be read before deciding: to learn who owns an endpoint this object has not
     * recorded, and to catch tag drift on READY, except on the first READY after our own Create with an
     * unchanged spec (the tags went in with the Create call, so reading them would be a wasted SES call).
     */
    public static boolean needsTags(MultiRegionEndpointStatus previous, long generation, ObservedEndpoint ep,
                                    boolean deleting) {
        if (!recordedAsOurs(previous, ep)) {
            return true;
        }
        if (deleting || !READY.equals(ep.status())) {
            return false;
        }
        boolean firstReadyAfterOurCreate = CREATING.equals(previous.getEndpointStatus())
                && reasonOf(previous) == Reason.Creating
                && Objects.equals(previous.getObservedGeneration(), generation);
        return !firstReadyAfterOurCreate;
    }

    /** What to report after a failed SES call; {@code attempt} counts consecutive failures of this object. */
    public static Decision onFailure(SesFailure failure, int attempt, MultiRegionEndpointStatus previous,
                                     Timing timing) {
        String aws = failure.errorCode() + ": " + failure.getMessage();
        Integer failures = previous.getFailedProvisioningAttempts();
        return switch (failure.kind()) {
            case THROTTLED -> new Decision(Step.WAIT, Reason.Throttled,
                    "SES throttled the operator (" + aws + "); retrying with backoff",
                    Track.LAST_KNOWN, timing.throttleBackoff(attempt), failures);
            case UNAVAILABLE, NOT_FOUND -> new Decision(Step.WAIT, Reason.AwsUnavailable,
                    "SES call failed (" + aws + "); retrying with backoff",
                    Track.LAST_KNOWN, timing.errorBackoff(attempt), failures);
            case ALREADY_EXISTS -> new Decision(Step.WAIT, Reason.Creating,
                    "SES already has an endpoint of this name (" + aws + "); looking at it again",
                    Track.LAST_KNOWN, timing.pollMin(), failures);
            case ACCESS_DENIED -> new Decision(Step.WAIT, Reason.AccessDenied,
                    "AWS refused the operator's identity (" + aws + "); fix the credentials or IAM policy",
                    Track.LAST_KNOWN, timing.stalledRetry(attempt), failures);
            case LIMIT_EXCEEDED -> new Decision(Step.WAIT, Reason.QuotaExceeded,
                    "SES endpoint quota exhausted (" + aws + "); delete unused endpoints or raise the quota",
                    Track.LAST_KNOWN, timing.stalledRetry(attempt), failures);
            case BAD_REQUEST -> new Decision(Step.WAIT, Reason.InvalidSpec,
                    "SES refused the request (" + aws + ")", Track.LAST_KNOWN, timing.resync(), failures);
        };
    }

    /**
     * A transient failure while the object is already Ready for its current generation changes nothing a
     * user cares about: keep the status (and kstatus Current) and just retry later.
     */
    public static boolean keepsStatusOn(SesFailure failure, MultiRegionEndpointStatus previous, long generation) {
        return failure.isTransient() && reasonOf(previous) == Reason.Available
                && Objects.equals(previous.getObservedGeneration(), generation);
    }

    // ---- the object exists -------------------------------------------------------------------------

    private static Decision onAbsent(Input in) {
        MultiRegionEndpointStatus prev = in.previous();
        DesiredEndpoint d = in.desired();
        if (prev.getEndpointId() == null) {
            return create(in, "Creating endpoint '" + d.name() + "' in " + d.primaryRegion() + " with a route to "
                    + d.secondaryRegion());
        }
        Reason prevReason = reasonOf(prev);
        if (CREATING.equals(prev.getEndpointStatus()) && prevReason == Reason.Creating
                && waited(in, "Reconciling").compareTo(in.timing().createGrace()) < 0) {
            // SES may not show an endpoint right after Create answered: not a deletion yet
            return new Decision(Step.WAIT, Reason.Creating, creatingMessage(d), Track.LAST_KNOWN,
                    in.timing().poll(waited(in, "Reconciling")), prev.getFailedProvisioningAttempts());
        }
        if (prevReason == Reason.DeletedOutOfBand || prevReason == Reason.Recreating
                || prevReason == Reason.ProvisioningFailed) {
            return create(in, "Recreating endpoint '" + d.name() + "' in " + d.primaryRegion());
        }
        return new Decision(Step.WAIT, Reason.DeletedOutOfBand,
                "Endpoint '" + d.name() + "' (" + prev.getEndpointId() + ") was deleted outside this operator;"
                        + " recreating it", Track.LAST_KNOWN, in.timing().pollMin(),
                prev.getFailedProvisioningAttempts());
    }

    private static Decision create(Input in, String message) {
        return new Decision(Step.CREATE, Reason.Creating, message, Track.OBSERVED,
                in.timing().pollMin(), in.previous().getFailedProvisioningAttempts());
    }

    private static Decision onPresent(Input in, Observation.Present present) {
        ObservedEndpoint ep = present.endpoint();
        DesiredEndpoint d = in.desired();
        Ownership owner = ownership(in.previous(), d, present);
        switch (owner) {
            case OURS:
                return owned(in, ep, present.tags());
            case OTHER:
                return conflict(in, "Endpoint '" + d.name() + "' in " + d.primaryRegion() + " is managed by "
                        + present.tags().get(MultiRegionEndpoint.OWNER_TAG) + " (tag " + MultiRegionEndpoint.OWNER_TAG
                        + "); this object will not touch it");
            case UNMANAGED:
                if (d.adoptionPolicy() != AdoptionPolicy.Adopt) {
                    return conflict(in, "Endpoint '" + d.name() + "' already exists in " + d.primaryRegion()
                            + " and no object manages it; set spec.adoptionPolicy: Adopt to take it over");
                }
                if (!routesMatch(ep, d)) {
                    return conflict(in, "Endpoint '" + d.name() + "' exists with regions " + sorted(ep.regions())
                            + " but the spec asks for " + sorted(List.of(d.primaryRegion(), d.secondaryRegion()))
                            + "; not adopted");
                }
                // adopt: apply our tags (the ownership tag among them); the endpoint is ours from now on
                Decision next = owned(in, ep, Map.of());
                Step sync = tagSync(d.tags(), present.tags());
                return new Decision(sync, next.reason(), next.message(), Track.OBSERVED, next.requeueAfter(),
                        next.failedProvisioningAttempts());
            default:
                throw new IllegalStateException("tags of '" + d.name() + "' must be read to decide ownership");
        }
    }

    private static Decision owned(Input in, ObservedEndpoint ep, Map<String, String> tags) {
        DesiredEndpoint d = in.desired();
        MultiRegionEndpointStatus prev = in.previous();
        Timing t = in.timing();
        Integer failures = prev.getFailedProvisioningAttempts();
        switch (ep.status()) {
            case CREATING:
                return new Decision(Step.WAIT, Reason.Creating, creatingMessage(d), Track.OBSERVED,
                        t.poll(waited(in, "Reconciling")), failures);
            case READY: {
                Step step = tags == null ? Step.WAIT : tagSync(d.tags(), tags);
                return new Decision(step, Reason.Available,
                        "SES reports endpoint '" + d.name() + "' READY in " + sorted(ep.regions()),
                        Track.OBSERVED, t.resync(), null);
            }
            case FAILED:
                return failed(in, failures == null ? 0 : failures);
            case DELETING:
                if (reasonOf(prev) == Reason.Recreating) {
                    return new Decision(Step.WAIT, Reason.Recreating, "Waiting for SES to delete the FAILED endpoint '"
                            + d.name() + "' before recreating it", Track.OBSERVED,
                            t.poll(waited(in, "Reconciling")), failures);
                }
                return new Decision(Step.WAIT, Reason.DeletedOutOfBand, "SES is deleting endpoint '" + d.name()
                        + "', which this object still declares; it will be recreated", Track.OBSERVED,
                        t.poll(waited(in, "Reconciling")), failures);
            default:
                return new Decision(Step.WAIT, Reason.AwsUnavailable, "SES reports an unknown status '"
                        + ep.status() + "' for endpoint '" + d.name() + "'", Track.OBSERVED, t.pollMax(), failures);
        }
    }

    /** FAILED: report it, wait a capped backoff that grows with each failure in a row, then delete to recreate. */
    private static Decision failed(Input in, int failuresSoFar) {
        DesiredEndpoint d = in.desired();
        MultiRegionEndpointStatus prev = in.previous();
        Timing t = in.timing();
        if (reasonOf(prev) != Reason.ProvisioningFailed) {
            int n = failuresSoFar + 1;
            return new Decision(Step.WAIT, Reason.ProvisioningFailed, failedMessage(d, n, t), Track.OBSERVED,
                    t.stalledRetry(n), n);
        }
        Duration backoff = t.stalledRetry(failuresSoFar);
        Duration waited = waited(in, "Stalled");
        if (waited.compareTo(backoff) >= 0) {
            return new Decision(Step.DELETE, Reason.Recreating, "Deleting FAILED endpoint '" + d.name()
                    + "' to recreate it (failure " + failuresSoFar + " in a row)", Track.OBSERVED,
                    t.pollMin(), failuresSoFar);
        }
        return new Decision(Step.WAIT, Reason.ProvisioningFailed, failedMessage(d, failuresSoFar, t),
                Track.OBSERVED, backoff.minus(waited), failuresSoFar);
    }

    private static String failedMessage(DesiredEndpoint d, int n, Timing t) {
        return "SES reports FAILED for endpoint '" + d.name() + "' (failure " + n + " in a row);"
                + " it will be deleted and recreated after " + t.stalledRetry(n);
    }

    private static Decision conflict(Input in, String message) {
        return new Decision(Step.WAIT, Reason.EndpointNameConflict, message, Track.NONE, in.timing().resync(), null);
    }

    private static String creatingMessage(DesiredEndpoint d) {
        return "SES is creating endpoint '" + d.name() + "' in " + d.primaryRegion() + " with a route to "
                + d.secondaryRegion();
    }

    // ---- the object is being deleted ---------------------------------------------------------------

    private static Decision decideDeletion(Input in) {
        DesiredEndpoint d = in.desired();
        if (d.deletionPolicy() == DeletionPolicy.Retain) {
            return release(in, "deletionPolicy is Retain: endpoint '" + d.name() + "' stays in SES");
        }
        if (!(in.observation() instanceof Observation.Present present)) {
            return release(in, "Endpoint '" + d.name() + "' is gone from SES");
        }
        if (ownership(in.previous(), d, present) != Ownership.OURS) {
            return release(in, "Endpoint '" + d.name() + "' is not managed by this object; left untouched");
        }
        ObservedEndpoint ep = present.endpoint();
        if (DELETING.equals(ep.status())) {
            return new Decision(Step.WAIT, Reason.Deleting, "SES is deleting endpoint '" + d.name() + "'",
                    Track.OBSERVED, in.timing().poll(waited(in, "Reconciling")), null);
        }
        return new Decision(Step.DELETE, Reason.Deleting, "SES is deleting endpoint '" + d.name() + "'",
                Track.OBSERVED, in.timing().pollMin(), null);
    }

    private static Decision release(Input in, String message) {
        return new Decision(Step.RELEASE, Reason.Deleting, message, Track.NONE, null, null);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static Ownership ownership(MultiRegionEndpointStatus previous, DesiredEndpoint d, Observation.Present present) {
        if (recordedAsOurs(previous, present.endpoint())) {
            return Ownership.OURS;
        }
        if (present.tags() == null) {
            return Ownership.UNKNOWN;
        }
        String owner = present.tags().get(MultiRegionEndpoint.OWNER_TAG);
        if (owner == null) {
            return Ownership.UNMANAGED;
        }
        return owner.equals(d.owner()) ? Ownership.OURS : Ownership.OTHER;
    }

    private static boolean recordedAsOurs(MultiRegionEndpointStatus previous, ObservedEndpoint ep) {
        return previous.getEndpointId() != null && previous.getEndpointId().equals(ep.endpointId());
    }

    static boolean routesMatch(ObservedEndpoint ep, DesiredEndpoint d) {
        return new HashSet<>(ep.regions()).equals(Set.of(d.primaryRegion(), d.secondaryRegion()));
    }

    /** Tags to add or change, and keys to remove; AWS-reserved {@code aws:} tags are never removed. */
    static Step tagSync(Map<String, String> desired, Map<String, String> actual) {
        Map<String, String> add = new HashMap<>();
        desired.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                add.put(k, v);
            }
        });
        Set<String> remove = new HashSet<>();
        for (String k : actual.keySet()) {
            if (!desired.containsKey(k) && !k.startsWith("aws:")) {
                remove.add(k);
            }
        }
        return add.isEmpty() && remove.isEmpty() ? Step.WAIT : new Step.SyncTags(add, remove);
    }

    /** Reason of the object's conditions (all three carry the same one), null for a new object. */
    public static Reason reasonOf(MultiRegionEndpointStatus status) {
        return StatusFactory.condition(status, StatusFactory.READY)
                .map(c -> {
                    try {
                        return Reason.valueOf(c.getReason());
                    } catch (IllegalArgumentException | NullPointerException e) {
                        return null;
                    }
                })
                .orElse(null);
    }

    /** Time since condition {@code type} last changed; zero when it has no transition time yet. */
    private static Duration waited(Input in, String type) {
        return StatusFactory.condition(in.previous(), type)
                .map(c -> c.getLastTransitionTime())
                .filter(Objects::nonNull)
                .map(ts -> Duration.between(Instant.parse(ts), in.now()))
                .orElse(Duration.ZERO);
    }

    private static List<String> sorted(List<String> regions) {
        return List.copyOf(new TreeSet<>(regions));
    }
}
