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
 * Operator settings, read from environment variables (the Helm chart sets them). AWS credentials are not
 * here: they come from the AWS SDK's default chain (env, profile, IRSA web identity, Pod Identity, IMDS).
 *
 * @param defaultRegion primary region of objects without spec.region
 * @param watchNamespaces namespaces to watch; empty means all
 * @param sesEndpoint SES (and STS) endpoint override, for the emulator or a VPC endpoint; null for AWS
 * @param stsEndpoint STS endpoint override; defaults to sesEndpoint
 * @param resyncPeriod READY endpoints are re-read this often
 * @param maxCallRate ceiling of SES calls per second for the whole operator (every region together)
 * @param adaptiveRateLimit slow down operator-wide below the ceiling when SES throttles (AdaptiveCallRate)
 * @param clusterId identifies this cluster in the ownership tag; must differ between clusters sharing an account
 * @param reconcileThreads concurrent reconciliations
 * @param ops where /healthz, /readyz and /metrics are served, and leader election
 */
public record OperatorConfig(String defaultRegion, Set<String> watchNamespaces, URI sesEndpoint, URI stsEndpoint,
                             Duration resyncPeriod, double maxCallRate, boolean adaptiveRateLimit, String clusterId,
                             int reconcileThreads, Ops ops) {

    /**
     * @param port port of the operations HTTP server; -1 disables it, 0 picks a free port
     * @param leaderElection only the holder of the Lease reconciles (for more than one replica)
     * @param leaseNamespace namespace of the Lease
     * @param identity this replica's name in the Lease (the pod name)
     * @param logFormat text or json (read by logback.xml; checked here so a typo fails at start)
     */
    public record Ops(int port, boolean leaderElection, String leaseNamespace, String identity, String logFormat) {
        public static final String LEASE_NAME = "ses-mre-operator-leader";

        public static Ops defaults() {
            return new Ops(8080, false, null, "local", "text");
        }
    }

    /** The same settings without the operations server and leader election (embedded use, tests). */
    public OperatorConfig(String defaultRegion, Set<String> watchNamespaces, URI sesEndpoint, URI stsEndpoint,
                          Duration resyncPeriod, double maxCallRate, boolean adaptiveRateLimit, String clusterId,
                          int reconcileThreads) {
        this(defaultRegion, watchNamespaces, sesEndpoint, stsEndpoint, resyncPeriod, maxCallRate, adaptiveRateLimit,
                clusterId, reconcileThreads, new Ops(-1, false, null, "local", "text"));
    }

    public static final String DEFAULT_REGION = "SES_MRE_DEFAULT_REGION";
    public static final String WATCH_NAMESPACES = "SES_MRE_WATCH_NAMESPACES";
    public static final String SES_ENDPOINT = "SES_MRE_SES_ENDPOINT";
    public static final String STS_ENDPOINT = "SES_MRE_STS_ENDPOINT";
    public static final String RESYNC_PERIOD = "SES_MRE_RESYNC_PERIOD";
    public static final String MAX_CALL_RATE = "SES_MRE_MAX_CALL_RATE";
    public static final String ADAPTIVE_RATE_LIMIT = "SES_MRE_ADAPTIVE_RATE_LIMIT";
    public static final String CLUSTER_ID = "SES_MRE_CLUSTER_ID";
    public static final String RECONCILE_THREADS = "SES_MRE_RECONCILE_THREADS";
    public static final String OPS_PORT = "SES_MRE_OPS_PORT";
    public static final String LEADER_ELECTION = "SES_MRE_LEADER_ELECTION";
    public static final String LEADER_ELECTION_NAMESPACE = "SES_MRE_LEADER_ELECTION_NAMESPACE";
    public static final String LOG_FORMAT = "SES_MRE_LOG_FORMAT";

    private static final Pattern CLUSTER_ID_PATTERN = Pattern.compile("^[A-Za-z0-9._-]{1,63}$");

    public OperatorConfig {
        watchNamespaces = Set.copyOf(watchNamespaces);
        if (maxCallRate <= 0) {
            throw new IllegalArgumentException(MAX_CALL_RATE + ": must be > 0, got " + maxCallRate);
        }
        if (!CLUSTER_ID_PATTERN.matcher(clusterId).matches()) {
            throw new IllegalArgumentException(CLUSTER_ID + ": must match " + CLUSTER_ID_PATTERN + ", got '" + clusterId + "'");
        }
        if (reconcileThreads < 1) {
            throw new IllegalArgumentException(RECONCILE_THREADS + ": must be >= 1, got " + reconcileThreads);
        }
    }

    public static OperatorConfig fromEnv() {
        return from(System.getenv());
    }

    /** Reads the settings from {@code env}; a bad value fails with a message naming the variable. */
    public static OperatorConfig from(Map<String, String> env) {
        String region = firstNonBlank(env.get(DEFAULT_REGION), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"),
                "us-east-1");
        URI ses = uri(env, SES_ENDPOINT);
        URI sts = env.containsKey(STS_ENDPOINT) ? uri(env, STS_ENDPOINT) : ses;
        return new OperatorConfig(
                region,
                namespaces(env.getOrDefault(WATCH_NAMESPACES, "")),
                ses,
                sts,
                duration(env, RESYNC_PERIOD, "10m"),
                number(env, MAX_CALL_RATE, "10"),
                bool(env, ADAPTIVE_RATE_LIMIT, "true"),
                firstNonBlank(env.get(CLUSTER_ID), "default"),
                (int) number(env, RECONCILE_THREADS, "16"),
                ops(env));
    }

    private static Ops ops(Map<String, String> env) {
        double port = number(env, OPS_PORT, "8080");
        if (port < -1 || port > 65535 || port != Math.floor(port)) {
            throw new IllegalArgumentException(OPS_PORT + ": must be a port number (or -1 to disable), got " + port);
        }
        boolean election = bool(env, LEADER_ELECTION, "false");
        String leaseNamespace = firstNonBlank(env.get(LEADER_ELECTION_NAMESPACE), env.get("POD_NAMESPACE"));
        if (election && leaseNamespace == null) {
            throw new IllegalArgumentException(LEADER_ELECTION_NAMESPACE + ": required when " + LEADER_ELECTION
                    + " is true (or set POD_NAMESPACE)");
        }
        String format = env.getOrDefault(LOG_FORMAT, "text").trim();
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException(LOG_FORMAT + ": must be text or json, got '" + format + "'");
        }
        String identity = firstNonBlank(env.get("POD_NAME"), env.get("HOSTNAME"), "ses-mre-operator");
        return new Ops((int) port, election, leaseNamespace, identity, format);
    }

    static Set<String> namespaces(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
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

    private static Duration duration(Map<String, String> env, String name, String dflt) {
        Duration d = parseDuration(name, env.getOrDefault(name, dflt));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be positive, got " + d);
        }
        return d;
    }

    private static double number(Map<String, String> env, String name, String dflt) {
        String v = env.getOrDefault(name, dflt).trim();
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name, String dflt) {
        String v = env.getOrDefault(name, dflt).trim().toLowerCase();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(name + ": must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static URI uri(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(v.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not an absolute URL: '" + v + "'");
        }
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
