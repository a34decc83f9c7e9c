package dev.mre.sesemulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Email identities, configuration sets, per-region account sending state and accepted messages, per (account,
 * region) as SES keeps them. One lock for all of it: a replica's status depends on its parent in another region.
 *
 * <p>A replica (Deterministic Easy DKIM) has no verification of its own: it shows its parent's current status,
 * because the parent's DNS records verify it; a replication failure decided at creation (missing parent, BYODKIM
 * parent, replica as parent, same region, no replication permission) shows as FAILED with that ErrorType.
 * An admin override ({@link #setStatus}) replaces either (e.g. to model replication still in progress).
 */
final class MailStore {

    static final int MAX_MESSAGES = 10_000;

    /** Mutable identity; only touched under the store's lock. */
    private static final class Identity {
        final String name;
        final String type;
        /** AWS_SES, EXTERNAL or AWS_SES_<REGION> */
        final String origin;

        final String parentRegion;
        final String replicationError;
        final List<String> tokens;
        final Map<String, String> tags;
        final Instant created;
        final String configurationSetName;
        String status;
        /** Set by the admin API on a replica; null = follow the parent. */
        String statusOverride;

        Identity(
                String name,
                String type,
                String origin,
                String parentRegion,
                String replicationError,
                List<String> tokens,
                Map<String, String> tags,
                Instant created,
                String configurationSetName) {
            this.name = name;
            this.type = type;
            this.origin = origin;
            this.parentRegion = parentRegion;
            this.replicationError = replicationError;
            this.tokens = tokens;
            this.tags = new LinkedHashMap<>(tags);
            this.created = created;
            this.configurationSetName = configurationSetName;
            this.status = type.equals("DOMAIN") || type.equals("EMAIL_ADDRESS") ? "PENDING" : "NOT_STARTED";
        }

        boolean replica() {
            return parentRegion != null;
        }
    }

    private static final class ConfigurationSet {
        final String name;
        final Map<String, String> tags;
        final Instant created;

        ConfigurationSet(String name, Map<String, String> tags, Instant created) {
            this.name = name;
            this.tags = new LinkedHashMap<>(tags);
            this.created = created;
        }
    }

    private static final class Region {
        final TreeMap<String, Identity> identities = new TreeMap<>();
        final TreeMap<String, ConfigurationSet> configurationSets = new TreeMap<>();
        AccountSending account = AccountSending.defaults();
    }

    private final Map<EndpointStore.Scope, Region> regions = new ConcurrentHashMap<>();
    private final Deque<SentMessage> messages = new ArrayDeque<>();
    private final Set<String> unavailableRegions = ConcurrentHashMap.newKeySet();

    /** Identity names are case-insensitive in SES; the first spelling is kept. */
    static String key(String identity) {
        return identity.toLowerCase(Locale.ROOT);
    }

    // ---- identities

    synchronized boolean identityExists(EndpointStore.Scope scope, String name) {
        return region(scope).identities.containsKey(key(name));
    }

    synchronized int identityCount(EndpointStore.Scope scope) {
        return region(scope).identities.size();
    }

    /** What a replica of {@code name} in {@code scope} with its parent in {@code parentRegion} is refused for, or null. */
    synchronized String replicationProblem(EndpointStore.Scope scope, String name, String parentRegion) {
        if (parentRegion.equals(scope.region())) {
            return "REPLICATION_PRIMARY_INVALID_REGION";
        }
        Identity parent = region(new EndpointStore.Scope(scope.accountId(), parentRegion))
                .identities
                .get(key(name));
        if (parent == null || !parent.type.equals("DOMAIN")) {
            return "REPLICATION_PRIMARY_NOT_FOUND";
        }
        if (parent.origin.equals("EXTERNAL")) {
            return "REPLICATION_PRIMARY_BYO_DKIM_NOT_SUPPORTED";
        }
        if (parent.replica()) {
            return "REPLICATION_REPLICA_AS_PRIMARY_NOT_SUPPORTED";
        }
        return null;
    }

    synchronized IdentityView createIdentity(
            EndpointStore.Scope scope,
            String name,
            String type,
            String origin,
            String parentRegion,
            String replicationError,
            Map<String, String> tags,
            String configurationSetName,
            Instant now,
            Random random) {
        Region r = region(scope);
        if (r.identities.containsKey(key(name))) {
            throw SesErrors.alreadyExists("Email identity " + name + " already exists.");
        }
        List<String> tokens = List.of();
        if (type.equals("DOMAIN")) {
            if (parentRegion != null) {
                // a replica shares its parent's DNS records (none when the parent is missing)
                Identity parent = region(new EndpointStore.Scope(scope.accountId(), parentRegion))
                        .identities
                        .get(key(name));
                tokens = replicationError == null && parent != null ? parent.tokens : List.of();
            } else if (origin.equals("AWS_SES")) {
                tokens = List.of(token(random), token(random), token(random));
            }
        }
        Identity identity = new Identity(
                name, type, origin, parentRegion, replicationError, tokens, tags, now, configurationSetName);
        r.identities.put(key(name), identity);
        return view(scope, identity);
    }

    synchronized Optional<IdentityView> identity(EndpointStore.Scope scope, String name) {
        Identity identity = region(scope).identities.get(key(name));
        return Optional.ofNullable(identity).map(i -> view(scope, i));
    }

    /** Deletes an identity; a parent that still has replicas is refused (AWS documents the rule, not the error). */
    synchronized void deleteIdentity(EndpointStore.Scope scope, String name) {
        Region r = region(scope);
        Identity identity = r.identities.get(key(name));
        if (identity == null) {
            throw identityNotFound(name);
        }
        List<String> replicaRegions = new ArrayList<>();
        regions.forEach((s, other) -> {
            Identity candidate = other.identities.get(key(name));
            if (s.accountId().equals(scope.accountId())
                    && candidate != null
                    && scope.region().equals(candidate.parentRegion)) {
                replicaRegions.add(s.region());
            }
        });
        if (!replicaRegions.isEmpty()) {
            throw SesErrors.badRequest("Email identity " + name + " is the parent of replicas in "
                    + String.join(", ", replicaRegions.stream().sorted().toList())
                    + "; delete the replicas first.");
        }
        r.identities.remove(key(name));
    }

    synchronized List<IdentityView> identities(
            EndpointStore.Scope scope, String afterKey, int limit, java.util.function.Predicate<IdentityView> filter) {
        Region r = region(scope);
        Collection<Identity> rest = afterKey == null
                ? r.identities.values()
                : r.identities.tailMap(afterKey, false).values();
        return rest.stream()
                .map(i -> view(scope, i))
                .filter(filter)
                .limit(limit)
                .toList();
    }

    /** Every identity of every account and region, ordered by account, region, name. */
    synchronized List<IdentityView> allIdentities() {
        List<IdentityView> all = new ArrayList<>();
        regions.forEach((scope, r) -> r.identities.values().forEach(i -> all.add(view(scope, i))));
        all.sort(java.util.Comparator.comparing(IdentityView::accountId)
                .thenComparing(IdentityView::region)
                .thenComparing(v -> key(v.identityName())));
        return all;
    }

    /** Admin: sets the verification status (DNS is not modeled). On a replica it overrides following the parent. */
    synchronized IdentityView setStatus(EndpointStore.Scope scope, String name, String status) {
        Identity identity = region(scope).identities.get(key(name));
        if (identity == null) {
            throw new IllegalArgumentException(
                    "no identity " + name + " in account " + scope.accountId() + ", region " + scope.region());
        }
        if (identity.replica()) {
            identity.statusOverride = status;
        } else {
            identity.status = status;
        }
        return view(scope, identity);
    }

    synchronized Map<String, String> identityTags(EndpointStore.Scope scope, String name) {
        return new LinkedHashMap<>(existingIdentity(scope, name).tags);
    }

    synchronized void tagIdentity(EndpointStore.Scope scope, String name, Map<String, String> tags, int maxTags) {
        Identity identity = existingIdentity(scope, name);
        putTags(identity.tags, tags, maxTags);
    }

    synchronized void untagIdentity(EndpointStore.Scope scope, String name, Collection<String> keys) {
        existingIdentity(scope, name).tags.keySet().removeAll(keys);
    }

    /**
     * The identity that verifies {@code address} for sending, or null: the address itself, else its domain, else
     * the nearest parent domain (SES lets a verified domain send for its subdomains).
     */
    synchronized IdentityView sendingIdentity(EndpointStore.Scope scope, String address) {
        Region r = region(scope);
        String lower = key(address);
        Identity exact = r.identities.get(lower);
        if (exact != null) {
            return view(scope, exact);
        }
        int at = lower.lastIndexOf('@');
        String domain = at >= 0 ? lower.substring(at + 1) : lower;
        while (!domain.isEmpty()) {
            Identity candidate = r.identities.get(domain);
            if (candidate != null && candidate.type.equals("DOMAIN")) {
                return view(scope, candidate);
            }
            int dot = domain.indexOf('.');
            domain = dot < 0 ? "" : domain.substring(dot + 1);
        }
        return null;
    }

    private IdentityView view(EndpointStore.Scope scope, Identity i) {
        String status = i.status;
        String error = i.replicationError;
        if (i.replica()) {
            if (i.statusOverride != null) {
                status = i.statusOverride;
            } else if (error != null) {
                status = "FAILED";
            } else {
                Identity parent = region(new EndpointStore.Scope(scope.accountId(), i.parentRegion))
                        .identities
                        .get(key(i.name));
                if (parent == null) {
                    status = "FAILED";
                    error = "REPLICATION_PRIMARY_NOT_FOUND";
                } else {
                    status = parent.status;
                }
            }
        }
        boolean domain = i.type.equals("DOMAIN");
        String dkimStatus = domain ? status : "NOT_STARTED";
        return new IdentityView(
                scope.accountId(),
                scope.region(),
                i.name,
                i.type,
                status,
                "SUCCESS".equals(status),
                dkimStatus,
                i.origin,
                i.parentRegion,
                error,
                i.tokens,
                Map.copyOf(i.tags),
                i.configurationSetName,
                i.created,
                identityArn(scope, i.name));
    }

    static String identityArn(EndpointStore.Scope scope, String name) {
        return "arn:" + Regions.partition(scope.region()) + ":ses:" + scope.region() + ":" + scope.accountId()
                + ":identity/" + name;
    }

    static String configurationSetArn(EndpointStore.Scope scope, String name) {
        return "arn:" + Regions.partition(scope.region()) + ":ses:" + scope.region() + ":" + scope.accountId()
                + ":configuration-set/" + name;
    }

    private Identity existingIdentity(EndpointStore.Scope scope, String name) {
        Identity identity = region(scope).identities.get(key(name));
        if (identity == null) {
            throw identityNotFound(name);
        }
        return identity;
    }

    static ApiException identityNotFound(String name) {
        return SesErrors.notFound("Email identity " + name + " does not exist.");
    }

    // ---- configuration sets

    synchronized void createConfigurationSet(
            EndpointStore.Scope scope, String name, Map<String, String> tags, Instant now, int quota) {
        Region r = region(scope);
        if (r.configurationSets.containsKey(name)) {
            throw SesErrors.alreadyExists("Configuration set <" + name + "> already exists.");
        }
        if (r.configurationSets.size() >= quota) {
            throw SesErrors.limitExceeded("Maximum number of configuration sets (" + quota + ") reached.");
        }
        r.configurationSets.put(name, new ConfigurationSet(name, tags, now));
    }

    synchronized boolean configurationSetExists(EndpointStore.Scope scope, String name) {
        return region(scope).configurationSets.containsKey(name);
    }

    synchronized Map<String, String> configurationSetTags(EndpointStore.Scope scope, String name) {
        return new LinkedHashMap<>(existingSet(scope, name).tags);
    }

    synchronized void tagConfigurationSet(EndpointStore.Scope scope, String name, Map<String, String> tags, int max) {
        putTags(existingSet(scope, name).tags, tags, max);
    }

    synchronized void untagConfigurationSet(EndpointStore.Scope scope, String name, Collection<String> keys) {
        existingSet(scope, name).tags.keySet().removeAll(keys);
    }

    synchronized void deleteConfigurationSet(EndpointStore.Scope scope, String name) {
        if (region(scope).configurationSets.remove(name) == null) {
            throw configurationSetNotFound(name);
        }
    }

    /** (account, region, name) of every configuration set, ordered. */
    synchronized List<String[]> allConfigurationSets() {
        List<String[]> all = new ArrayList<>();
        regions.forEach((scope, r) -> r.configurationSets
                .values()
                .forEach(c -> all.add(new String[] {
                    scope.accountId(), scope.region(), c.name, c.created.toString(), configurationSetArn(scope, c.name)
                })));
        all.sort(java.util.Comparator.<String[], String>comparing(a -> a[0])
                .thenComparing(a -> a[1])
                .thenComparing(a -> a[2]));
        return all;
    }

    private ConfigurationSet existingSet(EndpointStore.Scope scope, String name) {
        ConfigurationSet set = region(scope).configurationSets.get(name);
        if (set == null) {
            throw configurationSetNotFound(name);
        }
        return set;
    }

    static ApiException configurationSetNotFound(String name) {
        return SesErrors.notFound("Configuration set <" + name + "> does not exist.");
    }

    // ---- account sending state and routing availability

    synchronized AccountSending account(EndpointStore.Scope scope) {
        return region(scope).account;
    }

    synchronized AccountSending updateAccount(
            EndpointStore.Scope scope, java.util.function.UnaryOperator<AccountSending> change) {
        Region r = region(scope);
        r.account = change.apply(r.account);
        return r.account;
    }

    /** (account, region) pairs whose sending state differs from the defaults. */
    synchronized Map<EndpointStore.Scope, AccountSending> changedAccounts() {
        Map<EndpointStore.Scope, AccountSending> out =
                new TreeMap<>(java.util.Comparator.comparing(EndpointStore.Scope::accountId)
                        .thenComparing(EndpointStore.Scope::region));
        regions.forEach((scope, r) -> {
            if (!r.account.equals(AccountSending.defaults())) {
                out.put(scope, r.account);
            }
        });
        return out;
    }

    /** A region marked out of service: endpoints route around it (regional calls there still work). */
    boolean regionAvailable(String region) {
        return !unavailableRegions.contains(region);
    }

    void setRegionAvailable(String region, boolean available) {
        if (available) {
            unavailableRegions.remove(region);
        } else {
            unavailableRegions.add(region);
        }
    }

    Set<String> unavailableRegions() {
        return Set.copyOf(unavailableRegions);
    }

    // ---- messages

    synchronized void record(SentMessage message) {
        messages.addLast(message);
        while (messages.size() > MAX_MESSAGES) {
            messages.removeFirst();
        }
    }

    synchronized List<SentMessage> messages() {
        return List.copyOf(messages);
    }

    /** Messages the account sent from the region in the 24 hours before {@code now} (GetAccount's SentLast24Hours). */
    synchronized long sentLast24Hours(EndpointStore.Scope scope, Instant now) {
        Instant since = now.minus(Duration.ofHours(24));
        return messages.stream()
                .filter(m -> m.accountId().equals(scope.accountId())
                        && m.region().equals(scope.region())
                        && m.time().isAfter(since))
                .count();
    }

    synchronized void clear() {
        regions.clear();
        messages.clear();
        unavailableRegions.clear();
    }

    private Region region(EndpointStore.Scope scope) {
        return regions.computeIfAbsent(scope, s -> new Region());
    }

    private static void putTags(Map<String, String> target, Map<String, String> tags, int maxTags) {
        Map<String, String> merged = new LinkedHashMap<>(target);
        merged.putAll(tags);
        if (merged.size() > maxTags) {
            throw SesErrors.badRequest("Tags: a resource can have at most " + maxTags
                    + " tags; this request would leave " + merged.size() + ".");
        }
        target.putAll(tags);
    }

    /** An Easy DKIM token: 32 lower-case letters and digits, as the CNAME names SES asks for look. */
    private static String token(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder token = new StringBuilder(32);
        synchronized (random) {
            for (int i = 0; i < 32; i++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return token.toString();
    }
}
