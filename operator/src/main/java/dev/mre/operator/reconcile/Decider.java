package dev.mre.operator.reconcile;

import dev.mre.operator.api.AdoptionPolicy;
import dev.mre.operator.api.DeletionPolicy;
import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.EndpointStatus;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.config.Setting;
import dev.mre.operator.reconcile.Observation.KnownTags;
import dev.mre.operator.reconcile.Plan.Report;
import dev.mre.operator.reconcile.Plan.Track;
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
 * The pure decision step: what SES shows + what the object asks for + its last status -> one plan (an SES call,
 * a status, when to look again). No I/O, no clock of its own, no randomness: every branch is table-tested in
 * {@code DeciderTest}.
 *
 * <p>Ownership is judged from the endpoint's owner tag only, as SES reported it or as the operator itself wrote it
 * for that endpoint id ({@link KnownTags}); the object's status is writable by anyone with rights on the status
 * subresource, so it only ever serves display and cheap observation. A Delete, TagResource or UntagResource goes
 * out only right after the owner tag was read from SES and matched ({@link #proofGate}).
 */
public final class Decider {

    /**
     * Everything a decision depends on.
     *
     * @param desired the endpoint the object asks for; null when the spec cannot even address one
     * @param violations what is wrong with the spec (empty when valid)
     * @param previous the object's current status (never null; empty for a new object)
     * @param deleting the object has a deletion timestamp
     * @param failure the SES call of this reconciliation that failed, null when none did
     * @param attempt consecutive failed SES calls of this object, this one included (0 without a failure)
     * @param firstTagSweep when the tags of this object's endpoint are due for a drift check if the operator has
     *                      not read them since it started (spread over the tag resync period)
     */
    public record Input(
            DesiredEndpoint desired,
            List<String> violations,
            MultiRegionEndpointStatus previous,
            long generation,
            Account account,
            boolean paused,
            Observation observation,
            boolean deleting,
            SesFailure failure,
            int attempt,
            Instant now,
            Timing timing,
            Instant firstTagSweep) {

        public Input {
            violations = List.copyOf(violations);
        }

        Input withObservation(Observation o) {
            return new Input(
                    desired,
                    violations,
                    previous,
                    generation,
                    account,
                    paused,
                    o,
                    deleting,
                    failure,
                    attempt,
                    now,
                    timing,
                    firstTagSweep);
        }

        Input withAccount(Account a) {
            return new Input(
                    desired,
                    violations,
                    previous,
                    generation,
                    a,
                    paused,
                    observation,
                    deleting,
                    failure,
                    attempt,
                    now,
                    timing,
                    firstTagSweep);
        }

        Input withFailure(SesFailure f, int n) {
            return new Input(
                    desired,
                    violations,
                    previous,
                    generation,
                    account,
                    paused,
                    observation,
                    deleting,
                    f,
                    n,
                    now,
                    timing,
                    firstTagSweep);
        }
    }

    /**
     * The account the object's namespace maps to, as resolved before any SES call.
     *
     * @param resolution what the RoleSelectors say for the namespace
     * @param id the account of the resolved identity; null when it could not be learned (the failure says why)
     */
    public record Account(AccountResolver.Resolution resolution, String id) {

        /** The operator's own identity in account {@code id} (no RoleSelectors in play). */
        public static Account own(String id) {
            return new Account(new AccountResolver.Own(), id);
        }

        String roleArn() {
            return resolution instanceof AccountResolver.Role r ? r.identity().roleArn() : null;
        }
    }

    /** Value of the annotation that stops every SES call for an object. */
    public static final String PAUSED_ANNOTATION = MultiRegionEndpoint.PREFIX + "paused";

    /** Who an observed endpoint belongs to, as far as its tags tell. */
    enum Ownership {
        OURS,
        UNMANAGED,
        OTHER,
        UNKNOWN
    }

    private Decider() {}

    /**
     * Whether the account of the resolved identity is worth learning (an STS call, and for a role the first
     * AssumeRole): not when paused, when the namespace maps to no single identity, or when the spec is invalid.
     */
    public static boolean needsAccount(Input in) {
        AccountResolver.Resolution r = in.account().resolution();
        return !in.paused()
                && (r instanceof AccountResolver.Own || r instanceof AccountResolver.Role)
                && in.desired() != null
                && (in.deleting() || in.violations().isEmpty());
    }

    /**
     * Whether deciding needs to know what SES holds: not when paused, when the account is in question, when the
     * spec names no endpoint, or when a Retain deletion lets go anyway. Asked before any SES call.
     */
    public static boolean needsSes(Input in) {
        if (in.paused() || in.account().id() == null || accountProblem(in) != null || in.desired() == null) {
            return false;
        }
        if (in.deleting()) {
            return in.desired().deletionPolicy() != DeletionPolicy.Retain;
        }
        return in.violations().isEmpty();
    }

    public static Plan decide(Input in) {
        if (in.paused()) {
            // nothing, not even a delete: the finalizer stays until the annotation goes
            return new Plan(
                    Step.WAIT,
                    new Report(
                            Reason.Paused,
                            "Paused by the annotation " + PAUSED_ANNOTATION + "=true: no SES call until it is removed",
                            Track.LAST_KNOWN,
                            in.previous().getFailedProvisioningAttempts()),
                    null);
        }
        if (in.failure() != null) {
            return onFailure(in);
        }
        Plan accountProblem = accountProblem(in);
        if (accountProblem != null) {
            return accountProblem;
        }
        if (in.deleting()) {
            return proofGate(in, decideDeletion(in));
        }
        if (!in.violations().isEmpty()) {
            // never call AWS for an invalid spec; a spec edit brings the object back
            return new Plan(
                    Step.WAIT,
                    new Report(
                            Reason.InvalidSpec,
                            "Invalid spec: " + String.join("; ", in.violations()),
                            Track.LAST_KNOWN,
                            in.previous().getFailedProvisioningAttempts()),
                    null);
        }
        if (in.observation() instanceof Observation.Present present) {
            return proofGate(in, onPresent(in, present));
        }
        return onAbsent(in);
    }

    /**
     * A plan that would delete or retag an endpoint is sent only with the owner tag just read from SES and
     * matching this object; anything less turns it into "read the tags first" (the caller then decides again).
     */
    private static Plan proofGate(Input in, Plan plan) {
        if (!plan.step().needsProofOfOwnership()) {
            return plan;
        }
        Observation.Present present = (Observation.Present) in.observation();
        KnownTags tags = present.tags();
        boolean proven = tags != null
                && tags.fresh()
                && (ownership(in.desired(), tags) == Ownership.OURS
                        // adoption: the only change allowed to an endpoint that is not ours yet is taking it over
                        || plan.step() instanceof Step.SyncTags && adoptableByUs(in.desired(), tags));
        return proven ? plan : plan.withStep(Step.READ_TAGS);
    }

    private static boolean adoptableByUs(DesiredEndpoint d, KnownTags tags) {
        return d.adoptionPolicy() == AdoptionPolicy.Adopt
                && ownership(d, tags) == Ownership.UNMANAGED
                && d.adoptable().equals(tags.tags().get(MultiRegionEndpoint.ADOPTABLE_TAG));
    }

    // ---- accounts ----------------------------------------------------------------------------------

    /**
     * Stalled, with no SES call anywhere, when the namespace maps to no account (a selector is required), to
     * several, or to another account than the one the object's endpoint lives in: the operator never acts in two
     * accounts for one object. A deletion is held too (finalizer kept) unless nothing can have been created.
     */
    private static Plan accountProblem(Input in) {
        MultiRegionEndpointStatus prev = in.previous();
        Plan plan = null;
        if (in.account().resolution() instanceof AccountResolver.NoSelector) {
            plan = stalled(
                    in,
                    Reason.NoRoleSelector,
                    "No RoleSelector matches the object's namespace and this operator"
                            + " requires one (" + Setting.REQUIRE_ROLE_SELECTOR.env + "): no SES call until a cluster"
                            + " administrator maps it to an IAM role");
        } else if (in.account().resolution() instanceof AccountResolver.Ambiguous a) {
            plan = stalled(
                    in,
                    Reason.AmbiguousRoleSelector,
                    "Several RoleSelectors match the object's namespace: " + String.join(", ", a.selectors())
                            + "; no SES call until exactly one does");
        } else if (prev.getAccountId() != null
                && in.account().id() != null
                && !prev.getAccountId().equals(in.account().id())) {
            plan = stalled(
                    in,
                    Reason.AccountChanged,
                    "The endpoint lives in AWS account " + prev.getAccountId()
                            + " but the namespace now maps to account "
                            + in.account().id() + "; no SES call in either"
                            + " until the mapping is restored (or remove the finalizer to abandon the endpoint)");
        }
        if (plan != null && in.deleting() && prev.getAccountId() == null && prev.getEndpointId() == null) {
            return release("No account was ever used for this object: nothing to delete");
        }
        return plan;
    }

    private static Plan stalled(Input in, Reason reason, String message) {
        return new Plan(
                Step.WAIT,
                new Report(reason, message, Track.LAST_KNOWN, in.previous().getFailedProvisioningAttempts()),
                in.timing().stalledRetryMax());
    }

    // ---- failures ----------------------------------------------------------------------------------

    /** What to report after a failed SES call. AWS's text arrives already stripped of ARNs and account ids. */
    private static Plan onFailure(Input in) {
        SesFailure failure = in.failure();
        MultiRegionEndpointStatus previous = in.previous();
        Timing timing = in.timing();
        int attempt = Math.max(1, in.attempt());
        if (failure.isTransient()
                && reasonOf(previous) == Reason.Available
                && Objects.equals(previous.getObservedGeneration(), in.generation())
                && !in.deleting()) {
            // nothing a user cares about changed: keep the status (and kstatus Current) and retry later
            Duration backoff = failure.kind() == SesFailure.Kind.THROTTLED
                    ? timing.throttleBackoff(attempt)
                    : timing.errorBackoff(attempt);
            return new Plan(Step.WAIT, Plan.KEEP, backoff);
        }
        String aws = failure.errorCode() + ": " + failure.getMessage();
        Integer failures = previous.getFailedProvisioningAttempts();
        return switch (failure.kind()) {
            case THROTTLED ->
                waiting(
                        Reason.Throttled,
                        "SES throttled the operator (" + aws + "); retrying with backoff",
                        failures,
                        timing.throttleBackoff(attempt));
            case UNAVAILABLE, NOT_FOUND ->
                waiting(
                        Reason.AwsUnavailable,
                        "SES call failed (" + aws + "); retrying with backoff",
                        failures,
                        timing.errorBackoff(attempt));
            case ALREADY_EXISTS ->
                waiting(
                        Reason.Creating,
                        "SES already has an endpoint of this name (" + aws + "); looking at it again",
                        failures,
                        timing.pollMin());
            case ACCESS_DENIED ->
                waiting(
                        Reason.AccessDenied,
                        (in.account().roleArn() == null
                                ? "AWS refused the operator's identity (" + aws + "); fix the credentials or IAM policy"
                                : "AWS refused the operator acting as role "
                                        + in.account().roleArn() + " (" + aws + "); check"
                                        + " the role's trust policy (the operator's own role, external id, sts:TagSession) and"
                                        + " its permissions"),
                        failures,
                        timing.stalledRetry(attempt));
            case LIMIT_EXCEEDED ->
                waiting(
                        Reason.QuotaExceeded,
                        "SES endpoint quota exhausted (" + aws + "); delete unused endpoints or raise the quota",
                        failures,
                        timing.stalledRetry(attempt));
            case BAD_REQUEST ->
                waiting(Reason.InvalidSpec, "SES refused the request (" + aws + ")", failures, timing.resync());
        };
    }

    private static Plan waiting(Reason reason, String message, Integer failures, Duration requeue) {
        return new Plan(Step.WAIT, new Report(reason, message, Track.LAST_KNOWN, failures), requeue);
    }

    // ---- the object exists -------------------------------------------------------------------------

    private static Plan onAbsent(Input in) {
        MultiRegionEndpointStatus prev = in.previous();
        DesiredEndpoint d = in.desired();
        if (prev.getEndpointId() == null) {
            return create(
                    in,
                    "Creating endpoint '" + d.name() + "' in " + d.primaryRegion() + " with a route to "
                            + d.secondaryRegion());
        }
        Reason prevReason = reasonOf(prev);
        if ("CREATING".equals(prev.getEndpointStatus())
                && prevReason == Reason.Creating
                && waited(in, StatusFactory.RECONCILING).compareTo(in.timing().createGrace()) < 0) {
            // SES may not show an endpoint right after Create answered: not a deletion yet
            return new Plan(
                    Step.WAIT,
                    new Report(
                            Reason.Creating,
                            creatingMessage(d),
                            Track.LAST_KNOWN,
                            prev.getFailedProvisioningAttempts()),
                    in.timing().poll(waited(in, StatusFactory.RECONCILING)));
        }
        if (prevReason == Reason.DeletedOutOfBand
                || prevReason == Reason.Recreating
                || prevReason == Reason.ProvisioningFailed) {
            return create(in, "Recreating endpoint '" + d.name() + "' in " + d.primaryRegion());
        }
        return new Plan(
                Step.WAIT,
                new Report(
                        Reason.DeletedOutOfBand,
                        "Endpoint '" + d.name() + "' (" + prev.getEndpointId()
                                + ") was deleted outside this operator; recreating it",
                        Track.LAST_KNOWN,
                        prev.getFailedProvisioningAttempts()),
                in.timing().pollMin());
    }

    private static Plan create(Input in, String message) {
        return new Plan(
                Step.CREATE,
                new Report(
                        Reason.Creating, message, Track.OBSERVED, in.previous().getFailedProvisioningAttempts()),
                in.timing().pollMin());
    }

    private static Plan onPresent(Input in, Observation.Present present) {
        ObservedEndpoint ep = present.endpoint();
        DesiredEndpoint d = in.desired();
        Ownership ownership = ownership(d, present.tags());
        if ((ownership == Ownership.OTHER || ownership == Ownership.UNMANAGED)
                && !present.tags().fresh()) {
            // a refusal is judged on tags read in this pass, never on remembered ones: the endpoint's owner in AWS
            // may since have marked it adoptable or released it, and the tag memory only learns of that by a read
            return readTags(in);
        }
        switch (ownership) {
            case OURS:
                return owned(in, ep, present.tags());
            case OTHER:
                return conflict(
                        in,
                        "Endpoint '" + d.name() + "' in " + d.primaryRegion() + " is owned by another"
                                + " object (tag " + MultiRegionEndpoint.OWNER_TAG + "); this object will not touch it."
                                + " Choose another spec.endpointName");
            case UNMANAGED:
                return adoption(in, ep, present.tags());
            default:
                // the status only says which endpoint this object showed last: good enough to keep showing it
                // while nothing needs proof, never to act on it
                return recordedInStatus(in.previous(), ep) ? owned(in, ep, null) : readTags(in);
        }
    }

    /** An endpoint that no object's owner tag claims: adopted only where its AWS owner allowed exactly this object. */
    private static Plan adoption(Input in, ObservedEndpoint ep, KnownTags tags) {
        DesiredEndpoint d = in.desired();
        String allow = MultiRegionEndpoint.ADOPTABLE_TAG + "=" + d.adoptable();
        String unmanaged =
                "Endpoint '" + d.name() + "' already exists in " + d.primaryRegion() + " and no object manages it";
        if (d.adoptionPolicy() != AdoptionPolicy.Adopt) {
            return conflict(
                    in,
                    unmanaged + ". To take it over, set spec.adoptionPolicy: Adopt and have its owner in AWS tag it "
                            + allow);
        }
        if (!adoptableByUs(d, tags)) {
            return conflict(
                    in,
                    unmanaged + ", but it is not marked for adoption by this object: its owner in AWS must tag it "
                            + allow);
        }
        if (!routesMatch(ep, d)) {
            return conflict(
                    in,
                    "Endpoint '" + d.name() + "' exists with regions " + sorted(ep.regions())
                            + " but the spec asks for " + sorted(List.of(d.primaryRegion(), d.secondaryRegion()))
                            + "; not adopted");
        }
        // adopt: write our tags (the ownership tag among them; the adoptable tag goes); ours from then on
        Plan next = owned(in, ep, null);
        Step sync = tagSync(d.tags(), tags.tags());
        return new Plan(sync, next.status(), in.timing().pollMin());
    }

    /**
     * @param tags the endpoint's tags, null when ownership is only presumed from the status (nothing that needs
     *             proof may come out of that: {@link #proofGate} turns it into a tag read)
     */
    private static Plan owned(Input in, ObservedEndpoint ep, KnownTags tags) {
        DesiredEndpoint d = in.desired();
        MultiRegionEndpointStatus prev = in.previous();
        Timing t = in.timing();
        Integer failures = prev.getFailedProvisioningAttempts();
        Duration transitionPoll = t.poll(waited(in, StatusFactory.RECONCILING));
        switch (ep.status()) {
            case CREATING:
                return observed(Step.WAIT, Reason.Creating, creatingMessage(d), failures, transitionPoll);
            case READY:
                return ready(in, ep, tags);
            case FAILED:
                return failed(in, failures == null ? 0 : failures);
            case DELETING:
                if (reasonOf(prev) == Reason.Recreating) {
                    return observed(
                            Step.WAIT,
                            Reason.Recreating,
                            "Waiting for SES to delete the FAILED endpoint '" + d.name() + "' before recreating it",
                            failures,
                            transitionPoll);
                }
                return observed(
                        Step.WAIT,
                        Reason.DeletedOutOfBand,
                        "SES is deleting endpoint '" + d.name()
                                + "', which this object still declares; it will be recreated",
                        failures,
                        transitionPoll);
            default:
                return observed(
                        Step.WAIT,
                        Reason.AwsUnavailable,
                        "SES reports an unknown status '" + ep.statusText() + "' for endpoint '" + d.name() + "'",
                        failures,
                        t.pollMax());
        }
    }

    /**
     * READY: Available, and the tags are checked when the spec changed since they were last applied or when the
     * slow drift sweep comes round; otherwise nothing is asked of SES.
     */
    private static Plan ready(Input in, ObservedEndpoint ep, KnownTags tags) {
        DesiredEndpoint d = in.desired();
        String message = "SES reports endpoint '" + d.name() + "' READY in " + sorted(ep.regions());
        Instant sweep = tags != null ? tags.asOf().plus(in.timing().tagResync()) : in.firstTagSweep();
        boolean specChanged = !Objects.equals(in.previous().getObservedGeneration(), in.generation());
        boolean tagCheckDue = specChanged || !sweep.isAfter(in.now());
        Step step;
        if (tags != null && (tags.fresh() || !tagCheckDue)) {
            step = tagSync(d.tags(), tags.tags());
        } else {
            step = tagCheckDue ? Step.READ_TAGS : Step.WAIT;
        }
        Duration untilSweep = Duration.between(in.now(), sweep);
        Duration requeue =
                untilSweep.isNegative() || untilSweep.compareTo(in.timing().resync()) > 0
                        ? in.timing().resync()
                        : untilSweep;
        return observed(step, Reason.Available, message, null, requeue);
    }

    /** FAILED: report it, wait a capped backoff that grows with each failure in a row, then delete to recreate. */
    private static Plan failed(Input in, int failuresSoFar) {
        DesiredEndpoint d = in.desired();
        Timing t = in.timing();
        if (reasonOf(in.previous()) != Reason.ProvisioningFailed) {
            int n = failuresSoFar + 1;
            return observed(Step.WAIT, Reason.ProvisioningFailed, failedMessage(d, n, t), n, t.stalledRetry(n));
        }
        Duration backoff = t.stalledRetry(failuresSoFar);
        Duration waited = waited(in, StatusFactory.STALLED);
        if (waited.compareTo(backoff) >= 0) {
            return observed(
                    Step.DELETE,
                    Reason.Recreating,
                    "Deleting FAILED endpoint '" + d.name() + "' to recreate it (failure " + failuresSoFar
                            + " in a row)",
                    failuresSoFar,
                    t.pollMin());
        }
        return observed(
                Step.WAIT,
                Reason.ProvisioningFailed,
                failedMessage(d, failuresSoFar, t),
                failuresSoFar,
                backoff.minus(waited));
    }

    private static Plan observed(Step step, Reason reason, String message, Integer failures, Duration requeue) {
        return new Plan(step, new Report(reason, message, Track.OBSERVED, failures), requeue);
    }

    private static Plan readTags(Input in) {
        return new Plan(Step.READ_TAGS, Plan.KEEP, in.timing().pollMin());
    }

    private static String failedMessage(DesiredEndpoint d, int n, Timing t) {
        return "SES reports FAILED for endpoint '" + d.name() + "' (failure " + n + " in a row);"
                + " it will be deleted and recreated after " + t.stalledRetry(n);
    }

    private static Plan conflict(Input in, String message) {
        return new Plan(
                Step.WAIT,
                new Report(Reason.EndpointNameConflict, message, Track.NONE, null),
                in.timing().resync());
    }

    private static String creatingMessage(DesiredEndpoint d) {
        return "SES is creating endpoint '" + d.name() + "' in " + d.primaryRegion() + " with a route to "
                + d.secondaryRegion();
    }

    // ---- the object is being deleted ---------------------------------------------------------------

    private static Plan decideDeletion(Input in) {
        DesiredEndpoint d = in.desired();
        if (d == null) {
            return release("The spec never named a valid endpoint: nothing to delete");
        }
        if (d.deletionPolicy() == DeletionPolicy.Retain) {
            return release("deletionPolicy is Retain: endpoint '" + d.name() + "' stays in SES");
        }
        if (!(in.observation() instanceof Observation.Present present)) {
            MultiRegionEndpointStatus prev = in.previous();
            if ("CREATING".equals(prev.getEndpointStatus())
                    && reasonOf(prev) == Reason.Creating
                    && waited(in, StatusFactory.RECONCILING)
                                    .compareTo(in.timing().createGrace())
                            < 0) {
                // just created: SES may not list it yet, and letting go now would orphan it
                return new Plan(
                        Step.WAIT,
                        new Report(
                                Reason.Deleting,
                                "Waiting for SES to show endpoint '" + d.name()
                                        + "', created moments ago, before deleting it",
                                Track.LAST_KNOWN,
                                null),
                        in.timing().poll(waited(in, StatusFactory.RECONCILING)));
            }
            return release("Endpoint '" + d.name() + "' is gone from SES");
        }
        Ownership owner = ownership(d, present.tags());
        if (owner == Ownership.UNKNOWN && !recordedInStatus(in.previous(), present.endpoint())) {
            return readTags(in);
        }
        if (owner == Ownership.OTHER || owner == Ownership.UNMANAGED) {
            return release("Endpoint '" + d.name() + "' is not owned by this object; left untouched");
        }
        String message = "SES is deleting endpoint '" + d.name() + "'";
        if (present.endpoint().status() == EndpointStatus.DELETING) {
            return new Plan(
                    Step.WAIT,
                    new Report(Reason.Deleting, message, Track.OBSERVED, null),
                    in.timing().poll(waited(in, StatusFactory.RECONCILING)));
        }
        return new Plan(
                Step.DELETE,
                new Report(Reason.Deleting, message, Track.OBSERVED, null),
                in.timing().pollMin());
    }

    private static Plan release(String message) {
        return new Plan(Step.RELEASE, new Report(Reason.Deleting, message, Track.NONE, null), null);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static Ownership ownership(DesiredEndpoint d, KnownTags tags) {
        if (tags == null) {
            return Ownership.UNKNOWN;
        }
        String owner = tags.tags().get(MultiRegionEndpoint.OWNER_TAG);
        if (owner == null) {
            return Ownership.UNMANAGED;
        }
        // the legacy form counts as ours only to be rewritten: the tag sync replaces it with d.owner()
        return owner.equals(d.owner()) || owner.equals(d.legacyOwner()) ? Ownership.OURS : Ownership.OTHER;
    }

    /** The status names this endpoint (same id): display only, never proof. */
    private static boolean recordedInStatus(MultiRegionEndpointStatus previous, ObservedEndpoint ep) {
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
