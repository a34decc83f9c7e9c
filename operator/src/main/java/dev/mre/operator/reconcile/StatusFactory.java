package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.aws.DesiredEndpoint;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the next status from the previous one and a decision; the single place where conditions are made.
 * A condition's lastTransitionTime changes only when its status changes, so a reconciliation that learns
 * nothing new produces an equal status and the reconciler writes nothing.
 */
public final class StatusFactory {

    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    /** The three conditions every object carries, in this order. */
    public static final List<String> CONDITIONS = List.of(READY, RECONCILING, STALLED);

    private StatusFactory() {}

    /** The status after reporting {@code report} for {@code mre}, with the endpoint fields its track asks for. */
    static MultiRegionEndpointStatus next(
            MultiRegionEndpointStatus previous,
            MultiRegionEndpoint mre,
            String defaultRegion,
            Decision.Input in,
            Plan.Report report,
            EndpointFacts facts) {
        return next(
                previous,
                DesiredEndpoint.effectiveName(mre),
                DesiredEndpoint.effectiveRegion(mre.getSpec(), defaultRegion),
                in.generation(),
                report.reason(),
                report.message(),
                report.failedProvisioningAttempts(),
                report.track() == Plan.Track.LAST_KNOWN ? null : facts,
                in.account().id(),
                report.track() == Plan.Track.NONE,
                in.now());
    }

    /**
     * @param facts the endpoint as now known; null keeps the previous endpoint fields
     *              ({@link Plan.Track#LAST_KNOWN}); use {@code clearEndpoint} for {@link Plan.Track#NONE}
     * @param account the account the endpoint in {@code facts} lives in (recorded with it; otherwise the previous
     *                account stays)
     */
    public static MultiRegionEndpointStatus next(
            MultiRegionEndpointStatus previous,
            String endpointName,
            String primaryRegion,
            long generation,
            Reason reason,
            String message,
            Integer failedProvisioningAttempts,
            EndpointFacts facts,
            String account,
            boolean clearEndpoint,
            Instant now) {
        if (CONDITIONS.stream().anyMatch(type -> reason.value(type) == Reason.Value.UNCHANGED)) {
            return standingStill(previous, reason, message, now);
        }
        MultiRegionEndpointStatus s = new MultiRegionEndpointStatus();
        s.setObservedGeneration(generation);
        s.setEndpointName(endpointName);
        s.setPrimaryRegion(primaryRegion);
        s.setFailedProvisioningAttempts(failedProvisioningAttempts);
        s.setLastHandledReconcileAt(previous.getLastHandledReconcileAt());
        s.setAccountId(facts != null && account != null ? account : previous.getAccountId());
        if (facts != null) {
            s.setEndpointId(facts.endpointId());
            s.setEndpointStatus(facts.endpointStatus());
            s.setRegions(facts.regions().isEmpty() ? null : facts.regions());
            s.setCreatedTimestamp(format(facts.created()));
            s.setLastUpdatedTimestamp(format(facts.lastUpdated()));
            s.setArn(facts.arn());
        } else if (!clearEndpoint) {
            s.setEndpointId(previous.getEndpointId());
            s.setEndpointStatus(previous.getEndpointStatus());
            s.setRegions(previous.getRegions());
            s.setCreatedTimestamp(previous.getCreatedTimestamp());
            s.setLastUpdatedTimestamp(previous.getLastUpdatedTimestamp());
            s.setArn(previous.getArn());
        }
        String nowText = format(now);
        List<Condition> conditions = new ArrayList<>(CONDITIONS.size());
        for (String type : CONDITIONS) {
            conditions.add(condition(
                    previous, type, reason.value(type) == Reason.Value.TRUE, reason, message, generation, nowText));
        }
        // SendingReady is not the endpoint's: SendingStep sets it after the decision, and it stays until then
        condition(previous, SendingDecision.CONDITION).ifPresent(conditions::add);
        s.setConditions(conditions);
        return s;
    }

    /**
     * A reason that leaves conditions UNCHANGED (Paused): everything as it was, but the conditions it sets (for
     * Paused, Reconciling=False: nothing is being done), so that kstatus and humans see that the operator stands
     * still on purpose; Ready keeps telling whether the endpoint was Ready.
     */
    static MultiRegionEndpointStatus standingStill(
            MultiRegionEndpointStatus previous, Reason reason, String message, Instant now) {
        MultiRegionEndpointStatus s = copy(previous);
        String nowText = format(now);
        List<Condition> conditions = new ArrayList<>(3);
        for (String type : CONDITIONS) {
            Optional<Condition> before = condition(previous, type);
            if (reason.value(type) != Reason.Value.UNCHANGED || before.isEmpty()) {
                conditions.add(condition(
                        previous,
                        type,
                        reason.value(type) == Reason.Value.TRUE,
                        reason,
                        message,
                        before.map(Condition::getObservedGeneration)
                                .orElse(
                                        previous.getObservedGeneration() == null
                                                ? 0L
                                                : previous.getObservedGeneration()),
                        nowText));
            } else {
                conditions.add(before.get());
            }
        }
        condition(previous, SendingDecision.CONDITION).ifPresent(conditions::add);
        s.setConditions(conditions);
        return s;
    }

    static MultiRegionEndpointStatus copy(MultiRegionEndpointStatus p) {
        MultiRegionEndpointStatus s = new MultiRegionEndpointStatus();
        s.setObservedGeneration(p.getObservedGeneration());
        s.setEndpointName(p.getEndpointName());
        s.setAccountId(p.getAccountId());
        s.setEndpointId(p.getEndpointId());
        s.setEndpointStatus(p.getEndpointStatus());
        s.setArn(p.getArn());
        s.setPrimaryRegion(p.getPrimaryRegion());
        s.setRegions(p.getRegions());
        s.setCreatedTimestamp(p.getCreatedTimestamp());
        s.setLastUpdatedTimestamp(p.getLastUpdatedTimestamp());
        s.setFailedProvisioningAttempts(p.getFailedProvisioningAttempts());
        s.setLastHandledReconcileAt(p.getLastHandledReconcileAt());
        return s;
    }

    public static Optional<Condition> condition(MultiRegionEndpointStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }

    private static Condition condition(
            MultiRegionEndpointStatus previous,
            String type,
            boolean isTrue,
            Reason reason,
            String message,
            Long generation,
            String now) {
        String status = isTrue ? "True" : "False";
        String since = condition(previous, type)
                .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(Condition::getLastTransitionTime)
                .orElse(now);
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason.name())
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }

    static String format(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
