package dev.mre.operator.reconcile;

import dev.mre.operator.aws.SendingFacts;
import dev.mre.operator.aws.SendingFacts.Account;
import dev.mre.operator.aws.SendingFacts.Answer;
import dev.mre.operator.aws.SendingFacts.Failed;
import dev.mre.operator.aws.SendingFacts.Found;
import dev.mre.operator.aws.SendingFacts.Identity;
import dev.mre.operator.config.Setting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The pure decision behind the condition SendingReady (issue 22): from what SES answered in the primary and the
 * secondary region about the spec's identities, configuration sets and the account, the condition's value, reason
 * and message, and which secondary-region replicas to create. No SES call, no clock: table-tested in
 * {@code SendingDecisionTest}. SendingReady is never part of Ready.
 */
public final class SendingDecision {

    /** The condition's type. */
    public static final String CONDITION = "SendingReady";
    /** At most this many problems are named in the message; the rest are counted. */
    static final int MESSAGE_PROBLEMS = 5;

    /** Reasons, in the order in which the condition reports them when there are several problems. */
    public enum SendingReason {
        /** Both regions can send with every identity and configuration set. */
        Ready,
        /** SES's endpoint is not READY (or not known yet): nothing else is checked. */
        EndpointNotReady,
        /** GetAccount: sending is paused (SendingEnabled false, or EnforcementStatus SHUTDOWN). */
        SendingPaused,
        /** No identity of that name in the region (for an email address, or a domain in the primary region). */
        IdentityMissing,
        /** A domain exists in the primary region but not in the secondary region. */
        ReplicaMissing,
        /** A replica was asked for, but the primary region's identity does not use Easy DKIM. */
        ParentNotEasyDkim,
        /** A replica was asked for, but the primary region's identity is not verified. */
        ParentNotVerified,
        /** The identity exists but is not verified for sending (a domain: DKIM not SUCCESS). */
        IdentityNotVerified,
        /** A configuration set does not exist in the region. */
        ConfigurationSetMissing,
        /** The account is in the SES sandbox in the region (verified recipients only, 200 messages a day). */
        Sandbox,
        /** A read failed (access denied, throttled, SES unavailable): the condition is Unknown. */
        CheckFailed;

        /** The condition's status under this reason: True for Ready, Unknown for CheckFailed, else False. */
        public Status status() {
            return switch (this) {
                case Ready -> Status.TRUE;
                case CheckFailed -> Status.UNKNOWN;
                default -> Status.FALSE;
            };
        }

        /**
         * Kubernetes Event type of a transition into this reason: Normal for Ready and for EndpointNotReady (every
         * new object passes through it while SES creates the endpoint, whose own trouble Ready's Events report),
         * Warning for the rest, which need someone to act (or, CheckFailed, a read that failed).
         */
        public Reason.EventType eventType() {
            return this == Ready || this == EndpointNotReady ? Reason.EventType.Normal : Reason.EventType.Warning;
        }
    }

    public enum Status {
        TRUE,
        FALSE,
        UNKNOWN;

        public String text() {
            return switch (this) {
                case TRUE -> "True";
                case FALSE -> "False";
                case UNKNOWN -> "Unknown";
            };
        }
    }

    /** What the object asks for replicas, and what the administrator allows. */
    public enum Replicas {
        /** spec.sending.createReplicas is not true. */
        NOT_ASKED,
        /** Asked, but SES_MRE_ALLOW_REPLICA_IDENTITIES is off (or the object is ObserveOnly). */
        NOT_ALLOWED,
        /** Asked and allowed. */
        ALLOWED
    }

    /** An answer's place: the region and the name it is about. */
    public record At(String region, String name) {}

