package dev.mre.operator.aws;

import dev.mre.operator.aws.SendingFacts.Account;
import dev.mre.operator.aws.SendingFacts.Answer;
import dev.mre.operator.aws.SendingFacts.Failed;
import dev.mre.operator.aws.SendingFacts.Found;
import dev.mre.operator.aws.SendingFacts.Identity;
import dev.mre.operator.aws.SendingFacts.Missing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * SES's answers about sending (GetEmailIdentity, GetAccount, GetConfigurationSet), shared by every object: one
 * answer per (account, region, identity), per (account, region) and per (account, region, configuration set), kept
 * for {@code period} (the tag-resync period) from the moment it was read. A thousand objects naming the same ten
 * identities cost 10 GetEmailIdentity and 1 GetAccount per region and period, not a thousand of anything. Objects
 * asking for the same answer at the same time wait for one call. A failed read is shared with whoever waited for
 * it but not kept: the next asker reads again. Every read goes through {@link SesGateway}, paced there per account
 * and region like every other SES call.
 *
 * <p>A read can be asked to be no older than an instant (the refresh annotation: answers read after the user asked).
 * A replica this operator just created is read again every {@code replicaPoll} until SES reports it verified (SES
 * gives no figure for how long replication takes), for at most {@link #REPLICA_WATCH}.
 */
public final class SendingCache {

    /** How long a replica just created is watched at the short interval. */
    static final Duration REPLICA_WATCH = Duration.ofHours(1);

    enum Kind {
        IDENTITY,
        ACCOUNT,
        CONFIGURATION_SET
    }

    /** What one answer is about; names are case-insensitive in SES. */
    record Key(String account, String region, Kind kind, String name) {
        static Key of(String account, String region, Kind kind, String name) {
            return new Key(account, region, kind, name == null ? "" : name.toLowerCase(Locale.ROOT));
        }
    }

    private record Entry(Answer<?> answer, Instant read) {}

    private final SesGateway ses;
    private final Clock clock;
    private final Duration period;
    private final Duration replicaPoll;
    private final Map<Key, CompletableFuture<Entry>> answers = new ConcurrentHashMap<>();
    /** Replicas created by this operator, until verified or {@link #REPLICA_WATCH} has passed. */
    private final Map<Key, Instant> watchedReplicas = new ConcurrentHashMap<>();

    public SendingCache(SesGateway ses, Clock clock, Duration period, Duration replicaPoll) {
        this.ses = ses;
        this.clock = clock;
        this.period = period;
        this.replicaPoll = replicaPoll;
    }

    /** GetEmailIdentity of {@code name} in {@code region}, read no earlier than {@code notBefore} (null: any). */
    public Answer<Identity> identity(AwsIdentity as, String account, String region, String name, Instant notBefore) {
        Key key = Key.of(account, region, Kind.IDENTITY, name);
        Answer<Identity> a = get(
                key,
                notBefore,
                () -> ses.emailIdentity(as, region, name)
                        .<Answer<Identity>>map(Found::new)
                        .orElseGet(Missing::new));
        if (a instanceof Found<Identity> f && verified(f.value())) {
            watchedReplicas.remove(key);
        }
        return a;
    }

    /** GetAccount in {@code region}. */
    public Answer<Account> account(AwsIdentity as, String account, String region, Instant notBefore) {
        return get(
                Key.of(account, region, Kind.ACCOUNT, null),
                notBefore,
                () -> new Found<>(ses.sendingAccount(as, region)));
    }

    /** GetConfigurationSet of {@code name} in {@code region}: Found(true) or Missing. */
    public Answer<Boolean> configurationSet(
            AwsIdentity as, String account, String region, String name, Instant notBefore) {
        return get(
                Key.of(account, region, Kind.CONFIGURATION_SET, name),
                notBefore,
                () -> ses.configurationSetExists(as, region, name) ? new Found<>(true) : new Missing<>());
    }

    /**
     * CreateEmailIdentity of a DEED replica; the answer for it is dropped so the next read sees the replica, and it
     * is read every {@code replicaPoll} until verified. AlreadyExists (another object or cluster was first) counts as
     * done.
     */
    public void createReplica(
            AwsIdentity as,
            String account,
            String region,
            String domain,
            String parentRegion,
            Map<String, String> tags) {
        Key key = Key.of(account, region, Kind.IDENTITY, domain);
        try {
            ses.createReplicaIdentity(as, region, domain, parentRegion, tags);
        } catch (SesFailure f) {
            if (f.kind() != SesFailure.Kind.ALREADY_EXISTS) {
                throw f;
            }
        }
        answers.remove(key);
        watchedReplicas.put(key, clock.instant());
    }

    /** Whether an identity in {@code region} is a replica this operator created and is still waiting for. */
    public boolean watching(String account, String region, String name) {
        Key key = Key.of(account, region, Kind.IDENTITY, name);
        Instant since = watchedReplicas.get(key);
        if (since != null && clock.instant().isAfter(since.plus(REPLICA_WATCH))) {
            watchedReplicas.remove(key, since);
            return false;
        }
        return since != null;
    }

    public Duration replicaPoll() {
        return replicaPoll;
    }

    /** Answers kept now (for tests and the metrics). */
    public int size() {
        return answers.size();
    }

    static boolean verified(Identity i) {
        return i.verifiedForSending() && (!i.isDomain() || "SUCCESS".equals(i.dkimStatus()));
    }

    @SuppressWarnings("unchecked")
    private <T> Answer<T> get(Key key, Instant notBefore, Supplier<Answer<T>> read) {
        while (true) {
            CompletableFuture<Entry> known = answers.get(key);
            if (known != null) {
                if (!known.isDone()) {
                    return (Answer<T>) known.join().answer();
                }
                Entry e = known.join();
                if (fresh(key, e, notBefore)) {
                    return (Answer<T>) e.answer();
                }
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            boolean won = known == null ? answers.putIfAbsent(key, mine) == null : answers.replace(key, known, mine);
            if (!won) {
                continue;
            }
            Instant at = clock.instant();
            Answer<T> answer;
            try {
                answer = read.get();
            } catch (SesFailure f) {
                answer = new Failed<>(f);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                answers.remove(key, mine);
                throw e;
            }
            mine.complete(new Entry(answer, at));
            if (answer instanceof Failed<T>) {
                answers.remove(key, mine);
            } else {
                forgetOld(at);
            }
            return answer;
        }
    }

    private boolean fresh(Key key, Entry e, Instant notBefore) {
        if (notBefore != null && e.read().isBefore(notBefore)) {
            return false;
        }
        Duration life =
                key.kind() == Kind.IDENTITY && watching(key.account(), key.region(), key.name()) ? replicaPoll : period;
        return clock.instant().isBefore(e.read().plus(life));
    }

    /** Drops answers nobody asked for in two periods (identities no spec names any more). */
    private void forgetOld(Instant now) {
        Instant cutoff = now.minus(period.multipliedBy(2));
        answers.entrySet().removeIf(en -> {
            CompletableFuture<Entry> f = en.getValue();
            return f.isDone()
                    && Optional.ofNullable(f.getNow(null))
                            .map(x -> x.read().isBefore(cutoff))
                            .orElse(false);
        });
    }
}
