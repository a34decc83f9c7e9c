package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Kubectl;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Details;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * Issue 21 part 3 on real control planes: 20 endpoints handed over from cluster A to cluster B, with kubectl only,
 * and handovers B must refuse.
 *
 * <p><b>Two clusters.</b> Cluster A is the suite's control plane and operator (cluster id {@code e2e}). Cluster B is a
 * second testenv control plane of its own (its own etcd and kube-apiserver, {@link Harness#startOwn}) with the CRD,
 * the chart's RBAC, its namespaces and an operator process (cluster id {@code e2e-b}, under its own ServiceAccount
 * token there, signing with a second access key of the same AWS account so the call log tells the two operators
 * apart), against the suite's one SES emulator. Why not one API server with two label shards, as
 * {@code HandoverScenariosTest} does on a mock: a handover matches the namespace <em>name</em> and object name,
 * precisely because B's namespace of that name has another UID. On one API server there is one namespace of a name
 * (one UID, so the owner tag B writes would equal A's but for the cluster id) and one object of a namespace and
 * name, so "the same objects appear in B" while A's still exist cannot happen. A second API server gives B
 * namespaces and objects of the same names with new UIDs, as a blue/green migration does.
 *
 * <p>The finalizer in A is released when A's object is deleted (docs/handover.md, step 3), without a Delete: half
 * of A's objects are deleted before B's are applied, half after B took their endpoints.
 */
@Order(16)
@DisplayName("A16 handover between clusters: two control planes, two cluster ids, one SES")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class A16HandoverTest extends E2eTest {

    static final String NS = "e2e-handover";
    static final String OTHER_NS = "e2e-handover-other";
    static final String CLUSTER_A = E2eExtension.CLUSTER_ID;
    static final String CLUSTER_B = "e2e-b";
    static final int N = 20;
    static final String HANDOVER_ANNOTATION = "ses.mre.dev/handover-to";
    static final String HANDOVER_TAG = "ses.mre.dev/handover";
    static final String KEY_A = Emulator.ACCESS_KEY;
    static final String KEY_B = E2eExtension.CLUSTER_B_ACCESS_KEY;

    static final List<Mre> OBJECTS = Mre.numbered(NS, "handover", N);
    /** Endpoint id of each of the 20 names, as SES made it for cluster A. */
    static final Map<String, String> IDS = new LinkedHashMap<>();

    static Harness clusterB;
    static OperatorProcess operatorB;
    static Emulator.CallRecorder recorder;
    static Path manifest;

    @RegisterExtension
    static final TestWatcher CLUSTER_B_DIAGNOSTICS = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (clusterB != null) {
                Progress.log("%s", clusterB.diagnostics("cluster B, " + context.getDisplayName()));
            }
        }
    };

    @BeforeAll
    static void clusterBAndItsOperator() throws Exception {
        harness().namespace(NS);
        recorder = emulator().recordCalls(Duration.ofSeconds(10));
        clusterB = Harness.startOwn("e2e-cluster-b", harness().work().resolve("cluster-b"));
        clusterB.applyCrds();
        Harness.OperatorIdentity idB = clusterB.installOperatorRbac("ses-mre-operator-e2e-b", "ses-mre-e2e-b", "4h");
        clusterB.namespace(NS);
        clusterB.namespace(OTHER_NS);
        operatorB = clusterB.startOperator(
                "operator-b",
                Repo.operatorJar(),
                idB,
                emulator(),
                Map.of(
                        "SES_MRE_CLUSTER_ID",
                        CLUSTER_B,
                        "SES_MRE_RESYNC_PERIOD",
                        "20s",
                        "AWS_ACCESS_KEY_ID",
                        KEY_B,
                        "AWS_SECRET_ACCESS_KEY",
                        E2eExtension.CLUSTER_B_SECRET_KEY));
        operatorB.awaitReady(Duration.ofSeconds(90));
        manifest = writeManifest("handover-20.yaml", Mre.documents(OBJECTS));
    }

    @AfterAll
    static void cleanUp() {
        if (recorder != null) {
            recorder.close();
        }
        kubectl().quiet("delete", "mre", "--all", "-n", NS, "--wait=true", "--timeout=90s");
        if (clusterB != null) {
            for (String ns : List.of(NS, OTHER_NS)) {
                clusterB.kubectl().quiet("delete", "mre", "--all", "-n", ns, "--wait=true", "--timeout=90s");
            }
            clusterB.close();
        }
    }

    static Kubectl kubectlB() {
        return clusterB.kubectl();
    }

    static List<JsonNode> items(Kubectl k, String ns) {
        List<JsonNode> all = new ArrayList<>();
        k.getJson("mre", "-n", ns).ifPresent(l -> l.path("items").forEach(all::add));
        return all;
    }

    static String conditions(JsonNode m) {
        return MreStatus.describe(m);
    }

    /** Ready, Reconciling, Stalled as "status/reason" each, e.g. "False/HandedOver False False". */
    static String readyReconcilingStalled(JsonNode m) {
        return MreStatus.condition(m, "Ready")
                        .map(c -> c.path("status").asText() + "/"
                                + c.path("reason").asText())
                        .orElse("-")
                + " "
                + MreStatus.condition(m, "Reconciling")
                        .map(c -> c.path("status").asText())
                        .orElse("-")
                + " "
                + MreStatus.condition(m, "Stalled")
                        .map(c -> c.path("status").asText())
                        .orElse("-");
    }

    static String readyMessage(JsonNode m) {
        return MreStatus.condition(m, "Ready")
                .map(c -> c.path("message").asText())
                .orElse("");
    }

    static Optional<JsonNode> get(Kubectl k, String ns, String name) {
        return MreStatus.get(k, ns, name);
    }

    static void awaitState(Kubectl k, String ns, String name, String state, Duration timeout) {
        await(
                ns + "/" + name + " is " + state,
                timeout,
                () -> get(k, ns, name)
                        .map(A16HandoverTest::readyReconcilingStalled)
                        .filter(state::equals)
                        .isPresent(),
                () -> get(k, ns, name).map(MreStatus::describe).orElse("not found"));
    }

    static Emulator.Endpoint endpoint(String name) {
        List<Emulator.Endpoint> eps = emulator().endpointsNamed(name);
        assertThat(eps).as("endpoints named %s (no duplicate)", name).hasSize(1);
        return eps.get(0);
    }

    static long callsBy(List<Emulator.Call> log, String key, String op, String name, String outcome) {
        return log.stream()
                .filter(c -> key.equals(c.accessKeyId()) && c.is(op, outcome) && name.equals(c.endpointName()))
                .count();
    }

    static List<String> names(List<Mre> objects) {
        return objects.stream().map(Mre::name).toList();
    }

    @Test
    @Order(1)
    void twenty_objects_are_Ready_in_cluster_a() {
        kubectl().ok("apply", "-f", manifest.toString());
        MreStatus.awaitAllReady(kubectl(), NS, Duration.ofSeconds(180));
        for (Mre m : OBJECTS) {
            JsonNode o = get(kubectl(), NS, m.name()).orElseThrow();
            IDS.put(m.name(), o.path("status").path("endpointId").asText());
            assertThat(endpoint(m.name()).tags()).isEqualTo(expectedTags(NS, m.name(), m.tags()));
        }
        assertThat(IDS.values()).doesNotContainNull().doesNotHaveDuplicates().hasSize(N);
    }

    @Test
    @Order(2)
    void the_handover_annotation_writes_the_handover_tag_and_reports_HandedOver_without_a_delete() {
        kubectl().ok("annotate", "mre", "--all", "-n", NS, HANDOVER_ANNOTATION + "=" + CLUSTER_B);
        for (Mre m : OBJECTS) {
            awaitState(kubectl(), NS, m.name(), "False/HandedOver False False", Duration.ofSeconds(90));
        }
        await(
                "every endpoint carries ses.mre.dev/handover=" + CLUSTER_B + "/" + NS
                        + "/<name>, next to A's owner tag",
                Duration.ofSeconds(60),
                () -> OBJECTS.stream().allMatch(m -> {
                    Map<String, String> t = endpoint(m.name()).tags();
                    return (CLUSTER_B + "/" + NS + "/" + m.name()).equals(t.get(HANDOVER_TAG))
                            && owner(NS, m.name()).equals(t.get(Ownership.TAG));
                }),
                () -> emulator().endpoints().toString());
        JsonNode first = get(kubectl(), NS, OBJECTS.get(0).name()).orElseThrow();
        assertThat(readyMessage(first)).contains("handed over to cluster " + CLUSTER_B);
        assertThat(first.path("metadata").path("finalizers").toString())
                .as("the finalizer stays until the object is deleted (released then without a Delete)")
                .contains(FINALIZER);
        List<Emulator.Call> log = recorder.log();
        for (Mre m : OBJECTS) {
            assertThat(deleteCalls(log, m.name())).as("Delete of %s", m.name()).isZero();
        }
    }

    @Test
    @Order(3)
    void deleting_half_of_them_in_cluster_a_releases_the_finalizer_without_a_delete() {
        List<String> firstHalf = names(OBJECTS.subList(0, N / 2));
        List<String> args = new ArrayList<>(List.of("delete", "mre", "-n", NS, "--wait=false"));
        args.addAll(firstHalf);
        kubectl().ok(args.toArray(String[]::new));
        for (String name : firstHalf) {
            awaitGone(NS, name, Duration.ofSeconds(90));
        }
        List<Emulator.Call> log = recorder.log();
        for (Mre m : OBJECTS) {
            assertThat(deleteCalls(log, m.name())).as("Delete of %s", m.name()).isZero();
            Emulator.Endpoint ep = endpoint(m.name());
            assertThat(ep.status()).isEqualTo("READY");
            assertThat(ep.endpointId()).isEqualTo(IDS.get(m.name()));
            assertThat(ep.tags()).containsEntry(HANDOVER_TAG, CLUSTER_B + "/" + NS + "/" + m.name());
        }
    }

    @Test
    @Order(4)
    void the_same_twenty_objects_in_cluster_b_take_the_same_endpoints() {
        String uidA = Ownership.namespaceUid(kubectl(), NS);
        String uidB = Ownership.namespaceUid(kubectlB(), NS);
        assertThat(uidB)
                .as("B's namespace of the same name is another namespace")
                .isNotEqualTo(uidA);

        // the same manifest file: the same Git, applied to the new cluster
        kubectlB().ok("apply", "-f", manifest.toString());
        MreStatus.awaitAllReady(kubectlB(), NS, Duration.ofSeconds(180));
        for (Mre m : OBJECTS) {
            JsonNode b = get(kubectlB(), NS, m.name()).orElseThrow();
            assertThat(b.path("status").path("endpointId").asText())
                    .as("%s: the endpoint A made", m.name())
                    .isEqualTo(IDS.get(m.name()));
            Map<String, String> expected =
                    Ownership.expectedTags(CLUSTER_B, NS, uidB, m.name(), Map.of("team", "handover"));
            await(
                    m.name() + ": B's owner tag, no handover tag",
                    Duration.ofSeconds(30),
                    () -> expected.equals(endpoint(m.name()).tags()),
                    () -> endpoint(m.name()).tags().toString());
        }

        List<Emulator.Call> log = recorder.log();
        assertThat(recorder.complete()).as("the whole call log was recorded").isTrue();
        Progress.log(
                "  B's Creates of the 20 names: %d, all refused with AlreadyExists (the others found them in a List)",
                log.stream()
                        .filter(c -> KEY_B.equals(c.accessKeyId())
                                && c.is("CreateMultiRegionEndpoint", null)
                                && IDS.containsKey(c.endpointName()))
                        .count());
        for (Mre m : OBJECTS) {
            String name = m.name();
            assertThat(successfulCreates(log, name))
                    .as("successful Creates of %s", name)
                    .isEqualTo(1);
            assertThat(callsBy(log, KEY_A, "CreateMultiRegionEndpoint", name, "200"))
                    .as("A's Create of %s", name)
                    .isEqualTo(1);
            // B's first pass looks only at the last List of the scope: when that does not show the name yet it
            // creates, SES refuses the name, and B looks (docs/handover.md); never a second endpoint
            assertThat(log.stream()
                            .filter(c -> KEY_B.equals(c.accessKeyId())
                                    && c.is("CreateMultiRegionEndpoint", null)
                                    && name.equals(c.endpointName()))
                            .map(Emulator.Call::outcome)
                            .toList())
                    .as("outcomes of B's Creates of %s", name)
                    .allMatch("AlreadyExistsException"::equals);
            assertThat(deleteCalls(log, name)).as("Delete of %s", name).isZero();
            assertThat(callsBy(log, KEY_B, "TagResource", name, "200"))
                    .as("B's TagResource of %s (its owner tag)", name)
                    .isGreaterThanOrEqualTo(1);
            assertThat(callsBy(log, KEY_B, "UntagResource", name, "200"))
                    .as("B's UntagResource of %s (the handover tag)", name)
                    .isGreaterThanOrEqualTo(1);
            endpoint(name);
        }
    }

    @Test
    @Order(5)
    void the_rest_in_cluster_a_see_it_taken_and_their_deletion_deletes_nothing() {
        List<Mre> secondHalf = OBJECTS.subList(N / 2, N);
        // A learns that B took it at its next tag read: the tag resync period, or now with a refresh on demand; a
        // second refresh is a later pass on what the first one reported: still HandedOver, never a conflict
        for (String refresh : List.of("after-b-took-them-1", "after-b-took-them-2")) {
            kubectl().ok("annotate", "mre", "--all", "-n", NS, "ses.mre.dev/requested-at=" + refresh, "--overwrite");
            for (Mre m : secondHalf) {
                await(
                        m.name() + " in A, refresh " + refresh + " handled: HandedOver, no longer this object's",
                        Duration.ofSeconds(60),
                        () -> get(kubectl(), NS, m.name())
                                .filter(o -> refresh.equals(o.path("status")
                                                .path("lastHandledReconcileAt")
                                                .asText())
                                        && "False/HandedOver False False".equals(readyReconcilingStalled(o))
                                        && readyMessage(o).contains("no longer this object's"))
                                .isPresent(),
                        () -> get(kubectl(), NS, m.name())
                                .map(o -> o.path("status")
                                                .path("lastHandledReconcileAt")
                                                .asText() + ", " + conditions(o) + ": " + readyMessage(o))
                                .orElse("not found"));
            }
        }
        List<String> args = new ArrayList<>(List.of("delete", "mre", "-n", NS, "--wait=false"));
        args.addAll(names(secondHalf));
        kubectl().ok(args.toArray(String[]::new));
        for (Mre m : secondHalf) {
            awaitGone(NS, m.name(), Duration.ofSeconds(90));
        }

        String uidB = Ownership.namespaceUid(kubectlB(), NS);
        List<Emulator.Call> log = recorder.log();
        for (Mre m : OBJECTS) {
            String name = m.name();
            assertThat(deleteCalls(log, name)).as("Delete of %s", name).isZero();
            assertThat(successfulCreates(log, name))
                    .as("successful Creates of %s", name)
                    .isEqualTo(1);
            assertThat(callsBy(log, KEY_A, "TagResource", name, null))
                    .as("A's TagResource of %s: the handover tag only", name)
                    .isEqualTo(1);
            assertThat(callsBy(log, KEY_A, "UntagResource", name, null))
                    .as("A's UntagResource of %s", name)
                    .isZero();
            Emulator.Endpoint ep = endpoint(name);
            assertThat(ep.endpointId()).isEqualTo(IDS.get(name));
            assertThat(ep.tags())
                    .isEqualTo(Ownership.expectedTags(CLUSTER_B, NS, uidB, name, Map.of("team", "handover")));
            assertThat(get(kubectlB(), NS, name).map(MreStatus::isReadyAtGeneration))
                    .as("B's %s Ready", name)
                    .contains(true);
        }
        Progress.log("  %d endpoints handed over from %s to %s: one Create each, no Delete", N, CLUSTER_A, CLUSTER_B);
    }

    @Test
    @Order(6)
    void a_handover_to_another_cluster_another_namespace_or_without_an_owner_tag_is_refused_by_b() {
        // handed over by A, but to cluster e2e-c, and to B for the object of that name in namespace NS
        Mre toOtherCluster = Mre.of(NS, "to-other-cluster").endpointName("e2e-handover-to-other-cluster");
        Mre toOtherNamespace = Mre.of(NS, "to-other-namespace").endpointName("e2e-handover-to-other-namespace");
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest(
                                        "handover-refused-a.yaml",
                                        Mre.documents(List.of(toOtherCluster, toOtherNamespace)))
                                .toString());
        awaitReady(NS, toOtherCluster.name(), Duration.ofSeconds(90));
        awaitReady(NS, toOtherNamespace.name(), Duration.ofSeconds(90));
        kubectl().ok("annotate", "mre", toOtherCluster.name(), "-n", NS, HANDOVER_ANNOTATION + "=e2e-c");
        kubectl().ok("annotate", "mre", toOtherNamespace.name(), "-n", NS, HANDOVER_ANNOTATION + "=" + CLUSTER_B);
        awaitState(kubectl(), NS, toOtherCluster.name(), "False/HandedOver False False", Duration.ofSeconds(60));
        awaitState(kubectl(), NS, toOtherNamespace.name(), "False/HandedOver False False", Duration.ofSeconds(60));
        Map<String, String> otherClusterTags = new LinkedHashMap<>(expectedTags(NS, toOtherCluster.name(), Map.of()));
        otherClusterTags.put(HANDOVER_TAG, "e2e-c/" + NS + "/" + toOtherCluster.name());
        Map<String, String> otherNamespaceTags =
                new LinkedHashMap<>(expectedTags(NS, toOtherNamespace.name(), Map.of()));
        otherNamespaceTags.put(HANDOVER_TAG, CLUSTER_B + "/" + NS + "/" + toOtherNamespace.name());
        await(
                "the handover tags A wrote",
                Duration.ofSeconds(30),
                () -> otherClusterTags.equals(
                                endpoint(toOtherCluster.effectiveEndpointName()).tags())
                        && otherNamespaceTags.equals(endpoint(toOtherNamespace.effectiveEndpointName())
                                .tags()),
                () -> emulator().endpoints().toString());

        // forged: a handover tag naming exactly B's object, written by an AWS user on an endpoint no owner tag claims
        String forgedName = "e2e-handover-forged";
        try (SesV2Client awsUser = emulator().awsUser()) {
            awsUser.createMultiRegionEndpoint(r -> r.endpointName(forgedName)
                    .details(Details.builder()
                            .routesDetails(
                                    RouteDetails.builder().region("eu-west-1").build())
                            .build())
                    .tags(Tag.builder()
                            .key(HANDOVER_TAG)
                            .value(CLUSTER_B + "/" + NS + "/forged")
                            .build()));
        }
        Map<String, String> forgedTags = Map.of(HANDOVER_TAG, CLUSTER_B + "/" + NS + "/forged");

        // cluster B's objects of those names: none is taken
        Mre bOtherCluster = toOtherCluster.copy();
        Mre bOtherNamespace =
                Mre.of(OTHER_NS, toOtherNamespace.name()).endpointName(toOtherNamespace.effectiveEndpointName());
        Mre bForged = Mre.of(NS, "forged").endpointName(forgedName);
        List<Mre> inB = List.of(bOtherCluster, bOtherNamespace, bForged);
        kubectlB()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("handover-refused-b.yaml", Mre.documents(inB))
                                .toString());
        for (Mre m : inB) {
            awaitState(
                    kubectlB(),
                    m.namespace(),
                    m.name(),
                    "False/EndpointNameConflict False True",
                    Duration.ofSeconds(90));
        }
        Awaitility.await("B's three objects stay refused")
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> inB.stream()
                        .allMatch(m -> get(kubectlB(), m.namespace(), m.name())
                                .map(A16HandoverTest::readyReconcilingStalled)
                                .filter("False/EndpointNameConflict False True"::equals)
                                .isPresent()));
        assertThat(readyMessage(get(kubectlB(), NS, "forged").orElseThrow()))
                .contains("owned by another object or by none that may give it to this one");

        List<Emulator.Call> log = recorder.log();
        for (Mre m : inB) {
            String name = m.effectiveEndpointName();
            for (String op : List.of("TagResource", "UntagResource", "DeleteMultiRegionEndpoint")) {
                assertThat(callsBy(log, KEY_B, op, name, null))
                        .as("B's %s of %s", op, name)
                        .isZero();
            }
            assertThat(callsBy(log, KEY_B, "CreateMultiRegionEndpoint", name, "200"))
                    .as("B's successful Create of %s", name)
                    .isZero();
            assertThat(deleteCalls(log, name)).as("Delete of %s", name).isZero();
        }
        assertThat(endpoint(toOtherCluster.effectiveEndpointName()).tags()).isEqualTo(otherClusterTags);
        assertThat(endpoint(toOtherNamespace.effectiveEndpointName()).tags()).isEqualTo(otherNamespaceTags);
        assertThat(endpoint(forgedName).tags()).isEqualTo(forgedTags);
        // and A's object handed to B still sees it as handed over, not taken
        assertThat(readyMessage(get(kubectl(), NS, toOtherNamespace.name()).orElseThrow()))
                .contains("is handed over to cluster " + CLUSTER_B)
                .doesNotContain("no longer this object's");
    }

    @Test
    @Order(7)
    void an_invalid_handover_annotation_is_InvalidSpec_calls_nothing_and_its_deletion_deletes_nothing() {
        Mre m = Mre.of(NS, "bad-handover").endpointName("e2e-handover-bad-annotation");
        kubectl().ok("apply", "-f", writeManifest("handover-bad.yaml", m.yaml()).toString());
        awaitReady(NS, m.name(), Duration.ofSeconds(90));
        String name = m.effectiveEndpointName();
        Map<String, String> tags = endpoint(name).tags();
        long callsBefore = recorder.log().stream()
                .filter(c -> name.equals(c.endpointName()))
                .count();

        kubectl().ok("annotate", "mre", m.name(), "-n", NS, HANDOVER_ANNOTATION + "=cluster b!");
        awaitState(kubectl(), NS, m.name(), "False/InvalidSpec False True", Duration.ofSeconds(60));
        assertThat(readyMessage(get(kubectl(), NS, m.name()).orElseThrow()))
                .contains("metadata.annotations[" + HANDOVER_ANNOTATION + "]")
                .contains("cluster b!");

        kubectl().ok("annotate", "mre", m.name(), "-n", NS, HANDOVER_ANNOTATION + "=" + CLUSTER_A, "--overwrite");
        await(
                "the own cluster id is refused too",
                Duration.ofSeconds(60),
                () -> readyMessage(get(kubectl(), NS, m.name()).orElseThrow()).contains("this cluster's own id"),
                () -> readyMessage(get(kubectl(), NS, m.name()).orElseThrow()));
        assertThat(readyReconcilingStalled(get(kubectl(), NS, m.name()).orElseThrow()))
                .isEqualTo("False/InvalidSpec False True");

        kubectl().ok("delete", "mre", m.name(), "-n", NS, "--wait=false");
        awaitGone(NS, m.name(), Duration.ofSeconds(60));
        List<Emulator.Call> log = recorder.log();
        assertThat(log.stream().filter(c -> name.equals(c.endpointName())).count())
                .as("no SES call for %s since the invalid annotation", name)
                .isEqualTo(callsBefore);
        assertThat(deleteCalls(log, name)).isZero();
        Emulator.Endpoint ep = endpoint(name);
        assertThat(ep.status()).isEqualTo("READY");
        assertThat(ep.tags()).isEqualTo(tags);
    }
}
