package dev.mre.operator.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Operator settings, read from environment variables (the Helm chart sets them; {@link Setting} lists them all).
 * AWS credentials are not here: they come from the AWS SDK's default chain (env, profile, IRSA web identity, Pod
 * Identity, IMDS).
 *
 * @param defaultRegion primary region of objects without spec.region
 * @param watchNamespaces namespaces to watch; empty means all
 * @param sesEndpoint SES (and STS) endpoint override, for the emulator or a VPC endpoint; null for AWS
 * @param stsEndpoint STS endpoint override; null = the SDK's regional STS endpoint (never the SES override)
 * @param allowedRegions regions objects may use (primary and secondary); empty means any
 * @param retainNamespaces namespaces whose objects may keep their endpoint on deletion ({@code *}: all)
 * @param allowReplicaIdentities objects may ask for secondary-region replica identities (spec.sending.createReplicas)
 * @param allowExport objects may have the operator write a ConfigMap with their endpoint (spec.export)
 * @param endpointNamePrefix whether endpoint names must start with the object's namespace
 * @param watchLabelSelector label selector of the objects to serve; empty means all
 * @param observation how SES is observed: the shared List (batch) or a Get per object
 * @param resyncPeriod SES is listed again this often to catch drift of READY endpoints
 * @param tagResyncPeriod each READY endpoint's tags are read this often
 * @param maxCallRate ceiling of SES calls per second in each AWS account and region
 * @param adaptiveRateLimit slow down below the ceiling in a scope whose SES throttles (AdaptiveCallRate)
 * @param requireRoleSelector objects whose namespace no RoleSelector matches make no SES call
 * @param clusterId identifies this cluster in the ownership tag; null means "the kube-system namespace's UID"
 * @param reconcileThreads concurrent reconciliations
 * @param ops where /healthz, /readyz and /metrics are served, and leader election
 */