    /**
     * @param identities the spec's identities, configurationSets its configuration sets
     * @param endpointReady SES reports the endpoint READY; when false nothing else is looked at
     * @param accounts GetAccount per region
     * @param identityAnswers GetEmailIdentity per region and identity
     * @param configurationSetAnswers GetConfigurationSet per region and name
     */
    public record Input(
            String primary,
            String secondary,
            List<String> identities,
            List<String> configurationSets,
            boolean endpointReady,
            Replicas replicas,
            Map<String, Answer<Account>> accounts,
            Map<At, Answer<Identity>> identityAnswers,
            Map<At, Answer<Boolean>> configurationSetAnswers) {

        public Input {
            identities = identities == null ? List.of() : List.copyOf(identities);
            configurationSets = configurationSets == null ? List.of() : List.copyOf(configurationSets);
            accounts = Map.copyOf(accounts);
            identityAnswers = Map.copyOf(identityAnswers);
            configurationSetAnswers = Map.copyOf(configurationSetAnswers);
        }

        public List<String> regions() {
            return List.of(primary, secondary);
        }
    }

    /** @param createReplicas domains to create in the secondary region as replicas of the primary's */
    public record Verdict(Status status, SendingReason reason, String message, List<String> createReplicas) {
        public Verdict {
            createReplicas = List.copyOf(createReplicas);
        }
    }

    private record Problem(SendingReason reason, String text) {}

    private SendingDecision() {}

