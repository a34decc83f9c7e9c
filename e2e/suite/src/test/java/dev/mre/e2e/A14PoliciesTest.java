package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Ownership;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateMultiRegionEndpointResponse;
import software.amazon.awssdk.services.sesv2.model.Details;
import software.amazon.awssdk.services.sesv2.model.RouteDetails;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.Tag;

/**
 * Issue 21 parts 1 and 2 on the real control plane, with kubectl and the AWS SDK only:
 * <ol>
 *   <li>an observe-only object for an endpoint made outside Kubernetes waits {@code NotFound}, goes Ready when it
 *       appears, never writes to it, and its deletion leaves it;</li>
 *   <li>the same under an AWS identity that has exactly {@code docs/iam/observe-only-policy.json} (List, Get,
 *       ListTags, GetCallerIdentity): an emulator of its own holds that user (in the policy's account) with the file
 *       as its policy, and an operator process signs with that user's key. The suite's operator is stopped meanwhile
 *       (it watches every namespace and signs with the emulator's unrestricted key: it would observe the object too),
 *       and started again afterwards;</li>
 *   <li>Manage to ObserveOnly keeps the endpoint and its tags and stops managing (a tag edit writes nothing, the
 *       deletion deletes nothing);</li>
 *   <li>ObserveOnly to Manage on an endpoint the object does not own is the adoption rule, not a take-over:
 *       {@code EndpointNameConflict} naming the adoptable tag, adopted only once the AWS user writes it;</li>
 *   <li>refresh on demand: a new value of {@code ses.mre.dev/requested-at} costs one Get and one ListTags of that
 *       endpoint and lands in {@code status.lastHandledReconcileAt}; the same value again costs nothing.</li>
 * </ol>
 */
