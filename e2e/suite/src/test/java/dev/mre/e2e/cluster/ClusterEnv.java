package dev.mre.e2e.cluster;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.ControlPlane;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cluster suite runs on: a Kubernetes cluster with real nodes (the one-node cluster of e2e/testenv, or any
 * cluster given by {@code E2E_KUBECONFIG}), the operator's image in it, and the SES emulator on the host at an
 * address the pods reach, with one access key per pod address so that its call log says which pod called.
 *
 * <p>On the local node the image archive ({@code -Dcluster.image}, default the one {@code make image} writes) is
 * imported into the node's containerd, also under a second tag for the upgrade test, and the emulator binds the
 * node's bridge address. On an external cluster the user provides: {@code E2E_IMAGE} (repository:tag, loaded or
 * pullable there), optionally {@code E2E_IMAGE_UPGRADE_TAG} (a second tag of the same repository), {@code
 * E2E_EMULATOR_HOST} (this machine's address as the pods see it: the emulator binds it) and {@code E2E_POD_CIDR}
 * (the pods' address range, default 10.244.0.0/24: one emulator access key per address).
 */
public final class ClusterEnv {

    public static final String RELEASE = "ses-mre-operator";
    /** The release namespace, labelled pod-security.kubernetes.io/enforce=restricted. */
    public static final String SYSTEM_NAMESPACE = "ses-mre-cluster";
    /** Where the suite's own objects live (the examples use their own namespace, mail). */
    public static final String NAMESPACE = "cluster-e2e";

    public static final String EXAMPLES_NAMESPACE = "mail";
    /** The Secret in the release namespace holding the pods' emulator secret key. */
    public static final String CREDENTIALS_SECRET = "emulator-credentials";

    public static final String POD_SECRET_KEY = "pod-emulator-secret";
    /** Each pod signs with access key "pod-<its IP>" (the chart's extraEnv, from the downward API). */
    public static final String POD_KEY_PREFIX = "pod-";

    public static final String CREATE_DELAY = "2s";

    private final Harness harness;
    private final boolean local;
    private final Map<String, String> node;
    private final String emulatorHost;
    private final String imageRepository;
    private final String imageTag;
    private final String upgradeTag;
    private Emulator emulator;

    private ClusterEnv(Harness harness) {
        this.harness = harness;
        ControlPlane cp = harness.controlPlane();
        this.local = cp.kind() == ControlPlane.Kind.NODE && cp.origin() != ControlPlane.Origin.EXTERNAL;
        this.node = cp.nodeEnv();
        if (local) {
            this.emulatorHost = require(node, "TESTENV_NODE_IP");
            Path archive = Path.of(Params.str(
                    "cluster.image",
                    Repo.root()
                            .resolve("operator/target/image/ses-mre-operator-" + appVersion() + ".tar")
                            .toString()));
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("no image archive at " + archive + ": build it first with `make image "
                        + "IMAGE_BASE=debian` (or give -Dcluster.image=<archive>)");
            }
            String ref = repoTag(archive);
            this.imageRepository = ref.substring(0, ref.lastIndexOf(':'));
            this.imageTag = ref.substring(ref.lastIndexOf(':') + 1);
            this.upgradeTag = imageTag + "-upgrade";
            Progress.step(
                    "image: import " + archive.getFileName() + " (" + ref + ") into the node's containerd, also as "
                            + imageRepository + ":" + upgradeTag,
                    () -> {
                        cp.loadImage(archive);
                        ctr(
                                "images",
                                "tag",
                                "--force",
                                normalized(ref),
                                normalized(imageRepository + ":" + upgradeTag));
                    });
        } else {
            String image = Repo.env("E2E_IMAGE")
                    .orElseThrow(() -> new IllegalStateException(
                            "E2E_IMAGE=<repository>:<tag> is needed with E2E_KUBECONFIG: the operator image, loaded into or "
                                    + "pullable by that cluster (make image; e.g. kind load image-archive <archive>)"));
            int colon = image.lastIndexOf(':');
            if (colon <= image.lastIndexOf('/')) {
                throw new IllegalStateException("E2E_IMAGE=" + image + ": give repository:tag");
            }
            this.imageRepository = image.substring(0, colon);
            this.imageTag = image.substring(colon + 1);
            this.upgradeTag = Repo.env("E2E_IMAGE_UPGRADE_TAG").orElse(null);
            this.emulatorHost = Repo.env("E2E_EMULATOR_HOST")
                    .orElseThrow(() -> new IllegalStateException(
                            "E2E_EMULATOR_HOST=<address> is needed with E2E_KUBECONFIG: this machine's address as the cluster's "
                                    + "pods reach it (kind: the gateway of its docker network, e.g. 172.18.0.1); the SES "
                                    + "emulator binds it"));
        }
    }

    static ClusterEnv start(Harness harness) throws IOException {
        ClusterEnv env = new ClusterEnv(harness);
        harness.applyCrds();
        List<String> flags = new ArrayList<>(List.of(
                "--host", env.emulatorHost, "--create-delay", CREATE_DELAY, "--delete-delay", "2s", "--threads", "16"));
        for (String ip : env.podAddresses()) {
            flags.addAll(
                    List.of("--credentials", POD_KEY_PREFIX + ip + ":" + POD_SECRET_KEY + ":" + Emulator.ACCOUNT_ID));
        }
        env.emulator = harness.startEmulator("emulator", flags);
        Progress.log(
                "  emulator at %s (%d pod access keys, one per address of %s)",
                env.emulator.endpoint(), env.podAddresses().size(), env.podCidr());
        return env;
    }

    public Harness harness() {
        return harness;
    }

    /** The one-node cluster of e2e/testenv (the suite may look at its processes, cgroups and containerd). */
    public boolean local() {
        return local;
    }

    public Map<String, String> node() {
        return node;
    }

    public Emulator emulator() {
        return emulator;
    }

    public String imageRepository() {
        return imageRepository;
    }

    public String imageTag() {
        return imageTag;
    }

    /** A second tag of the same image, for the upgrade test; empty on an external cluster without E2E_IMAGE_UPGRADE_TAG. */
    public Optional<String> upgradeTag() {
        return Optional.ofNullable(upgradeTag);
    }

    public String podCidr() {
        return local
                ? require(node, "TESTENV_POD_CIDR")
                : Repo.env("E2E_POD_CIDR").orElse("10.244.0.0/24");
    }

    /** The emulator access key the pod with this IP signs with. */
    public static String podAccessKey(String podIp) {
        return POD_KEY_PREFIX + podIp;
    }

    /**
     * The name the pods reach the emulator by (chart hostAliases to the emulator's address on the node): plain http
     * is accepted by the operator only to loopback and cluster-local Service names, as in a real cluster.
     */
    static final String EMULATOR_NAME = "ses-emulator.cluster-e2e.svc";

    /**
     * The chart values of the suite's release: the image, the emulator as SES (plain http, allowed explicitly), the
     * pods' credentials (access key from the pod's IP, secret key from a Secret), egress to the emulator allowed
     * through the chart's NetworkPolicy.
     */
    public String values(int replicas, String tag) {
        return """
                image:
                  repository: %s
                  tag: "%s"
                replicaCount: %d
                hostAliases:
                  - ip: "%s"
                    hostnames: [%s]
                operator:
                  sesEndpoint: http://%s:%d
                  stsEndpoint: http://%s:%d
                  allowInsecureEndpoint: true
                  # the emulator, not AWS: the suite is sized at 10 calls/s (the chart's default is AWS's 1/s)
                  maxCallRate: 10
                  retainNamespaces: ["*"]
                networkPolicy:
                  egress:
                    extraRules:
                      - to: [{ipBlock: {cidr: %s/32}}]
                        ports: [{protocol: TCP, port: %d}]
                extraEnv:
                  - name: POD_IP
                    valueFrom: {fieldRef: {fieldPath: status.podIP}}
                  - name: AWS_ACCESS_KEY_ID
                    value: "%s$(POD_IP)"
                  - name: AWS_SECRET_ACCESS_KEY
                    valueFrom: {secretKeyRef: {name: %s, key: secret-access-key}}
                """.formatted(
                        imageRepository,
                        tag,
                        replicas,
                        emulator.host(),
                        EMULATOR_NAME,
                        EMULATOR_NAME,
                        emulator.port(),
                        EMULATOR_NAME,
                        emulator.port(),
                        emulator.host(),
                        emulator.port(),
                        POD_KEY_PREFIX,
                        CREDENTIALS_SECRET);
    }

    /** Writes {@link #values} into the work folder; returns the file. */
    public Path valuesFile(String name, int replicas, String tag) {
        try {
            Path dir = harness.work().resolve("values");
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name + ".yaml"), values(replicas, tag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ctr} against the local node's containerd, namespace k8s.io (where the kubelet's images are). */
    public Cmd.Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(
                List.of("ctr", "--address", require(node, "TESTENV_CONTAINERD_ADDRESS"), "--namespace", "k8s.io"));
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.of(cmd).timeout(Duration.ofMinutes(2)).run();
        Progress.command(r);
        return r.orThrow();
    }

    /** The containerd name of an image reference (docker.io/library/ for a bare name, as the CRI resolves it). */
    static String normalized(String ref) {
        String first = ref.substring(0, Math.max(ref.indexOf('/'), 0));
        boolean hasDomain =
                ref.contains("/") && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        return hasDomain ? ref : ref.contains("/") ? "docker.io/" + ref : "docker.io/library/" + ref;
    }

    /** Every host address of the pod range (at most a /22: one emulator access key each). */
    List<String> podAddresses() {
        String cidr = podCidr();
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 22) {
            throw new IllegalStateException(
                    "pod range " + cidr + " is larger than a /22: give E2E_POD_CIDR, the range of "
                            + "the node the operator's pods run on");
        }
        try {
            byte[] base = InetAddress.getByName(parts[0]).getAddress();
            long start = ((base[0] & 0xffL) << 24)
                    | ((base[1] & 0xffL) << 16)
                    | ((base[2] & 0xffL) << 8)
                    | (base[3] & 0xffL);
            long size = 1L << (32 - prefix);
            List<String> out = new ArrayList<>();
            for (long a = start + 1; a < start + size - 1; a++) {
                out.add(((a >> 24) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff));
            }
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("pod range " + cidr + ": " + e.getMessage(), e);
        }
    }

    /** The chart's appVersion: the tag make image gives by default. */
    static String appVersion() {
        try {
            return Files.readAllLines(Repo.root().resolve("helm/ses-mre-operator/Chart.yaml")).stream()
                    .filter(l -> l.startsWith("appVersion:"))
                    .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository:tag a Docker image archive names (its manifest.json's RepoTags). */
    static String repoTag(Path archive) {
        Cmd.Result r = Cmd.of("tar", "-xOf", archive.toString(), "manifest.json")
                .timeout(Duration.ofMinutes(1))
                .run();
        if (!r.ok()) {
            throw new IllegalStateException(
                    archive + " has no manifest.json, not a Docker image archive: " + r.output());
        }
        String ref = Json.parse(r.stdout()).path(0).path("RepoTags").path(0).asText();
        if (!ref.contains(":")) {
            throw new IllegalStateException(archive + " names no repository:tag (RepoTags of manifest.json)");
        }
        return ref;
    }

    private static String require(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("the one-node cluster's env file has no " + key + ": is it running?");
        }
        return v;
    }
}
