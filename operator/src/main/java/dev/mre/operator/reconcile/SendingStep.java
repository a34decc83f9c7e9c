package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.api.Sending;
import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.aws.DesiredEndpoint;
import dev.mre.operator.aws.SendingCache;
import dev.mre.operator.aws.SendingFacts.Account;
import dev.mre.operator.aws.SendingFacts.Answer;
import dev.mre.operator.aws.SendingFacts.Identity;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.reconcile.SendingDecision.At;
import dev.mre.operator.reconcile.SendingDecision.Replicas;
import dev.mre.operator.reconcile.SendingDecision.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SendingReady part of a pass, after the endpoint's own decision: reads SES's answers through the shared
 * {@link SendingCache} (no call when the answers are fresh), decides with {@link SendingDecision}, creates the
 * replicas it chose, and puts the condition into the status. Nothing here changes the endpoint or Ready.
 */
final class SendingStep {

    /** AWS tag on a replica identity this operator created: the cluster that created it. */
    static final String CREATED_BY_TAG = MultiRegionEndpoint.PREFIX + "created-by-cluster";
    /** AWS tag on a replica identity this operator created: the object that asked for it. */
    static final String CREATED_FOR_TAG = MultiRegionEndpoint.PREFIX + "created-for";

    private static final Logger LOG = LoggerFactory.getLogger(SendingStep.class);

    /** The status with SendingReady set, and when to look again (null: the pass's own schedule). */
    record Outcome(MultiRegionEndpointStatus status, Duration requeueAfter) {}

    private final SendingCache cache;
    private final boolean replicasAllowed;
    private final String clusterId;

    SendingStep(SendingCache cache, boolean replicasAllowed, String clusterId) {
        this.cache = cache;
        this.replicasAllowed = replicasAllowed;
        this.clusterId = clusterId;
    }

    Outcome apply(MultiRegionEndpoint mre, Decision.Input in, MultiRegionEndpointStatus next) {
        Sending sending = mre.getSpec() == null ? null : mre.getSpec().getSending();
        if (sending == null) {
            return new Outcome(withCondition(next, null, in), null);
        }
        if (in.paused() || in.deleting() || cache == null) {
            return new Outcome(next, null);
        }
        DesiredEndpoint d = in.desired();
        boolean endpointReady = d != null
                && in.account().id() != null
                && "READY".equals(next.getEndpointStatus())
                && StatusFactory.condition(next, StatusFactory.READY)
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false);
        Replicas replicas = !Boolean.TRUE.equals(sending.getCreateReplicas())
                ? Replicas.NOT_ASKED
                : replicasAllowed && (d == null || !d.observeOnly()) ? Replicas.ALLOWED : Replicas.NOT_ALLOWED;
        if (!endpointReady) {
            Verdict v = SendingDecision.next(new SendingDecision.Input(
                    null, null, List.of(), List.of(), false, replicas, Map.of(), Map.of(), Map.of()));
            return new Outcome(withCondition(next, v, in), null);
        }
        String account = in.account().id();
        AwsIdentity as = in.account().identity();
        Instant notBefore = in.refresh() ? in.now() : null;
        List<String> regions = List.of(d.primaryRegion(), d.secondaryRegion());
        List<String> identities = Objects.requireNonNullElse(sending.getIdentities(), List.of());
        List<String> sets = Objects.requireNonNullElse(sending.getConfigurationSets(), List.of());
        Map<String, Answer<Account>> accounts = new HashMap<>();
        Map<At, Answer<Identity>> ids = new HashMap<>();
        Map<At, Answer<Boolean>> cs = new HashMap<>();
        for (String region : regions) {
            accounts.put(region, cache.account(as, account, region, notBefore));
            for (String name : identities) {
                ids.put(new At(region, name), cache.identity(as, account, region, name, notBefore));
            }
            for (String name : sets) {
                cs.put(new At(region, name), cache.configurationSet(as, account, region, name, notBefore));
            }
        }
        Verdict v = SendingDecision.next(new SendingDecision.Input(
                d.primaryRegion(), d.secondaryRegion(), identities, sets, true, replicas, accounts, ids, cs));
        Duration requeue = null;
        List<String> refused = new ArrayList<>();
        for (String domain : v.createReplicas()) {
            try {
                cache.createReplica(
                        as,
                        account,
                        d.secondaryRegion(),
                        domain,
                        d.primaryRegion(),
                        Map.of(
                                CREATED_BY_TAG,
                                clusterId,
                                CREATED_FOR_TAG,
                                mre.getMetadata().getNamespace() + "/"
                                        + mre.getMetadata().getName()));
                LOG.info(
                        "created {} in {} as a replica of {}'s identity",
                        domain,
                        d.secondaryRegion(),
                        d.primaryRegion());
            } catch (SesFailure f) {
                LOG.info(
                        "CreateEmailIdentity of replica {} in {} failed: {} {}",
                        domain,
                        d.secondaryRegion(),
                        f.kind(),
                        f.errorCode());
                refused.add(domain + " (CreateEmailIdentity: " + f.errorCode() + ")");
            }
        }
        if (!refused.isEmpty()) {
            v = new Verdict(
                    v.status(),
                    v.reason(),
                    v.message() + "; could not create " + String.join(", ", refused),
                    List.of());
        }
        if (!v.createReplicas().isEmpty()
                || identities.stream().anyMatch(i -> cache.watching(account, d.secondaryRegion(), i))) {
            requeue = cache.replicaPoll();
        }
        return new Outcome(withCondition(next, v, in), requeue);
    }

    /** {@code status} with SendingReady as {@code v} says (none when v is null); its transition time kept. */
    static MultiRegionEndpointStatus withCondition(MultiRegionEndpointStatus status, Verdict v, Decision.Input in) {
        List<Condition> conditions =
                new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        Condition before = conditions.stream()
                .filter(c -> SendingDecision.CONDITION.equals(c.getType()))
                .findFirst()
                .orElse(null);
        if (before == null && v == null) {
            return status;
        }
        conditions.removeIf(c -> SendingDecision.CONDITION.equals(c.getType()));
        if (v != null) {
            String value = v.status().text();
            String since = before != null && value.equals(before.getStatus()) && before.getLastTransitionTime() != null
                    ? before.getLastTransitionTime()
                    : StatusFactory.format(in.now());
            conditions.add(new ConditionBuilder()
                    .withType(SendingDecision.CONDITION)
                    .withStatus(value)
                    .withReason(v.reason().name())
                    .withMessage(v.message())
                    .withObservedGeneration(in.generation())
                    .withLastTransitionTime(since)
                    .build());
        }
        MultiRegionEndpointStatus s = StatusFactory.copy(status);
        s.setConditions(conditions);
        return s;
    }
}
