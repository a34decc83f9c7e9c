package dev.mre.operator.config;

/**
 * Every environment variable the operator reads, in one table: {@link OperatorConfig} parses them from here, the
 * README's configuration table is generated from here, and the chart's env list must name exactly the settings
 * that have a chart value ({@code SettingsTableTest} fails when any of the three disagree).
 */
public enum Setting {
    DEFAULT_REGION(
            "SES_MRE_DEFAULT_REGION",
            null,
            "`AWS_REGION`, else `us-east-1`",
            "operator.defaultRegion",
            "primary region of objects without `spec.region`"),
    WATCH_NAMESPACES(
            "SES_MRE_WATCH_NAMESPACES", "", "(all)", "operator.watchNamespaces", "comma-separated namespaces to watch"),
    SES_ENDPOINT(
            "SES_MRE_SES_ENDPOINT",
            null,
            "(AWS)",
            "operator.sesEndpoint",
            "SES endpoint override, e.g. a VPC endpoint or the emulator `http://127.0.0.1:4566`"),
    STS_ENDPOINT(
            "SES_MRE_STS_ENDPOINT",
            null,
            "(AWS, regional)",
            "operator.stsEndpoint",
            "STS endpoint override (account ID lookup, AssumeRole); never follows `SES_MRE_SES_ENDPOINT`"),
    ALLOW_INSECURE_ENDPOINT(
            "SES_MRE_ALLOW_INSECURE_ENDPOINT",
            "false",
            null,
            "operator.allowInsecureEndpoint",
            "allow plain `http://` SES/STS endpoint overrides to loopback, localhost or `*.svc[.cluster.local]` (an emulator)"),
    ALLOWED_REGIONS(
            "SES_MRE_ALLOWED_REGIONS",
            "",
            "(all)",
            "operator.allowedRegions",
            "comma-separated regions objects may use as primary or secondary; others are `Stalled/InvalidSpec`"
                    + " with no SES call"),
    RETAIN_NAMESPACES(
            "SES_MRE_RETAIN_NAMESPACES",
            "",
            "(none)",
            "operator.retainNamespaces",
            "comma-separated namespaces whose objects may use `deletionPolicy: Retain` (`*`: every namespace);"
                    + " elsewhere Retain is `Stalled/InvalidSpec` and a deleted object's endpoint is deleted"),
    ALLOW_REPLICA_IDENTITIES(
            "SES_MRE_ALLOW_REPLICA_IDENTITIES",
            "false",
            null,
            "operator.allowReplicaIdentities",
            "`true`: objects with `spec.sending.createReplicas: true` may have the operator create a domain missing in"
                    + " the secondary region as a Deterministic Easy DKIM replica of the primary's (never deleted)"),
    ALLOW_EXPORT(
            "SES_MRE_ALLOW_EXPORT",
            "false",
            null,
            "operator.export.enabled",
            "`true`: objects with `spec.export` get a ConfigMap with the endpoint id, name, ARN and regions (the"
                    + " chart then grants get/create/update on ConfigMaps); `false`: such objects are"
                    + " `Stalled/ExportNotAllowed`"),
    ENDPOINT_NAME_PREFIX(
            "SES_MRE_ENDPOINT_NAME_PREFIX",
            "none",
            null,
            "operator.endpointNamePrefix",
            "`namespace`: endpoint names must start with `<namespace>_` (no namespace name contains `_`), so teams"
                    + " cannot take each other's names"),
    WATCH_LABEL_SELECTOR(
            "SES_MRE_WATCH_LABEL_SELECTOR",
            "",
            "(all objects)",
            "operator.watchLabelSelector",
            "label selector of the objects this operator serves (`shard=a`, `tier in (gold,silver)`): several"
                    + " releases can split a cluster's objects into shards"),
    OBSERVATION(
            "SES_MRE_OBSERVATION",
            "batch",
            null,
            "operator.observation",
            "`batch`: SES is observed through one shared ListMultiRegionEndpoints per account and region;"
                    + " `per-object`: a GetMultiRegionEndpoint per object (for comparison)"),
    RESYNC_PERIOD(
            "SES_MRE_RESYNC_PERIOD",
            "10m",
            null,
            "operator.resyncPeriod",
            "how often SES is listed again to catch drift of READY endpoints (status, deletion out of band);"
                    + " `30s`, `10m`, `1h`, `PT10M`"),
    TAG_RESYNC_PERIOD(
            "SES_MRE_TAG_RESYNC_PERIOD",
            "6h",
            null,
            "operator.tagResyncPeriod",
            "how often each READY endpoint's tags are read to catch tag drift, spread over the period"),
    MAX_CALL_RATE(
            "SES_MRE_MAX_CALL_RATE",
            "1",
            null,
            "operator.maxCallRate",
            "ceiling of SES calls per second in each AWS account and region (each scope has its own pacer); the default"
                    + " is AWS's documented quota for every SES API action but sending (1 request/s per account and"
                    + " region, see docs/operations.md): raise it only when AWS has granted your account more"),
    ADAPTIVE_RATE_LIMIT(
            "SES_MRE_ADAPTIVE_RATE_LIMIT",
            "true",
            null,
            "operator.adaptiveRateLimit",
            "slow down operator-wide, below the ceiling, while more than 20 % of SES's answers are 429s"),
    REQUIRE_ROLE_SELECTOR(
            "SES_MRE_REQUIRE_ROLE_SELECTOR",
            "false",
            null,
            "operator.requireRoleSelector",
            "`true`: objects in a namespace no RoleSelector matches are `Stalled/NoRoleSelector` (no SES call)"
                    + " instead of using the operator's own AWS identity"),
    CLUSTER_ID(
            "SES_MRE_CLUSTER_ID",
            null,
            "UID of the `kube-system` namespace",
            "operator.clusterId",
            "this cluster's identity in the ownership tag; must differ between clusters sharing an AWS account"),
    RECONCILE_THREADS(
            "SES_MRE_RECONCILE_THREADS", "16", null, "operator.reconcileThreads", "concurrent reconciliations"),
    LOG_LEVEL("SES_MRE_LOG_LEVEL", "INFO", null, "operator.logLevel", "log level of the operator's own loggers"),
    LOG_FORMAT(
            "SES_MRE_LOG_FORMAT",
            "text",
            null,
            "operator.logFormat",
            "`json` writes one JSON object per line (MDC keys `mre.namespace`, `mre.name` as fields)"),
    OPS_PORT(
            "SES_MRE_OPS_PORT",
            "8080",
            null,
            "operator.opsPort",
            "port of `/healthz`, `/readyz` and `/metrics`; `-1` disables the server"),
    LEADER_ELECTION(
            "SES_MRE_LEADER_ELECTION",
            "false",
            null,
            "leaderElection.enabled",
            "only the holder of the Lease `ses-mre-operator-leader` reconciles (the chart turns it on)"),
    LEADER_ELECTION_NAMESPACE(
            "SES_MRE_LEADER_ELECTION_NAMESPACE",
            null,
            "`POD_NAMESPACE`",
            null,
            "namespace of that Lease; `POD_NAME` names the replica (the chart sets both)");

    /** The environment variable. */
    public final String env;
    /** The value used when the variable is unset; null when the default is computed (see {@link #defaultText}). */
    public final String defaultValue;
    /** How the README shows the default when it is not simply {@link #defaultValue}. */
    private final String defaultNote;
    /** Where the chart sets it ({@code values.yaml} path), null when the chart sets it from elsewhere. */
    public final String chartValue;

    public final String description;

    Setting(String env, String defaultValue, String defaultNote, String chartValue, String description) {
        this.env = env;
        this.defaultValue = defaultValue;
        this.defaultNote = defaultNote;
        this.chartValue = chartValue;
        this.description = description;
    }

    /** The default as the README's table shows it. */
    public String defaultText() {
        return defaultNote != null ? defaultNote : "`" + defaultValue + "`";
    }
}