    public static Verdict next(Input in) {
        if (!in.endpointReady()) {
            return new Verdict(
                    Status.FALSE,
                    SendingReason.EndpointNotReady,
                    "the endpoint is not READY in SES yet; sending is checked once it is",
                    List.of());
        }
        List<Problem> problems = new ArrayList<>();
        List<String> replicas = new ArrayList<>();
        for (String region : in.regions()) {
            account(region, in.accounts().get(region), problems);
        }
        for (String name : in.identities()) {
            Answer<Identity> parent = in.identityAnswers().get(new At(in.primary(), name));
            primaryIdentity(in.primary(), name, parent, problems);
            secondaryIdentity(
                    in, name, parent, in.identityAnswers().get(new At(in.secondary(), name)), problems, replicas);
        }
        for (String region : in.regions()) {
            for (String name : in.configurationSets()) {
                Answer<Boolean> a = in.configurationSetAnswers().get(new At(region, name));
                if (a instanceof Failed<Boolean> f) {
                    problems.add(failed(region, "configuration set " + name, f));
                } else if (!(a instanceof Found<Boolean>)) {
                    problems.add(new Problem(
                            SendingReason.ConfigurationSetMissing,
                            region + ": configuration set " + name + " does not exist"));
                }
            }
        }
        if (problems.isEmpty()) {
            return new Verdict(
                    Status.TRUE,
                    SendingReason.Ready,
                    "both regions (" + in.primary() + ", " + in.secondary() + ") can send"
                            + (in.identities().isEmpty() ? "" : " from " + String.join(", ", in.identities()))
                            + (in.configurationSets().isEmpty()
                                    ? ""
                                    : " with " + String.join(", ", in.configurationSets())),
                    List.of());
        }
        Problem first =
                problems.stream().min(Comparator.comparing(Problem::reason)).orElseThrow();
        Status status = first.reason().status();
        List<Problem> ordered =
                problems.stream().sorted(Comparator.comparing(Problem::reason)).toList();
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < Math.min(MESSAGE_PROBLEMS, ordered.size()); i++) {
            m.append(i == 0 ? "" : "; ").append(ordered.get(i).text());
        }
        if (ordered.size() > MESSAGE_PROBLEMS) {
            m.append("; and ").append(ordered.size() - MESSAGE_PROBLEMS).append(" more");
        }
        return new Verdict(status, first.reason(), m.toString(), replicas);
    }

    private static void account(String region, Answer<Account> a, List<Problem> problems) {
        if (a instanceof Failed<Account> f) {
            problems.add(failed(region, "the account (GetAccount)", f));
        } else if (a instanceof Found<Account> found) {
            Account acc = found.value();
            if (!acc.sendingEnabled() || "SHUTDOWN".equalsIgnoreCase(acc.enforcementStatus())) {
                problems.add(new Problem(
                        SendingReason.SendingPaused,
                        region + ": sending is paused for the account (SendingEnabled " + acc.sendingEnabled()
                                + ", EnforcementStatus " + acc.enforcementStatus() + ")"));
            } else if (!acc.productionAccessEnabled()) {
                problems.add(new Problem(
                        SendingReason.Sandbox,
                        region + ": the account is in the SES sandbox (verified recipients only)"));
            }
        } else {
            problems.add(new Problem(SendingReason.CheckFailed, region + ": the account was not read"));
        }
    }

    private static void primaryIdentity(String region, String name, Answer<Identity> a, List<Problem> problems) {
        if (a instanceof Failed<Identity> f) {
            problems.add(failed(region, name, f));
        } else if (a instanceof Found<Identity> found) {
            if (!verified(found.value())) {
                problems.add(notVerified(region, name, found.value()));
            }
        } else {
            problems.add(new Problem(SendingReason.IdentityMissing, region + ": identity " + name + " does not exist"));
        }
    }

    private static void secondaryIdentity(
            Input in,
            String name,
            Answer<Identity> parent,
            Answer<Identity> a,
            List<Problem> problems,
            List<String> replicas) {
        String region = in.secondary();
        if (a instanceof Failed<Identity> f) {
            problems.add(failed(region, name, f));
            return;
        }
        if (a instanceof Found<Identity> found) {
            Identity i = found.value();
            if (!verified(i)) {
                Problem p = notVerified(region, name, i);
                boolean replica = SendingFacts.replicaOrigin(in.primary()).equals(i.signingOrigin());
                problems.add(
                        replica
                                ? new Problem(p.reason(), p.text() + " (a replica of " + in.primary() + "'s identity)")
                                : p);
            }
            return;
        }
        if (name.contains("@")) {
            problems.add(new Problem(
                    SendingReason.IdentityMissing,
                    region + ": identity " + name + " does not exist (an email address has no replicas:"
                            + " create and verify it in " + region + ")"));
            return;
        }
        String missing = region + ": domain " + name + " does not exist (no replica of " + in.primary() + "'s)";
        switch (in.replicas()) {
            case NOT_ASKED ->
                problems.add(new Problem(
                        SendingReason.ReplicaMissing,
                        missing + "; create it as a replica, or set spec.sending.createReplicas: true"));
            case NOT_ALLOWED ->
                problems.add(new Problem(
                        SendingReason.ReplicaMissing,
                        missing + "; this operator's administrator does not allow it to create replicas ("
                                + Setting.ALLOW_REPLICA_IDENTITIES.env + ")"));
            case ALLOWED -> {
                if (!(parent instanceof Found<Identity> pf)) {
                    // the primary region's own problem (missing, failed read) is reported for it already
                    problems.add(new Problem(
                            SendingReason.ReplicaMissing,
                            missing + "; no replica can be made before " + in.primary() + " has the domain"));
                } else if (!pf.value().isDomain()
                        || !"AWS_SES".equals(pf.value().signingOrigin())) {
                    problems.add(new Problem(
                            SendingReason.ParentNotEasyDkim,
                            missing + "; no replica is made: " + in.primary() + "'s " + name
                                    + " does not use Easy DKIM (DKIM signing origin "
                                    + pf.value().signingOrigin() + ")"));
                } else if (!verified(pf.value())) {
                    problems.add(new Problem(
                            SendingReason.ParentNotVerified,
                            missing + "; no replica is made before " + in.primary() + "'s " + name
                                    + " is verified (DKIM " + pf.value().dkimStatus() + ")"));
                } else {
                    replicas.add(name);
                    problems.add(new Problem(
                            SendingReason.ReplicaMissing,
                            missing + "; creating it as a replica of " + in.primary() + "'s"));
                }
            }
        }
    }

    /** Verified for sending; a domain also needs DKIM SUCCESS. */
    static boolean verified(Identity i) {
        return i.verifiedForSending() && (!i.isDomain() || "SUCCESS".equals(i.dkimStatus()));
    }

    private static Problem notVerified(String region, String name, Identity i) {
        return new Problem(
                SendingReason.IdentityNotVerified,
                region + ": identity " + name + " is not verified for sending"
                        + (i.isDomain() ? " (DKIM " + i.dkimStatus() + ")" : "")
                        + (i.verificationError() == null ? "" : " (" + i.verificationError() + ")"));
    }

    private static Problem failed(String region, String what, Failed<?> f) {
        return new Problem(
                SendingReason.CheckFailed,
                region + ": could not read " + what + " (" + f.failure().errorCode() + ")");
    }
}