@Order(14)
@DisplayName("A14 management policies: observe-only, read-only identity, switches, refresh on demand")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class A14PoliciesTest extends E2eTest {

    static final String NS = "e2e-policies";
    static final String OUTSIDE = "e2e-policies-made-outside";
    static final String SWITCHED = "e2e-policies-switched";
    static final String TERRAFORM = "e2e-policies-terraform";
    static final String REFRESHED = "e2e-policies-refreshed";

    /** The read-only identity: the account docs/iam/observe-only-policy.json names in its resources, as written. */
    static final String RO_NS = "e2e-policies-read-only";

    static final String RO_ACCOUNT = "111122223333";
    static final String RO_ENDPOINT = "e2e-policies-read-only";
    static final String OBSERVER_KEY = "AKIDOBSERVER";
    static final String OBSERVER_SECRET = "observer-secret";
    static final String OBSERVER_ARN = "arn:aws:iam::" + RO_ACCOUNT + ":user/observer";
    /** Another user of that account, without a policy (may do everything): Terraform in another pipeline. */
    static final String TERRAFORM_KEY = "AKIDTERRAFORM";

    static final String TERRAFORM_SECRET = "terraform-secret";

    static final List<String> WRITES =
            List.of("CreateMultiRegionEndpoint", "TagResource", "UntagResource", "DeleteMultiRegionEndpoint");
    static final String REQUESTED_AT = "ses.mre.dev/requested-at";

    static SesV2Client awsUser;

    @BeforeAll
    static void namespaceAndAnAwsUser() {
        harness().namespace(NS);
        awsUser = ses(emulator().endpoint(), Emulator.ACCESS_KEY, Emulator.SECRET_KEY);
    }

    @AfterAll
    static void cleanUp() {
        kubectl().quiet("delete", "mre", "--all", "-n", NS, "--wait=true", "--timeout=90s");
        if (awsUser != null) {
            awsUser.close();
        }
    }

    static SesV2Client ses(URI endpoint, String key, String secret) {
        return SesV2Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    static CreateMultiRegionEndpointResponse createOutside(SesV2Client client, String name) {
        return client.createMultiRegionEndpoint(r -> r.endpointName(name)
                .details(Details.builder()
                        .routesDetails(
                                RouteDetails.builder().region("eu-west-1").build())
                        .build())
                .tags(Tag.builder().key("made-by").value("terraform").build()));
    }

    static String reason(String ns, String name) {
        return mre(ns, name)
                .flatMap(m -> condition(m, "Ready"))
                .map(c -> c.path("status").asText() + "/" + c.path("reason").asText())
                .orElse("");
    }

    static String readyMessage(String ns, String name) {
        return mre(ns, name)
                .flatMap(m -> condition(m, "Ready"))
                .map(c -> c.path("message").asText())
                .orElse("");
    }

    static long writes(String endpointName, String operation) {
        return emulator().calls().stream()
                .filter(c -> endpointName.equals(c.endpointName()) && operation.equals(c.operation()))
                .count();
    }

    /** Create, TagResource, UntagResource and Delete calls naming the endpoint, whatever their outcome. */
    static Map<String, Long> allWrites(String endpointName) {
        List<Emulator.Call> log = emulator().calls();
        return WRITES.stream()
                .collect(java.util.stream.Collectors.toMap(
                        op -> op, op -> calls(log, op, endpointName, null), (a, b) -> a, java.util.TreeMap::new));
    }

    static Emulator.Endpoint endpointNamed(Emulator emu, String name) {
        List<Emulator.Endpoint> eps = emu.endpointsNamed(name);
        assertThat(eps).as("endpoints named %s", name).hasSize(1);
        return eps.get(0);
    }

    static void apply(String file, String yaml) {
        kubectl().ok("apply", "-f", writeManifest(file, yaml).toString());
    }

    static void patchSpec(String ns, String name, String specJson) {
        kubectl().ok("patch", "mre", name, "-n", ns, "--type=merge", "-p", "{\"spec\":" + specJson + "}");
    }

    @Test
    @Order(1)
    void an_observe_only_object_waits_for_an_endpoint_made_outside_and_never_writes_to_it() {
        String yaml = "apiVersion: ses.mre.dev/v1alpha1\nkind: MultiRegionEndpoint\nmetadata:\n  name: observer\n"
                + "  namespace: " + NS + "\nspec:\n  endpointName: " + OUTSIDE + "\n  region: us-east-1\n"
                + "  managementPolicy: ObserveOnly\n"
                + "  details:\n    routesDetails:\n      - region: eu-west-1\n";
        kubectl()
                .ok("apply", "-f", writeManifest("policies-observer.yaml", yaml).toString());
        await(
                "an observe-only object for a missing endpoint is Ready=False/NotFound",
                Duration.ofSeconds(60),
                () -> "False/NotFound".equals(reason(NS, "observer")),
                () -> reason(NS, "observer"));
        assertThat(mre(NS, "observer")
                        .flatMap(m -> condition(m, "Reconciling"))
                        .map(c -> c.path("status").asText())
                        .orElse(""))
                .isEqualTo("True");

        CreateMultiRegionEndpointResponse made = createOutside(awsUser, OUTSIDE);
        JsonNode ready = awaitReady(NS, "observer", Duration.ofSeconds(120));
        assertThat(ready.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());
        // the only Create is the AWS user's; the operator wrote nothing
        assertThat(writes(OUTSIDE, "CreateMultiRegionEndpoint")).isEqualTo(1);
        for (String op : List.of("DeleteMultiRegionEndpoint", "TagResource", "UntagResource")) {
            assertThat(writes(OUTSIDE, op)).as(op).isZero();
        }

        kubectl().ok("delete", "mre", "observer", "-n", NS, "--wait=false");
        awaitGone(NS, "observer", Duration.ofSeconds(60));
        Emulator.Endpoint ep = emulator().endpointsNamed(OUTSIDE).get(0);
        assertThat(ep.tags()).containsEntry("made-by", "terraform");
        assertThat(writes(OUTSIDE, "DeleteMultiRegionEndpoint")).isZero();
    }

    @Test
    @Order(2)
    void an_observe_only_object_works_under_an_identity_that_may_only_list_get_and_list_tags() throws Exception {
        Path policyFile = repo().resolve("docs/iam/observe-only-policy.json");
        harness().namespace(RO_NS);
        Emulator ro = harness()
                .startEmulator(
                        "emulator-read-only",
                        List.of(
                                "--create-delay",
                                "1s",
                                "--credentials",
                                OBSERVER_KEY + ":" + OBSERVER_SECRET + ":" + RO_ACCOUNT + ":observer",
                                "--credentials",
                                TERRAFORM_KEY + ":" + TERRAFORM_SECRET + ":" + RO_ACCOUNT + ":terraform",
                                "--policy",
                                OBSERVER_ARN + "=@" + policyFile));
        try (SesV2Client terraform = ses(ro.endpoint(), TERRAFORM_KEY, TERRAFORM_SECRET);
                SesV2Client observer = ses(ro.endpoint(), OBSERVER_KEY, OBSERVER_SECRET)) {
            // the observer's policy in the emulator is the documented file, word for word
            assertThat(ro.currentSettings().path("policies").path(OBSERVER_ARN))
                    .isEqualTo(Json.parse(Files.readString(policyFile)));

            // the suite's operator would observe the object too (every namespace, an unrestricted key): it pauses
            operator().stop();
            try {
                OperatorProcess readOnly = harness()
                        .startOperator(
                                "operator-read-only",
                                Repo.operatorJar(),
                                suite().identity(),
                                ro,
                                Map.of(
                                        "SES_MRE_CLUSTER_ID",
                                        E2eExtension.CLUSTER_ID,
                                        "SES_MRE_RESYNC_PERIOD",
                                        "20s",
                                        "SES_MRE_WATCH_NAMESPACES",
                                        RO_NS,
                                        "AWS_ACCESS_KEY_ID",
                                        OBSERVER_KEY,
                                        "AWS_SECRET_ACCESS_KEY",
                                        OBSERVER_SECRET));
                try {
                    readOnly.awaitReady(Duration.ofSeconds(90));
                    observeUnderTheReadOnlyIdentity(ro, terraform);
                } finally {
                    readOnly.stop();
                }
            } finally {
                operator().restart();
                operator().awaitReady(Duration.ofSeconds(90));
            }

            // every call the operator made was one the policy allows, and SES allowed it: no AccessDenied, no write
            List<Emulator.Call> log = ro.calls();
            List<Emulator.Call> byOperator = log.stream()
                    .filter(c -> OBSERVER_KEY.equals(c.accessKeyId()))
                    .toList();
            Progress.log(
                    "  read-only operator: %d calls, by operation %s",
                    byOperator.size(),
                    byOperator.stream()
                            .collect(java.util.stream.Collectors.groupingBy(
                                    Emulator.Call::operation,
                                    java.util.TreeMap::new,
                                    java.util.stream.Collectors.counting())));
            assertThat(byOperator).isNotEmpty();
            assertThat(byOperator)
                    .extracting(Emulator.Call::operation)
                    .allMatch(op -> Set.of(
                                    "ListMultiRegionEndpoints",
                                    "GetMultiRegionEndpoint",
                                    "ListTagsForResource",
                                    "GetCallerIdentity")
                            .contains(op));
            assertThat(byOperator)
                    .as("every call of the read-only operator answered 200")
                    .allMatch(c -> "200".equals(c.outcome()));
            assertThat(byOperator)
                    .as("signed by the policy's user")
                    .allMatch(c -> OBSERVER_ARN.equals(c.principalArn()));
            assertThat(ro.counters().outcome("AccessDeniedException"))
                    .as("AccessDenied answers")
                    .isZero();
            assertThat(log.stream().filter(c -> WRITES.contains(c.operation())))
                    .as("writes: only Terraform's Create")
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.operation()).isEqualTo("CreateMultiRegionEndpoint");
                        assertThat(c.accessKeyId()).isEqualTo(TERRAFORM_KEY);
                    });
            assertThat(kubectl()
                            .ok(
                                    "get",
                                    "events",
                                    "-n",
                                    RO_NS,
                                    "--field-selector",
                                    "involvedObject.name=read-only",
                                    "-o",
                                    "jsonpath={.items[*].reason}")
                            .stdout())
                    .as("the object's events")
                    .doesNotContain("AccessDenied");

            // and the identity really is read-only: the same key may not tag the endpoint
            String arn = "arn:aws:ses:us-east-1:" + RO_ACCOUNT + ":multi-region-endpoint/" + RO_ENDPOINT;
            assertThatThrownBy(() -> observer.tagResource(r -> r.resourceArn(arn)
                            .tags(Tag.builder().key("k").value("v").build())))
                    .isInstanceOf(SesV2Exception.class)
                    .hasMessageContaining("Status Code: 403")
                    .hasMessageContaining("ses:TagResource");
            Emulator.Endpoint ep = endpointNamed(ro, RO_ENDPOINT);
            assertThat(ep.tags()).isEqualTo(Map.of("made-by", "terraform"));
        } finally {
            ro.close();
        }
    }

    /** NotFound, Terraform creates it, Ready with its id and account, a refresh (Get + ListTags), deletion. */
    private static void observeUnderTheReadOnlyIdentity(Emulator ro, SesV2Client terraform) {
        apply(
                "policies-read-only.yaml",
                Mre.of(RO_NS, "read-only")
                        .endpointName(RO_ENDPOINT)
                        .managementPolicy("ObserveOnly")
                        .yaml());
        await(
                "the observe-only object under the read-only identity is Ready=False/NotFound",
                Duration.ofSeconds(60),
                () -> "False/NotFound".equals(reason(RO_NS, "read-only")),
                () -> reason(RO_NS, "read-only"));

        CreateMultiRegionEndpointResponse made = createOutside(terraform, RO_ENDPOINT);
        JsonNode ready = awaitReady(RO_NS, "read-only", Duration.ofSeconds(90));
        assertThat(ready.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());
        assertThat(ready.path("status").path("accountId").asText()).isEqualTo(RO_ACCOUNT);
        assertThat(ready.path("status").path("endpointStatus").asText()).isEqualTo("READY");

        // a refresh under the same identity: a Get and a tag read, both allowed
        kubectl().ok("annotate", "mre", "read-only", "-n", RO_NS, REQUESTED_AT + "=read-only-1", "--overwrite");
        await(
                "status.lastHandledReconcileAt = read-only-1",
                Duration.ofSeconds(60),
                () -> "read-only-1".equals(lastHandled(RO_NS, "read-only")),
                () -> lastHandled(RO_NS, "read-only"));
        List<Emulator.Call> log = ro.calls();
        assertThat(calls(log, "GetMultiRegionEndpoint", RO_ENDPOINT, "200")).isGreaterThanOrEqualTo(1);
        assertThat(calls(log, "ListTagsForResource", RO_ENDPOINT, "200")).isGreaterThanOrEqualTo(1);
        assertThat(reason(RO_NS, "read-only")).isEqualTo("True/Available");

        kubectl().ok("delete", "mre", "read-only", "-n", RO_NS, "--wait=false");
        awaitGone(RO_NS, "read-only", Duration.ofSeconds(60));
        assertThat(endpointNamed(ro, RO_ENDPOINT).status()).isEqualTo("READY");
    }

    static String lastHandled(String ns, String name) {
        return mre(ns, name)
                .map(m -> m.path("status").path("lastHandledReconcileAt").asText(""))
                .orElse("");
    }

    @Test
    @Order(3)
    void manage_to_observe_only_keeps_the_endpoint_and_its_tags_and_stops_managing() {
        Mre m = Mre.of(NS, "switched").endpointName(SWITCHED).tag("team", "mail");
        apply("policies-switched.yaml", m.yaml());
        JsonNode managed = awaitReady(NS, "switched", Duration.ofSeconds(90));
        String id = managed.path("status").path("endpointId").asText();
        Map<String, String> tags = expectedTags(NS, "switched", Map.of("team", "mail"));
        assertThat(endpointNamed(emulator(), SWITCHED).tags()).isEqualTo(tags);
        Map<String, Long> before = allWrites(SWITCHED);

        patchSpec(NS, "switched", "{\"managementPolicy\":\"ObserveOnly\"}");
        JsonNode observed = awaitReady(NS, "switched", Duration.ofSeconds(60));
        assertThat(observed.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(observed.path("status").path("endpointId").asText()).isEqualTo(id);
        assertThat(readyMessage(NS, "switched")).contains("observed only");
        assertThat(endpointNamed(emulator(), SWITCHED).tags())
                .as("the endpoint keeps its tags, the owner tag among them")
                .isEqualTo(tags);

        // a tag edit is no longer applied
        patchSpec(
                NS,
                "switched",
                "{\"tags\":[{\"key\":\"team\",\"value\":\"payments\"},{\"key\":\"cost\",\"value\":\"42\"}]}");
        JsonNode edited = awaitReady(NS, "switched", Duration.ofSeconds(60));
        assertThat(edited.path("metadata").path("generation").asLong()).isEqualTo(3);
        assertThat(endpointNamed(emulator(), SWITCHED).tags()).isEqualTo(tags);
        assertThat(allWrites(SWITCHED))
                .as("no Create, Tag, Untag or Delete since the switch")
                .isEqualTo(before);

        // nor is the deletion: the endpoint stays, as it was
        kubectl().ok("delete", "mre", "switched", "-n", NS, "--wait=false");
        awaitGone(NS, "switched", Duration.ofSeconds(60));
        Emulator.Endpoint left = endpointNamed(emulator(), SWITCHED);
        assertThat(left.endpointId()).isEqualTo(id);
        assertThat(left.status()).isEqualTo("READY");
        assertThat(left.tags()).isEqualTo(tags);
        assertThat(allWrites(SWITCHED)).as("no Delete either").isEqualTo(before);
    }

    @Test
    @Order(4)
    void observe_only_to_manage_on_an_endpoint_not_its_own_is_the_adoption_rule_not_a_take_over() {
        CreateMultiRegionEndpointResponse made = createOutside(awsUser, TERRAFORM);
        apply(
                "policies-taker.yaml",
                Mre.of(NS, "taker")
                        .endpointName(TERRAFORM)
                        .adoptionPolicy("Adopt")
                        .managementPolicy("ObserveOnly")
                        .yaml());
        JsonNode observed = awaitReady(NS, "taker", Duration.ofSeconds(90));
        assertThat(observed.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());

        patchSpec(NS, "taker", "{\"managementPolicy\":\"Manage\"}");
        await(
                "ObserveOnly -> Manage on an endpoint with no owner tag: Ready=False/EndpointNameConflict",
                Duration.ofSeconds(60),
                () -> "False/EndpointNameConflict".equals(reason(NS, "taker")),
                () -> reason(NS, "taker"));
        String marker = "ses.mre.dev/adoptable=" + E2eExtension.CLUSTER_ID + "/" + NS + "/taker";
        assertThat(readyMessage(NS, "taker")).contains(marker);
        assertThat(object("taker").path("status").path("observedGeneration").asLong())
                .isEqualTo(2);
        assertThat(condition(object("taker"), "Stalled")
                        .map(c -> c.path("status").asText())
                        .orElse(""))
                .isEqualTo("True");
        // it stays refused, and nothing is written to the endpoint
        Awaitility.await("taker stays refused")
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> "False/EndpointNameConflict".equals(reason(NS, "taker")));
        assertThat(allWrites(TERRAFORM))
                .as("only the AWS user's Create")
                .isEqualTo(Map.of(
                        "CreateMultiRegionEndpoint", 1L,
                        "DeleteMultiRegionEndpoint", 0L,
                        "TagResource", 0L,
                        "UntagResource", 0L));
        assertThat(endpointNamed(emulator(), TERRAFORM).tags()).isEqualTo(Map.of("made-by", "terraform"));

        // the owner in AWS marks it for exactly this object: adopted, the owner tag written, the marker gone
        String arn = "arn:aws:ses:us-east-1:" + Emulator.ACCOUNT_ID + ":multi-region-endpoint/" + TERRAFORM;
        awsUser.tagResource(r -> r.resourceArn(arn)
                .tags(Tag.builder()
                        .key("ses.mre.dev/adoptable")
                        .value(E2eExtension.CLUSTER_ID + "/" + NS + "/taker")
                        .build()));
        JsonNode adopted = awaitReady(NS, "taker", Duration.ofSeconds(150));
        assertThat(adopted.path("status").path("endpointId").asText()).isEqualTo(made.endpointId());
        assertThat(endpointNamed(emulator(), TERRAFORM).tags())
                .containsEntry(Ownership.TAG, owner(NS, "taker"))
                .doesNotContainKey("ses.mre.dev/adoptable");
        assertThat(successfulCreates(emulator().calls(), TERRAFORM))
                .as("the operator never created it")
                .isEqualTo(1);
    }

    static JsonNode object(String name) {
        return mre(NS, name).orElseThrow();
    }

    static long readsOf(String endpointName, String operation) {
        return calls(emulator().calls(), operation, endpointName, null);
    }

    static String readCounts(String endpointName) {
        return "Get " + readsOf(endpointName, "GetMultiRegionEndpoint") + ", ListTags "
                + readsOf(endpointName, "ListTagsForResource");
    }

    @Test
    @Order(5)
    void a_new_requested_at_value_costs_one_get_and_one_tag_read_the_same_value_costs_nothing() {
        apply(
                "policies-refreshed.yaml",
                Mre.of(NS, "refreshed").endpointName(REFRESHED).yaml());
        awaitReady(NS, "refreshed", Duration.ofSeconds(90));
        // the pass that saw it READY has written its status; nothing else is under way for it
        Conditions.awaitQuiet(
                "SES calls for " + REFRESHED + " settled",
                () -> (long) emulator().calls().stream()
                        .filter(c -> REFRESHED.equals(c.endpointName()))
                        .count(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(30));
        long gets = readsOf(REFRESHED, "GetMultiRegionEndpoint");
        long tagReads = readsOf(REFRESHED, "ListTagsForResource");

        String v1 = "2026-01-01T00:00:01Z";
        kubectl().ok("annotate", "mre", "refreshed", "-n", NS, REQUESTED_AT + "=" + v1, "--overwrite");
        await(
                "status.lastHandledReconcileAt = " + v1,
                Duration.ofSeconds(60),
                () -> v1.equals(lastHandled(NS, "refreshed")),
                () -> lastHandled(NS, "refreshed") + "; " + readCounts(REFRESHED));
        assertThat(readsOf(REFRESHED, "GetMultiRegionEndpoint")).as("Get").isEqualTo(gets + 1);
        assertThat(readsOf(REFRESHED, "ListTagsForResource")).as("ListTags").isEqualTo(tagReads + 1);
        assertThat(reason(NS, "refreshed")).isEqualTo("True/Available");

        // the same value again, in a metadata change the operator is told about: handled already, no call
        String rv = object("refreshed").path("metadata").path("resourceVersion").asText();
        kubectl()
                .ok(
                        "annotate",
                        "mre",
                        "refreshed",
                        "-n",
                        NS,
                        REQUESTED_AT + "=" + v1,
                        "e2e.mre.dev/touched=1",
                        "--overwrite");
        assertThat(object("refreshed").path("metadata").path("resourceVersion").asText())
                .isNotEqualTo(rv);
        assertThat(Conditions.awaitQuiet(
                        "SES reads of " + REFRESHED + " after the same value",
                        () -> readsOf(REFRESHED, "GetMultiRegionEndpoint") + readsOf(REFRESHED, "ListTagsForResource"),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30)))
                .isTrue();
        assertThat(readsOf(REFRESHED, "GetMultiRegionEndpoint")).as("Get").isEqualTo(gets + 1);
        assertThat(readsOf(REFRESHED, "ListTagsForResource")).as("ListTags").isEqualTo(tagReads + 1);
        assertThat(lastHandled(NS, "refreshed")).isEqualTo(v1);

        // a new value is handled once more, once
        String v2 = "2026-01-01T00:00:02Z";
        kubectl().ok("annotate", "mre", "refreshed", "-n", NS, REQUESTED_AT + "=" + v2, "--overwrite");
        await(
                "status.lastHandledReconcileAt = " + v2,
                Duration.ofSeconds(60),
                () -> v2.equals(lastHandled(NS, "refreshed")),
                () -> lastHandled(NS, "refreshed") + "; " + readCounts(REFRESHED));
        assertThat(Conditions.awaitQuiet(
                        "SES reads of " + REFRESHED + " after " + v2,
                        () -> readsOf(REFRESHED, "GetMultiRegionEndpoint") + readsOf(REFRESHED, "ListTagsForResource"),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30)))
                .isTrue();
        assertThat(readsOf(REFRESHED, "GetMultiRegionEndpoint")).as("Get").isEqualTo(gets + 2);
        assertThat(readsOf(REFRESHED, "ListTagsForResource")).as("ListTags").isEqualTo(tagReads + 2);
        assertThat(allWrites(REFRESHED))
                .as("a refresh writes nothing")
                .isEqualTo(Map.of(
                        "CreateMultiRegionEndpoint", 1L,
                        "DeleteMultiRegionEndpoint", 0L,
                        "TagResource", 0L,
                        "UntagResource", 0L));
    }
}
