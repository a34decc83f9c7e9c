package dev.mre.sesemulator;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The emulator's behaviour knobs. Live: a change takes effect for the next request.
 * Each field is volatile and read independently by request threads; use
 * {@link SesEmulator#updateSettings(java.util.function.Consumer)} to change several together
 * without interleaving with an admin-API update.
 * Setters return {@code this} and reject out-of-range values with {@link IllegalArgumentException}.
 */
public final class Settings {

    private volatile Duration createDelay = Duration.ofSeconds(2);
    private volatile Duration deleteDelay = Duration.ofSeconds(2);
    private volatile int quota = 100;
    private volatile double rateLimit = 0;
    private volatile int burst = 0;
    private volatile int defaultPageSize = 100;
    private volatile double errorRate500 = 0;
    private volatile double throttleRate = 0;
    private volatile double dropConnectionRate = 0;
    private volatile double dropResponseRate = 0;
    private volatile Duration latency = Duration.ZERO;
    private volatile double latencySpikeRate = 0;
    private volatile Duration latencySpike = Duration.ofSeconds(2);
    private volatile double failProvisioningRate = 0;
    private volatile Pattern failProvisioningNames = null;
    private volatile boolean concurrentModificationOnDeleteWhileCreating = true;
    private volatile Set<Operation> denyActions = Set.of();
    private volatile Set<Operation> faultOperations = Set.of();
    private volatile Duration clockSkew = Duration.ofMinutes(15);
    private volatile Long seed = null;
    private volatile Duration visibilityDelay = Duration.ZERO;
    private volatile Duration sessionDuration = Duration.ZERO;
    private volatile boolean resourceTagsOnTagActions = true;
    // copy-on-write maps: readers see one consistent map, writers replace it
    private volatile Map<String, AccountLimits> accounts = Map.of();
    private volatile Map<String, Role> roles = Map.of();
    private volatile Map<String, IamPolicy> policies = Map.of();

    /** A user or role ARN, any partition: a policy can be attached to it. */
    private static final Pattern POLICY_PRINCIPAL = Pattern.compile("^arn:[a-z-]+:iam::(\\d{12}):((?:user|role)/.+)$");

    // Faults and endpoint ids draw from separate generators so that enabling a fault does not change the ids.
    private volatile Random faultRandom = new Random(ThreadLocalRandom.current().nextLong());
    private volatile Random idRandom = new Random(ThreadLocalRandom.current().nextLong());

    /** How long a new endpoint stays CREATING (0 = READY on the next read). Applies to endpoints created afterwards. */
    public Duration createDelay() {
        return createDelay;
    }

    public Settings createDelay(Duration value) {
        this.createDelay = nonNegative("createDelay", value);
        return this;
    }

    /** How long a deleted endpoint stays DELETING before Get answers NotFound. */
    public Duration deleteDelay() {
        return deleteDelay;
    }

    public Settings deleteDelay(Duration value) {
        this.deleteDelay = nonNegative("deleteDelay", value);
        return this;
    }

    /** Endpoints per account and region (any status, DELETING included); one more answers LimitExceededException. */
    public int quota() {
        return quota;
    }

    public Settings quota(int value) {
        this.quota = atLeast("quota", value, 0);
        return this;
    }

    /** SES requests per second per account and region (token bucket refill rate); 0 = unlimited. */
    public double rateLimit() {
        return rateLimit;
    }

    public Settings rateLimit(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("rateLimit must be >= 0 (0 = unlimited): " + value);
        }
        this.rateLimit = value;
        return this;
    }

    /** Token bucket size; 0 = the rate limit rounded up (at least 1). */
    public int burst() {
        return burst;
    }

    public Settings burst(int value) {
        this.burst = atLeast("burst", value, 0);
        return this;
    }

    /** The bucket size actually used for a rate limit > 0. */
    public int effectiveBurst() {
        return burst > 0 ? burst : (int) Math.max(1, Math.ceil(rateLimit));
    }

    /** ListMultiRegionEndpoints page size when the request has no PageSize (not documented by AWS). */
    public int defaultPageSize() {
        return defaultPageSize;
    }

    public Settings defaultPageSize(int value) {
        if (value < 1 || value > 1000) {
            throw new IllegalArgumentException("defaultPageSize must be 1..1000: " + value);
        }
        this.defaultPageSize = value;
        return this;
    }

    /** Probability of answering 500 InternalServiceErrorException instead of doing the operation. */
    public double errorRate500() {
        return errorRate500;
    }

    public Settings errorRate500(double value) {
        this.errorRate500 = probability("errorRate500", value);
        return this;
    }

    /** Probability of answering 429 TooManyRequestsException regardless of the token bucket. */
    public double throttleRate() {
        return throttleRate;
    }

    public Settings throttleRate(double value) {
        this.throttleRate = probability("throttleRate", value);
        return this;
    }

    /** Probability of closing the connection without a response, before doing the operation. */
    public double dropConnectionRate() {
        return dropConnectionRate;
    }

    public Settings dropConnectionRate(double value) {
        this.dropConnectionRate = probability("dropConnectionRate", value);
        return this;
    }

    /** Probability of doing the operation and then closing the connection without a response (a lost answer). */
    public double dropResponseRate() {
        return dropResponseRate;
    }

    public Settings dropResponseRate(double value) {
        this.dropResponseRate = probability("dropResponseRate", value);
        return this;
    }

    /** Added to every faulted request before it is processed. */
    public Duration latency() {
        return latency;
    }

    public Settings latency(Duration value) {
        this.latency = nonNegative("latency", value);
        return this;
    }

    /** Probability that a request additionally waits {@link #latencySpike()}. */
    public double latencySpikeRate() {
        return latencySpikeRate;
    }

    public Settings latencySpikeRate(double value) {
        this.latencySpikeRate = probability("latencySpikeRate", value);
        return this;
    }

    public Duration latencySpike() {
        return latencySpike;
    }

    public Settings latencySpike(Duration value) {
        this.latencySpike = nonNegative("latencySpike", value);
        return this;
    }

    /** Probability that a new endpoint ends in FAILED instead of READY (decided at Create). */
    public double failProvisioningRate() {
        return failProvisioningRate;
    }

    public Settings failProvisioningRate(double value) {
        this.failProvisioningRate = probability("failProvisioningRate", value);
        return this;
    }

    /** Endpoints whose name contains a match of this regex end in FAILED; null = none. */
    public Pattern failProvisioningNames() {
        return failProvisioningNames;
    }

    public Settings failProvisioningNames(String regex) {
        this.failProvisioningNames = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        return this;
    }

    /** Delete of a CREATING endpoint answers 500 ConcurrentModificationException (as reported for real SES). */
    public boolean concurrentModificationOnDeleteWhileCreating() {
        return concurrentModificationOnDeleteWhileCreating;
    }

    public Settings concurrentModificationOnDeleteWhileCreating(boolean value) {
        this.concurrentModificationOnDeleteWhileCreating = value;
        return this;
    }

    /** SES operations answered with 403 AccessDeniedException, to emulate a missing IAM permission. */
    public Set<Operation> denyActions() {
        return denyActions;
    }

    public Settings denyActions(Set<Operation> value) {
        this.denyActions = Set.copyOf(value);
        return this;
    }

    /** Operations the faults and latency apply to; empty = every SES operation (STS only when listed here). */
    public Set<Operation> faultOperations() {
        return faultOperations;
    }

    public Settings faultOperations(Set<Operation> value) {
        this.faultOperations = Set.copyOf(value);
        return this;
    }

    /** Maximum distance between X-Amz-Date and the system clock; 0 = not checked. */
    public Duration clockSkew() {
        return clockSkew;
    }

    public Settings clockSkew(Duration value) {
        this.clockSkew = nonNegative("clockSkew", value);
        return this;
    }

    /** The seed of the fault and id generators, null when seeded randomly. Setting it restarts both sequences. */
    public Long seed() {
        return seed;
    }

    public Settings seed(Long value) {
        this.seed = value;
        long base = value == null ? ThreadLocalRandom.current().nextLong() : value;
        this.faultRandom = new Random(base);
        this.idRandom = new Random(base ^ 0x5DEECE66DL);
        return this;
    }

    /**
     * How long a new endpoint stays missing from ListMultiRegionEndpoints and GetMultiRegionEndpoint after Create
     * answered (eventual consistency; on the injected clock). The name is taken at once: a second Create answers
     * AlreadyExistsException meanwhile. 0 = visible at once. Fixed per endpoint at Create.
     */
    public Duration visibilityDelay() {
        return visibilityDelay;
    }

    public Settings visibilityDelay(Duration value) {
        this.visibilityDelay = nonNegative("visibilityDelay", value);
        return this;
    }

    /**
     * When above 0, every AssumeRole session lasts exactly this long (real clock) whatever DurationSeconds asked,
     * so that tests can prove credential refresh with sessions shorter than STS's 900 s minimum. 0 = as requested.
     */
    public Duration sessionDuration() {
        return sessionDuration;
    }

    public Settings sessionDuration(Duration value) {
        this.sessionDuration = nonNegative("sessionDuration", value);
        return this;
    }

    /**
     * Whether TagResource, UntagResource and ListTagsForResource see the endpoint's tags as {@code aws:ResourceTag/<key>}
     * (default true). The Service Authorization Reference lists aws:ResourceTag only for Get and Delete of a
     * multi-region endpoint; false evaluates the three tagging actions without it, to check that a policy also
     * works if SES does not supply the key there.
     */
    public boolean resourceTagsOnTagActions() {
        return resourceTagsOnTagActions;
    }

    public Settings resourceTagsOnTagActions(boolean value) {
        this.resourceTagsOnTagActions = value;
        return this;
    }

    /** Per-account overrides of quota, rateLimit and burst, by 12-digit account id. */
    public Map<String, AccountLimits> accounts() {
        return accounts;
    }

    /** Replaces every per-account override. */
    public Settings accounts(Map<String, AccountLimits> value) {
        Map<String, AccountLimits> copy = new TreeMap<>();
        value.forEach((account, limits) ->
                copy.put(accountId(account), Objects.requireNonNull(limits, "limits of " + account)));
        this.accounts = Collections.unmodifiableMap(copy);
        return this;
    }

    /** Sets (or with null removes) the overrides of one account. */
    public synchronized Settings account(String accountId, AccountLimits limits) {
        Map<String, AccountLimits> copy = new TreeMap<>(accounts);
        if (limits == null) {
            copy.remove(accountId);
        } else {
            copy.put(accountId(accountId), limits);
        }
        this.accounts = Collections.unmodifiableMap(copy);
        return this;
    }

    /** The endpoint quota of an account: its override, else {@link #quota()}. */
    public int quotaFor(String accountId) {
        AccountLimits limits = accounts.get(accountId);
        return limits != null && limits.quota() != null ? limits.quota() : quota;
    }

    /** The SES request rate of an account (per region): its override, else {@link #rateLimit()}. */
    public double rateLimitFor(String accountId) {
        AccountLimits limits = accounts.get(accountId);
        return limits != null && limits.rateLimit() != null ? limits.rateLimit() : rateLimit;
    }

    /** The bucket size used for an account: its burst override, else the global burst; 0 = its rate rounded up. */
    public int effectiveBurstFor(String accountId) {
        AccountLimits limits = accounts.get(accountId);
        int b = limits != null && limits.burst() != null ? limits.burst() : burst;
        return b > 0 ? b : (int) Math.max(1, Math.ceil(rateLimitFor(accountId)));
    }

    /** The IAM roles AssumeRole knows, by ARN. */
    public Map<String, Role> roles() {
        return roles;
    }

    /** Replaces every role. */
    public Settings roles(Map<String, Role> value) {
        Map<String, Role> copy = new TreeMap<>();
        value.forEach((arn, role) -> {
            if (!role.arn().equals(arn)) {
                throw new IllegalArgumentException("role listed as " + arn + " has the ARN " + role.arn());
            }
            copy.put(arn, role);
        });
        this.roles = Collections.unmodifiableMap(copy);
        return this;
    }

    /** Adds a role or replaces the one with the same ARN (live: the next AssumeRole sees it). */
    public synchronized Settings role(Role role) {
        Map<String, Role> copy = new TreeMap<>(roles);
        copy.put(role.arn(), role);
        this.roles = Collections.unmodifiableMap(copy);
        return this;
    }

    /** Forgets a role; sessions already issued stay valid until they expire. */
    public synchronized Settings removeRole(String roleArn) {
        Map<String, Role> copy = new TreeMap<>(roles);
        copy.remove(roleArn);
        this.roles = Collections.unmodifiableMap(copy);
        return this;
    }

    /**
     * Identity-based policies by principal ARN: an IAM user ({@code arn:aws:iam::<acct>:user/<name>}) or an IAM role
     * ({@code arn:aws:iam::<acct>:role/<name>}, applies to every session of the role). A principal without a policy
     * may do everything (except {@link #denyActions()}).
     */
    public Map<String, IamPolicy> policies() {
        return policies;
    }

    /** Replaces every policy. */
    public Settings policies(Map<String, IamPolicy> value) {
        Map<String, IamPolicy> copy = new LinkedHashMap<>();
        value.forEach((principal, policy) ->
                copy.put(policyPrincipal(principal), Objects.requireNonNull(policy, "policy of " + principal)));
        this.policies = Collections.unmodifiableMap(copy);
        return this;
    }

    /** Attaches a policy to a user or role ARN (replacing its previous one); null detaches it. */
    public synchronized Settings policy(String principalArn, IamPolicy policy) {
        Map<String, IamPolicy> copy = new LinkedHashMap<>(policies);
        if (policy == null) {
            copy.remove(principalArn);
        } else {
            copy.put(policyPrincipal(principalArn), policy);
        }
        this.policies = Collections.unmodifiableMap(copy);
        return this;
    }

    /** Attaches a policy given as JSON text; a bad document is refused with the statement and the problem named. */
    public Settings policy(String principalArn, String policyJson) {
        return policy(principalArn, policyJson == null ? null : IamPolicy.parse(policyJson));
    }

    /** The policy of a user or role, whatever partition its ARN was written with; null when none is attached. */
    IamPolicy policyFor(String identityArn) {
        String wanted = withoutPartition(identityArn);
        for (Map.Entry<String, IamPolicy> e : policies.entrySet()) {
            if (withoutPartition(e.getKey()).equals(wanted)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String withoutPartition(String arn) {
        Matcher m = POLICY_PRINCIPAL.matcher(arn);
        return m.matches() ? m.group(1) + ":" + m.group(2) : arn;
    }

    static String policyPrincipal(String arn) {
        if (arn == null || !POLICY_PRINCIPAL.matcher(arn).matches()) {
            throw new IllegalArgumentException(
                    "a policy attaches to an IAM user ARN (arn:aws:iam::123456789012:user/NAME) or role ARN"
                            + " (arn:aws:iam::123456789012:role/NAME), not '" + arn + "'");
        }
        return arn;
    }

    private static String accountId(String id) {
        if (id == null || !id.matches("\\d{12}")) {
            throw new IllegalArgumentException("account id must be 12 digits: " + id);
        }
        return id;
    }

    /** True when a fault applies to this operation. */
    boolean faultsApplyTo(Operation operation) {
        Set<Operation> ops = faultOperations;
        return ops.isEmpty()
                ? operation.service() == Operation.Service.SES && operation != Operation.UNKNOWN
                : ops.contains(operation);
    }

    /** One draw against a probability; draws only when the probability is between 0 and 1 so unused faults do not consume the sequence. */
    boolean chance(double probability) {
        if (probability <= 0) {
            return false;
        }
        if (probability >= 1) {
            return true;
        }
        return faultRandom.nextDouble() < probability;
    }

    Random idRandom() {
        return idRandom;
    }

    /** A detached copy, e.g. to apply a partial update atomically or to remember the start-up values. */
    public Settings copy() {
        Settings c = new Settings();
        c.assign(this);
        return c;
    }

    /** Takes every value of {@code other}; the random generators are shared state and are only re-created for a new seed. */
    synchronized void assign(Settings other) {
        createDelay = other.createDelay;
        deleteDelay = other.deleteDelay;
        quota = other.quota;
        rateLimit = other.rateLimit;
        burst = other.burst;
        defaultPageSize = other.defaultPageSize;
        errorRate500 = other.errorRate500;
        throttleRate = other.throttleRate;
        dropConnectionRate = other.dropConnectionRate;
        dropResponseRate = other.dropResponseRate;
        latency = other.latency;
        latencySpikeRate = other.latencySpikeRate;
        latencySpike = other.latencySpike;
        failProvisioningRate = other.failProvisioningRate;
        failProvisioningNames = other.failProvisioningNames;
        concurrentModificationOnDeleteWhileCreating = other.concurrentModificationOnDeleteWhileCreating;
        denyActions = other.denyActions;
        faultOperations = other.faultOperations;
        clockSkew = other.clockSkew;
        visibilityDelay = other.visibilityDelay;
        sessionDuration = other.sessionDuration;
        resourceTagsOnTagActions = other.resourceTagsOnTagActions;
        accounts = other.accounts;
        roles = other.roles;
        policies = other.policies;
        if (!Objects.equals(seed, other.seed)) {
            seed(other.seed);
        }
    }

    @Override
    public String toString() {
        return SettingsCodec.toJson(this).toString();
    }

    static String operationNames(Set<Operation> ops) {
        return ops.stream().map(Operation::wireName).sorted().collect(Collectors.joining(","));
    }

    private static Duration nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    private static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
        }
        return value;
    }

    private static double probability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability between 0 and 1: " + value);
        }
        return value;
    }
}
