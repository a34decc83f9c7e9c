package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.Observation;
import dev.mre.operator.aws.Observation.Present;
import dev.mre.operator.aws.ObservedEndpoint;
import dev.mre.operator.reconcile.Plan.Action;
import dev.mre.operator.reconcile.Plan.Track;
import dev.mre.operator.reconcile.Reason.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The pure decision step, called once per pass: what SES shows + what the object asks for + what the operator
 * remembers of it -> one {@link Plan} (at most one SES change, the status to report, when to look again). No I/O, no
 * clock, no randomness: table-tested in {@code DecisionTest}.
 *
 * <p>What a pass must fetch for it is stated apart, in {@link FetchRules}: a decision that needs something
 * observation did not fetch is a bug in those rules, never a reason to decide again. Ownership comes from the
 * endpoint's owner tag only; a Delete or tag write is planned only on tags read from SES in this pass
 * ({@link Present#proven}), and the SES client checks that again.
 *
 * <p>Three groups of rows live in files of their own, each entered from here only: {@link DeletionDecision} (the
 * object is being deleted), {@link ObserveOnlyDecision} and {@link FailedEndpointDecision} (SES status FAILED).
 */
public final class Decision {

    /**
     * Everything a decision depends on.
     *
     * @param desired the endpoint the object asks for; null when the spec cannot even address one
     * @param violations what is wrong with the spec (empty when valid)
     * @param seen what observation found ({@link Observation#NOT_OBSERVED} when SES was not asked)
     * @param firstTagSweep when the tags of this object's endpoint are due for a drift check if the operator has
     *                      not read them since it started (spread over the tag resync period)
     */
    public record Input(
            DesiredEndpoint desired,
            List<String> violations,
            AccountResolver.Account account,
            boolean paused,
            boolean deleting,
            Observation seen,
            Memory memory,
            long generation,
            Instant now,
            Timing timing,
            Instant firstTagSweep,
            boolean refresh) {

        public Input {
            violations = List.copyOf(violations);
        }

        Input seeing(Observation o) {
            return new Input(
                    desired,
                    violations,
                    account,
                    paused,
                    deleting,
                    o,
                    memory,
                    generation,
                    now,
                    timing,
                    firstTagSweep,
                    refresh);
        }

        Input withAccount(AccountResolver.Account a) {
            return new Input(
                    desired,
                    violations,
                    a,
                    paused,
                    deleting,
                    seen,
                    memory,
                    generation,
                    now,
                    timing,
                    firstTagSweep,
                    refresh);
        }
    }

    private Decision() {}

    // ---- the decision ------------------------------------------------------------------------------

    public static Plan next(Input in) {
        if (in.paused()) {
            // nothing, not even a delete: the finalizer stays until the annotation goes
            return Plan.wait(report(in, Message.PAUSED, Track.LAST_KNOWN), null);
        }
        if (in.seen() instanceof Observation.Failed f) {
            return Failures.plan(f.failure(), in.memory().failuresInARow() + 1, in);
        }
        Plan accountProblem = accountProblem(in);
        if (accountProblem != null) {
            return accountProblem;
        }
        if (in.deleting()) {
            return DeletionDecision.next(in);
        }
        if (!in.violations().isEmpty()) {
            // never call AWS for an invalid spec; a spec edit brings the object back
            return Plan.wait(
                    report(in, Message.INVALID_SPEC, Track.LAST_KNOWN, String.join("; ", in.violations())), null);
        }
        if (in.desired().observeOnly()) {
            return ObserveOnlyDecision.next(in);
        }
        return in.seen() instanceof Present p ? present(in, p) : absent(in);
    }

    /**
     * Stalled, with no SES call anywhere, when the namespace maps to no account (a selector is required), to several,
     * or to another account than the one the object's endpoint lives in: the operator never acts in two accounts for
     * one object. A deletion is held too (finalizer kept) unless nothing can have been created.
     */
    static Plan accountProblem(Input in) {
        Memory m = in.memory();
        AccountResolver.Account a = in.account();
        Plan.Report problem = null;
        if (a.resolution() instanceof AccountResolver.NoSelector) {
            problem = report(in, Message.NO_ROLE_SELECTOR, Track.LAST_KNOWN);
        } else if (a.resolution() instanceof AccountResolver.Ambiguous) {
            problem = report(in, Message.AMBIGUOUS_ROLE_SELECTOR, Track.LAST_KNOWN);
        } else if (m.accountId() != null && a.id() != null && !m.accountId().equals(a.id())) {
            problem = report(in, Message.ACCOUNT_CHANGED, Track.LAST_KNOWN, m.accountId(), a.id());
        }
        if (problem == null) {
            return null;
        }
        if (in.deleting() && m.accountId() == null && m.endpointId() == null) {
            return Plan.release(Message.RELEASE_NO_ACCOUNT.format());
        }
        return Plan.wait(problem, in.timing().stalledRetryMax());
    }

    private static Plan absent(Input in) {
        Memory m = in.memory();
        DesiredEndpoint d = in.desired();
        if (m.endpointId() == null) {
            return create(
                    in, report(in, Message.CREATE, Track.OBSERVED, d.name(), d.primaryRegion(), d.secondaryRegion()));
        }
        if (m.justCreated(in.now(), in.timing().createGrace())) {
            // SES may not show an endpoint right after Create answered: not a deletion yet
            return Plan.wait(
                    report(in, Message.CREATING, Track.LAST_KNOWN, d.name(), d.primaryRegion(), d.secondaryRegion()),
                    in.timing().poll(m.reconcilingFor(in.now())));
        }
        if (m.reason() == Reason.DeletedOutOfBand
                || m.reason() == Reason.Recreating
                || m.reason() == Reason.ProvisioningFailed) {
            return create(in, report(in, Message.RECREATE, Track.OBSERVED, d.name(), d.primaryRegion()));
        }
        return Plan.wait(
                report(in, Message.GONE, Track.LAST_KNOWN, d.name(), m.endpointId()),
                in.timing().pollMin());
    }

    /** A report that keeps the remembered count of failed provisioning attempts. */
    private static Plan.Report report(Input in, Message message, Track track, Object... args) {
        return Plan.report(message, track, in.memory().failedProvisioningAttempts(), args);
    }

    private static Plan create(Input in, Plan.Report report) {
        return new Plan(Action.CREATE, report, in.timing().pollMin());
    }

    private static Plan present(Input in, Present p) {
        DesiredEndpoint d = in.desired();
        ObservedEndpoint ep = p.endpoint();
        return switch (p.ownership()) {
            case MINE -> d.handoverTo() != null ? handingOver(in, p) : owned(in, p);
            // the status only says which endpoint this object showed last: good enough to keep showing it while
            // nothing needs proof (wantsProof read the tags otherwise), never to act on it
            case UNKNOWN -> owned(in, p);
            // the endpoint this object showed, handed over and since taken by the receiver: what this object
            // asked for, not a conflict (the status only chooses the text; nothing is done on it). The status keeps
            // showing that endpoint (LAST_KNOWN, nothing new learned of it), so the next pass still knows which one
            // was handed over: with NONE it forgot, and reported a Stalled EndpointNameConflict from then on
            case ANOTHER, UNMANAGED ->
                d.handoverTo() != null
                                && p.ownership() == Observation.Ownership.ANOTHER
                                && in.memory().showed(ep.endpointId())
                        ? Plan.wait(
                                Plan.report(
                                        Message.HANDED_OVER_TAKEN,
                                        Track.LAST_KNOWN,
                                        null,
                                        d.name(),
                                        handoverCluster(in)),
                                in.timing().resync())
                        : conflict(
                                in,
                                p,
                                Message.NOT_THIS_OBJECTS,
                                d.name(),
                                d.primaryRegion(),
                                MultiRegionEndpoint.ADOPTABLE_TAG + "=" + d.adoptable());
            // the owner in the other cluster handed it to exactly this object: take it (our owner tag, the
            // handover tag goes) in one tag sync, on the tags read in this pass
            case ADOPTABLE, HANDED_OVER ->
                d.routesMatch(ep)
                        // adopt: write our tags (the owner tag among them; the adoptable tag goes): ours from then on
                        ? new Plan(
                                Action.UPDATE_TAGS,
                                owned(in, p).report(),
                                in.timing().pollMin())
                        : conflict(
                                in,
                                p,
                                Message.REGIONS_DIFFER,
                                d.name(),
                                sorted(ep.regions()),
                                sorted(List.of(d.primaryRegion(), d.secondaryRegion())));
        };
    }

    /**
     * This object's endpoint, and its handover annotation gives it away: write the handover tag (with any other tag
     * change, on the tags read in this pass) and report HandedOver; nothing else is asked of SES until the object is
     * deleted, the annotation removed, or the receiver takes the endpoint.
     */
    private static Plan handingOver(Input in, Present p) {
        DesiredEndpoint d = in.desired();
        Action action = p.proven() && !p.tagChanges().isEmpty() ? Action.UPDATE_TAGS : Action.NONE;
        return new Plan(
                action,
                Plan.report(Message.HANDED_OVER, Track.OBSERVED, null, d.name(), handoverCluster(in)),
                action == Action.NONE ? in.timing().resync() : in.timing().pollMin());
    }

    /** The receiving cluster's id, from the handover tag value {@code <cluster-id>/<namespace>/<name>}. */
    static String handoverCluster(Input in) {
        String to = in.desired().handoverTo();
        return to.substring(0, to.indexOf('/'));
    }

    /** This object's endpoint (or, with no tags known, the one its status showed): follow SES's status. */
    private static Plan owned(Input in, Present p) {
        DesiredEndpoint d = in.desired();
        ObservedEndpoint ep = p.endpoint();
        Memory m = in.memory();
        Timing t = in.timing();
        Duration transitionPoll = t.poll(m.reconcilingFor(in.now()));
        return switch (ep.status()) {
            case CREATING ->
                Plan.wait(
                        report(in, Message.CREATING, Track.OBSERVED, d.name(), d.primaryRegion(), d.secondaryRegion()),
                        transitionPoll);
            case READY -> ready(in, p);
            case FAILED -> FailedEndpointDecision.next(in);
            case DELETING ->
                m.reason() == Reason.Recreating
                        ? Plan.wait(report(in, Message.AWAIT_FAILED_DELETION, Track.OBSERVED, d.name()), transitionPoll)
                        : Plan.wait(report(in, Message.BEING_DELETED, Track.OBSERVED, d.name()), transitionPoll);
            case UNKNOWN ->
                Plan.wait(report(in, Message.UNKNOWN_STATUS, Track.OBSERVED, ep.statusText(), d.name()), t.pollMax());
        };
    }

    /**
     * READY: Available, and the tags synced when they were read (the spec changed since they were last applied, or
     * the slow drift sweep came round) or when the remembered ones already differ; otherwise nothing asked of SES.
     */
    private static Plan ready(Input in, Present p) {
        DesiredEndpoint d = in.desired();
        Plan.Report report = Plan.report(
                Message.READY,
                Track.OBSERVED,
                null,
                d.name(),
                sorted(p.endpoint().regions()));
        Action action = p.proven() && !p.tagChanges().isEmpty() ? Action.UPDATE_TAGS : Action.NONE;
        Instant sweep = sweepAt(in, p);
        Duration untilSweep = Duration.between(in.now(), sweep);
        Duration requeue =
                untilSweep.isNegative() || untilSweep.compareTo(in.timing().resync()) > 0
                        ? in.timing().resync()
                        : untilSweep;
        return new Plan(action, report, requeue);
    }

    private static Instant sweepAt(Input in, Present p) {
        return p.tags() != null ? p.tags().asOf().plus(in.timing().tagResync()) : in.firstTagSweep();
    }

    static boolean tagCheckDue(Input in, Present p) {
        boolean specChanged = !Objects.equals(in.memory().observedGeneration(), in.generation());
        return specChanged || !sweepAt(in, p).isAfter(in.now());
    }

    /**
     * Refused: looked at again when the refusal's recheck is due (the resync period, doubling per refusal of the
     * same endpoint in a row), or at once when SES's List shows another endpoint under the name.
     */
    private static Plan conflict(Input in, Present p, Message message, Object... args) {
        Memory.Refusal last = in.memory().refusalOf(p.endpoint().endpointId());
        int count = last == null ? 0 : last.count();
        Duration requeue = p.proven() || last == null
                ? in.timing().refusalRecheck(count + 1)
                : Duration.between(in.now(), last.lastRead().plus(in.timing().refusalRecheck(count)));
        if (requeue.compareTo(in.timing().pollMin()) < 0) {
            requeue = in.timing().pollMin();
        }
        return Plan.wait(new Plan.Report(message.reason, message.format(args), Track.NONE, null), requeue);
    }

    static List<String> sorted(List<String> regions) {
        return List.copyOf(new TreeSet<>(regions));
    }
}