public record OperatorConfig(
        String defaultRegion,
        Set<String> watchNamespaces,
        String watchLabelSelector,
        URI sesEndpoint,
        URI stsEndpoint,
        Set<String> allowedRegions,
        Set<String> retainNamespaces,
        boolean allowReplicaIdentities,
        boolean allowExport,
        NamePrefix endpointNamePrefix,
        Observation observation,
        Duration resyncPeriod,
        Duration tagResyncPeriod,
        double maxCallRate,
        boolean adaptiveRateLimit,
        boolean requireRoleSelector,
        String clusterId,
        int reconcileThreads,
        Ops ops) {

    /** {@link Setting#OBSERVATION}: how the operator learns what SES holds. */
    public enum Observation {
        /** One paginated ListMultiRegionEndpoints per account and region, shared by every object. */
        BATCH,
        /** A GetMultiRegionEndpoint per object and pass. */
        PER_OBJECT
    }

    /** {@link Setting#ENDPOINT_NAME_PREFIX}: what an endpoint name must start with. */
    public enum NamePrefix {
        /** Any name. */
        NONE,
        /** {@code <namespace>-}: teams sharing an account cannot take each other's names. */
        NAMESPACE
    }

    /**
     * @param port port of the operations HTTP server; -1 disables it, 0 picks a free port
     * @param leaderElection only the holder of the Lease reconciles (for more than one replica)
     * @param leaseNamespace namespace of the Lease
     * @param identity this replica's name in the Lease (the pod name)
     * @param logFormat text or json (read by logback.xml; checked here so a typo fails at start)
     */
    public record Ops(int port, boolean leaderElection, String leaseNamespace, String identity, String logFormat) {
        public static final String LEASE_NAME = "ses-mre-operator-leader";
    }

    /** Same rule as the CRD's pattern for names: it goes into an AWS tag value and into log lines. */
    private static final Pattern CLUSTER_ID_PATTERN = Pattern.compile("^[A-Za-z0-9._-]{1,63}$");
    /** What a Kubernetes label selector is made of (the API server judges the rest when the informer starts). */
    private static final Pattern SELECTOR_CHARACTERS = Pattern.compile("^[A-Za-z0-9._/=!,() -]*$");

    private static final Pattern REGION_PATTERN =
            Pattern.compile(dev.mre.operator.api.MultiRegionEndpointSpec.REGION_PATTERN);

    public OperatorConfig {
        watchNamespaces = Set.copyOf(watchNamespaces);
        allowedRegions = Set.copyOf(allowedRegions);
        retainNamespaces = Set.copyOf(retainNamespaces);
        if (maxCallRate <= 0) {
            throw new IllegalArgumentException(Setting.MAX_CALL_RATE.env + ": must be > 0, got " + maxCallRate);
        }
        if (clusterId != null && !CLUSTER_ID_PATTERN.matcher(clusterId).matches()) {
            throw new IllegalArgumentException(
                    Setting.CLUSTER_ID.env + ": must match " + CLUSTER_ID_PATTERN + ", got '" + clusterId + "'");
        }
        if (reconcileThreads < 1) {
            throw new IllegalArgumentException(
                    Setting.RECONCILE_THREADS.env + ": must be >= 1, got " + reconcileThreads);
        }
        if (!SELECTOR_CHARACTERS.matcher(watchLabelSelector).matches()) {
            throw new IllegalArgumentException(Setting.WATCH_LABEL_SELECTOR.env + ": not a label selector: '"
                    + watchLabelSelector + "' (for example shard=a or tier in (gold,silver))");
        }
        for (String r : allowedRegions) {
            if (!REGION_PATTERN.matcher(r).matches()) {
                throw new IllegalArgumentException(Setting.ALLOWED_REGIONS.env + ": '" + r
                        + "' is not an AWS region name (" + REGION_PATTERN + ")");
            }
        }
    }

    public static OperatorConfig fromEnv() {
        return from(System.getenv());
    }

    /** Reads the settings from {@code env}; a bad value fails with a message naming the variable and the rule. */
    public static OperatorConfig from(Map<String, String> env) {
        String region = firstNonBlank(
                env.get(Setting.DEFAULT_REGION.env), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"), "us-east-1");
        boolean insecure = bool(env, Setting.ALLOW_INSECURE_ENDPOINT);
        URI ses = endpoint(env, Setting.SES_ENDPOINT, insecure);
        // STS never follows the SES override: with a VPC endpoint for SES, account lookups and AssumeRole would go to
        // SES's endpoint. Unset means the SDK's regional STS endpoint of SES_MRE_DEFAULT_REGION.
        URI sts = endpoint(env, Setting.STS_ENDPOINT, insecure);
        return new OperatorConfig(
                region,
                list(env, Setting.WATCH_NAMESPACES),
                raw(env, Setting.WATCH_LABEL_SELECTOR),
                ses,
                sts,
                list(env, Setting.ALLOWED_REGIONS),
                list(env, Setting.RETAIN_NAMESPACES),
                bool(env, Setting.ALLOW_REPLICA_IDENTITIES),
                bool(env, Setting.ALLOW_EXPORT),
                namePrefix(env),
                observation(env),
                duration(env, Setting.RESYNC_PERIOD),
                duration(env, Setting.TAG_RESYNC_PERIOD),
                number(env, Setting.MAX_CALL_RATE),
                bool(env, Setting.ADAPTIVE_RATE_LIMIT),
                bool(env, Setting.REQUIRE_ROLE_SELECTOR),
                firstNonBlank(env.get(Setting.CLUSTER_ID.env)),
                integer(env, Setting.RECONCILE_THREADS),
                ops(env));
    }

    private static Ops ops(Map<String, String> env) {
        int port = integer(env, Setting.OPS_PORT);
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException(
                    Setting.OPS_PORT.env + ": must be a port number (or -1 to disable)," + " got " + port);
        }
        boolean election = bool(env, Setting.LEADER_ELECTION);
        String leaseNamespace = firstNonBlank(env.get(Setting.LEADER_ELECTION_NAMESPACE.env), env.get("POD_NAMESPACE"));
        if (election && leaseNamespace == null) {
            throw new IllegalArgumentException(Setting.LEADER_ELECTION_NAMESPACE.env + ": required when "
                    + Setting.LEADER_ELECTION.env + " is true (or set POD_NAMESPACE)");
        }
        String format = raw(env, Setting.LOG_FORMAT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException(Setting.LOG_FORMAT.env + ": must be text or json, got '" + format + "'");
        }
        String identity = firstNonBlank(env.get("POD_NAME"), env.get("HOSTNAME"), "ses-mre-operator");
        return new Ops(port, election, leaseNamespace, identity, format);
    }

    private static Observation observation(Map<String, String> env) {
        String v = raw(env, Setting.OBSERVATION);
        return switch (v) {
            case "batch" -> Observation.BATCH;
            case "per-object" -> Observation.PER_OBJECT;
            default ->
                throw new IllegalArgumentException(
                        Setting.OBSERVATION.env + ": must be batch or per-object," + " got '" + v + "'");
        };
    }

    private static NamePrefix namePrefix(Map<String, String> env) {
        String v = raw(env, Setting.ENDPOINT_NAME_PREFIX);
        return switch (v) {
            case "none" -> NamePrefix.NONE;
            case "namespace" -> NamePrefix.NAMESPACE;
            default ->
                throw new IllegalArgumentException(
                        Setting.ENDPOINT_NAME_PREFIX.env + ": must be none or namespace, got '" + v + "'");
        };
    }

    /** The variable's value, trimmed, or the setting's default. */
    private static String raw(Map<String, String> env, Setting s) {
        String v = env.get(s.env);
        return v == null ? s.defaultValue : v.trim();
    }

    private static Set<String> list(Map<String, String> env, Setting s) {
        return Arrays.stream(raw(env, s).split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .collect(Collectors.toSet());
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)$");

    /** Accepts {@code 30s}, {@code 10m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT10M}). */
    public static Duration parseDuration(String name, String text) {
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": not a duration (use 30s, 10m, 1h or PT10M): '" + text + "'");
        }
    }

    private static Duration duration(Map<String, String> env, Setting s) {
        Duration d = parseDuration(s.env, raw(env, s));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(s.env + ": must be positive, got " + d);
        }
        return d;
    }

    private static double number(Map<String, String> env, Setting s) {
        String v = raw(env, s);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.env + ": not a number: '" + v + "'");
        }
    }

    private static int integer(Map<String, String> env, Setting s) {
        String v = raw(env, s);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.env + ": not a whole number: '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> env, Setting s) {
        String v = raw(env, s).toLowerCase();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(s.env + ": must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /**
     * An https URL, or http only when {@code allowInsecure}: credentials and the ownership tags travel on this
     * connection, so plain http is for an emulator on the same machine, never for AWS.
     */
    private static URI endpoint(Map<String, String> env, Setting s, boolean allowInsecure) {
        String v = env.get(s.env);
        if (v == null || v.isBlank()) {
            return null;
        }
        URI u;
        try {
            u = URI.create(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.env + ": not an absolute URL: '" + v + "'");
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException(s.env + ": not an absolute URL: '" + v + "'");
        }
        if (u.getScheme().equals("http") && !allowInsecure) {
            throw new IllegalArgumentException(s.env + ": plain http is refused ('" + v + "'); use https, or set "
                    + Setting.ALLOW_INSECURE_ENDPOINT.env + "=true for a local emulator");
        }
        if (u.getScheme().equals("http") && !isLocal(u.getHost())) {
            throw new IllegalArgumentException(s.env + ": plain http is allowed only to a loopback address, localhost"
                    + " or a cluster-local Service name (*.svc, *.svc.cluster.local), not '" + u.getHost()
                    + "': credentials and ownership tags would cross a network unencrypted; use https");
        }
        if (!u.getScheme().equals("http") && !u.getScheme().equals("https")) {
            throw new IllegalArgumentException(s.env + ": must be an https URL, got '" + v + "'");
        }
        return u;
    }

    /**
     * Loopback (127.0.0.0/8, ::1, localhost) or a Kubernetes Service name: the places an emulator runs. Decided on
     * the text, without DNS: a name that resolves to loopback elsewhere is not trusted for it.
     */
    static boolean isLocal(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return true;
        }
        // <service>.<namespace>.svc[.cluster.local]
        return h.matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.){2}svc(\\.cluster\\.local)?");
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
