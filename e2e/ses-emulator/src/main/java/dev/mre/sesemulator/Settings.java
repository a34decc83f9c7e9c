package dev.mre.sesemulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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

    /** True when a fault applies to this operation. */
    boolean faultsApplyTo(Operation operation) {
        Set<Operation> ops = faultOperations;
        return ops.isEmpty() ? operation.service() == Operation.Service.SES && operation != Operation.UNKNOWN : ops.contains(operation);
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
