package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.aws.SendingFacts.Account;
import dev.mre.operator.aws.SendingFacts.Answer;
import dev.mre.operator.aws.SendingFacts.Failed;
import dev.mre.operator.aws.SendingFacts.Found;
import dev.mre.operator.aws.SendingFacts.Identity;
import dev.mre.operator.aws.SendingFacts.Missing;
import dev.mre.operator.aws.SesFailure;
import dev.mre.operator.reconcile.SendingDecision.At;
import dev.mre.operator.reconcile.SendingDecision.Replicas;
import dev.mre.operator.reconcile.SendingDecision.SendingReason;
import dev.mre.operator.reconcile.SendingDecision.Status;
import dev.mre.operator.reconcile.SendingDecision.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SendingReady decision as a table: what SES answered in both regions -> value, reason, message, replicas. */
class SendingDecisionTest {

    static final String P = "us-east-1";
    static final String S = "eu-west-1";
    static final String DOMAIN = "example.com";
    static final String EMAIL = "ops@example.org";

    static final Identity EASY_DKIM_VERIFIED = new Identity("DOMAIN", true, "SUCCESS", "AWS_SES", null);
    static final Identity EASY_DKIM_PENDING = new Identity("DOMAIN", false, "PENDING", "AWS_SES", null);
    static final Identity BYODKIM_VERIFIED = new Identity("DOMAIN", true, "SUCCESS", "EXTERNAL", null);
    static final Identity REPLICA_VERIFIED = new Identity("DOMAIN", true, "SUCCESS", "AWS_SES_US_EAST_1", null);
    static final Identity REPLICA_FAILED =
            new Identity("DOMAIN", false, "FAILED", "AWS_SES_US_EAST_1", "REPLICATION_ACCESS_DENIED");
    static final Identity EMAIL_VERIFIED = new Identity("EMAIL_ADDRESS", true, null, null, null);
    static final Identity EMAIL_PENDING = new Identity("EMAIL_ADDRESS", false, null, null, null);
    static final Account CAN_SEND = new Account(true, true, "HEALTHY");

    /** One row: the facts (starting from "all is well" for example.com and configuration set tx) and the verdict. */
    record Row(
            String name,
            Consumer<Facts> facts,
            Status status,
            SendingReason reason,
            String messagePart,
            List<String> replicas) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final class Facts {
        List<String> identities = List.of(DOMAIN);
        List<String> sets = List.of("tx");
        boolean ready = true;
        Replicas replicas = Replicas.NOT_ASKED;
        final Map<String, Answer<Account>> accounts = new HashMap<>(Map.of(P, found(CAN_SEND), S, found(CAN_SEND)));
        final Map<At, Answer<Identity>> ids = new HashMap<>(
                Map.of(new At(P, DOMAIN), found(EASY_DKIM_VERIFIED), new At(S, DOMAIN), found(REPLICA_VERIFIED)));
        final Map<At, Answer<Boolean>> sets0 =
                new HashMap<>(Map.of(new At(P, "tx"), found(true), new At(S, "tx"), found(true)));

        SendingDecision.Input input() {
            return new SendingDecision.Input(P, S, identities, sets, ready, replicas, accounts, ids, sets0);
        }
    }

    static <T> Answer<T> found(T v) {
        return new Found<>(v);
    }

    static <T> Answer<T> missing() {
        return new Missing<>();
    }

    static <T> Answer<T> failed(String code) {
        return new Failed<>(new SesFailure(SesFailure.Kind.ACCESS_DENIED, code, "no", null));
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row(
                        "all verified, replica of the primary",
                        f -> {},
                        Status.TRUE,
                        SendingReason.Ready,
                        "both regions (us-east-1, eu-west-1) can send from example.com with tx",
                        List.of()),
                new Row(
                        "secondary verified on its own (not a replica)",
                        f -> f.ids.put(new At(S, DOMAIN), found(EASY_DKIM_VERIFIED)),
                        Status.TRUE,
                        SendingReason.Ready,
                        "can send",
                        List.of()),
                new Row(
                        "no identities, no sets: only the account",
                        f -> {
                            f.identities = List.of();
                            f.sets = List.of();
                        },
                        Status.TRUE,
                        SendingReason.Ready,
                        "can send",
                        List.of()),
                new Row(
                        "endpoint not READY: nothing read",
                        f -> {
                            f.ready = false;
                            f.accounts.clear();
                            f.ids.clear();
                        },
                        Status.FALSE,
                        SendingReason.EndpointNotReady,
                        "not READY",
                        List.of()),
                new Row(
                        "primary identity missing",
                        f -> f.ids.put(new At(P, DOMAIN), missing()),
                        Status.FALSE,
                        SendingReason.IdentityMissing,
                        "us-east-1: identity example.com does not exist",
                        List.of()),
                new Row(
                        "primary domain DKIM pending",
                        f -> f.ids.put(new At(P, DOMAIN), found(EASY_DKIM_PENDING)),
                        Status.FALSE,
                        SendingReason.IdentityNotVerified,
                        "us-east-1: identity example.com is not verified for sending (DKIM PENDING)",
                        List.of()),
                new Row(
                        "verified for sending but DKIM not SUCCESS is not enough for a domain",
                        f -> f.ids.put(
                                new At(P, DOMAIN), found(new Identity("DOMAIN", true, "PENDING", "AWS_SES", null))),
                        Status.FALSE,
                        SendingReason.IdentityNotVerified,
                        "DKIM PENDING",
                        List.of()),
                new Row(
                        "secondary domain missing, replicas not asked",
                        f -> f.ids.put(new At(S, DOMAIN), missing()),
                        Status.FALSE,
                        SendingReason.ReplicaMissing,
                        "eu-west-1: domain example.com does not exist (no replica of us-east-1's); create it as a"
                                + " replica, or set spec.sending.createReplicas: true",
                        List.of()),
                new Row(
                        "secondary domain missing, asked but not allowed",
                        f -> {
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.NOT_ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.ReplicaMissing,
                        "SES_MRE_ALLOW_REPLICA_IDENTITIES",
                        List.of()),
                new Row(
                        "secondary domain missing, allowed, parent Easy DKIM and verified: create the replica",
                        f -> {
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.ReplicaMissing,
                        "creating it as a replica of us-east-1's",
                        List.of(DOMAIN)),
                new Row(
                        "allowed, parent BYODKIM: no call",
                        f -> {
                            f.ids.put(new At(P, DOMAIN), found(BYODKIM_VERIFIED));
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.ParentNotEasyDkim,
                        "does not use Easy DKIM (DKIM signing origin EXTERNAL)",
                        List.of()),
                new Row(
                        "allowed, parent itself a replica: no call",
                        f -> {
                            f.ids.put(
                                    new At(P, DOMAIN),
                                    found(new Identity("DOMAIN", true, "SUCCESS", "AWS_SES_EU_WEST_2", null)));
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.ParentNotEasyDkim,
                        "AWS_SES_EU_WEST_2",
                        List.of()),
                new Row(
                        "allowed, parent not verified: no call (the parent's reason first)",
                        f -> {
                            f.ids.put(new At(P, DOMAIN), found(EASY_DKIM_PENDING));
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.ParentNotVerified,
                        "is verified (DKIM PENDING)",
                        List.of()),
                new Row(
                        "allowed, parent missing: no call",
                        f -> {
                            f.ids.put(new At(P, DOMAIN), missing());
                            f.ids.put(new At(S, DOMAIN), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.IdentityMissing,
                        "no replica can be made",
                        List.of()),
                new Row(
                        "replica exists but replication failed",
                        f -> f.ids.put(new At(S, DOMAIN), found(REPLICA_FAILED)),
                        Status.FALSE,
                        SendingReason.IdentityNotVerified,
                        "eu-west-1: identity example.com is not verified for sending (DKIM FAILED)"
                                + " (REPLICATION_ACCESS_DENIED) (a replica of us-east-1's identity)",
                        List.of()),
                new Row(
                        "email address missing in the secondary: no replica for an address",
                        f -> {
                            f.identities = List.of(EMAIL);
                            f.ids.put(new At(P, EMAIL), found(EMAIL_VERIFIED));
                            f.ids.put(new At(S, EMAIL), missing());
                            f.replicas = Replicas.ALLOWED;
                        },
                        Status.FALSE,
                        SendingReason.IdentityMissing,
                        "an email address has no replicas",
                        List.of()),
                new Row(
                        "email address pending",
                        f -> {
                            f.identities = List.of(EMAIL);
                            f.ids.put(new At(P, EMAIL), found(EMAIL_VERIFIED));
                            f.ids.put(new At(S, EMAIL), found(EMAIL_PENDING));
                        },
                        Status.FALSE,
                        SendingReason.IdentityNotVerified,
                        "eu-west-1: identity ops@example.org is not verified for sending",
                        List.of()),
                new Row(
                        "configuration set missing in the secondary",
                        f -> f.sets0.put(new At(S, "tx"), missing()),
                        Status.FALSE,
                        SendingReason.ConfigurationSetMissing,
                        "eu-west-1: configuration set tx does not exist",
                        List.of()),
                new Row(
                        "sending paused in the secondary",
                        f -> f.accounts.put(S, found(new Account(false, true, "HEALTHY"))),
                        Status.FALSE,
                        SendingReason.SendingPaused,
                        "eu-west-1: sending is paused for the account (SendingEnabled false",
                        List.of()),
                new Row(
                        "account shut down in the primary",
                        f -> f.accounts.put(P, found(new Account(true, true, "SHUTDOWN"))),
                        Status.FALSE,
                        SendingReason.SendingPaused,
                        "EnforcementStatus SHUTDOWN",
                        List.of()),
                new Row(
                        "sandbox in the secondary",
                        f -> f.accounts.put(S, found(new Account(true, false, "HEALTHY"))),
                        Status.FALSE,
                        SendingReason.Sandbox,
                        "eu-west-1: the account is in the SES sandbox",
                        List.of()),
                new Row(
                        "paused wins over a missing set, both named",
                        f -> {
                            f.accounts.put(S, found(new Account(false, true, "HEALTHY")));
                            f.sets0.put(new At(P, "tx"), missing());
                        },
                        Status.FALSE,
                        SendingReason.SendingPaused,
                        "; us-east-1: configuration set tx does not exist",
                        List.of()),
                new Row(
                        "a read failed and nothing else is wrong: Unknown",
                        f -> f.ids.put(new At(S, DOMAIN), failed("AccessDenied")),
                        Status.UNKNOWN,
                        SendingReason.CheckFailed,
                        "eu-west-1: could not read example.com (AccessDenied)",
                        List.of()),
                new Row(
                        "a read failed and a set is missing: False for the set",
                        f -> {
                            f.ids.put(new At(S, DOMAIN), failed("AccessDenied"));
                            f.sets0.put(new At(P, "tx"), missing());
                        },
                        Status.FALSE,
                        SendingReason.ConfigurationSetMissing,
                        "could not read",
                        List.of()),
                new Row(
                        "many problems: five named, the rest counted",
                        f -> {
                            f.identities = List.of("a.com", "b.com", "c.com", "d.com", "e.com", "f.com");
                            for (String i : f.identities) {
                                f.ids.put(new At(P, i), missing());
                                f.ids.put(new At(S, i), found(REPLICA_VERIFIED));
                            }
                        },
                        Status.FALSE,
                        SendingReason.IdentityMissing,
                        "; and 1 more",
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void row(Row row) {
        Facts f = new Facts();
        row.facts().accept(f);
        Verdict v = SendingDecision.next(f.input());
        assertThat(v.status()).as("status").isEqualTo(row.status());
        assertThat(v.reason()).as("reason").isEqualTo(row.reason());
        assertThat(v.message()).as("message").contains(row.messagePart());
        assertThat(v.createReplicas()).as("replicas to create").isEqualTo(row.replicas());
    }
}
