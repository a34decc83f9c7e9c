package dev.mre.e2e.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Harness;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.MreStatus;
import dev.mre.e2e.harness.OperatorProcess;
import dev.mre.e2e.harness.Pacing;
import dev.mre.e2e.harness.Params;
import dev.mre.e2e.harness.Progress;
import dev.mre.e2e.harness.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;

/**
 * The chart's alerts and dashboard against a real Prometheus (e2e/monitoring/README.md): prometheus, built from the
 * Prometheus module like promtool, runs on 127.0.0.1, scrapes the operator process every 2 s and evaluates the
 * rendered rules, while objects are created, retagged and deleted under SES faults (429, 500, dropped connections),
 * one endpoint ends FAILED, three objects name what they send with (one SendingReady=True, two False/ReplicaMissing,
 * which is also an Event), AWS refuses TagResource for a while and the operator's right to write status is taken
 * away for a while (reconciliations fail). Then every dashboard expression must return at least one series, and so
 * must every series selector of every alert and each alert's measure (its left side before the threshold); every
 * rule must evaluate without error; the dashboard's key panels are drawn from this run's data (monitoring.png).
 */
@Tag("monitoring")
class MonitoringRun {

    static final String NAMESPACE = "monitoring";
    static final String RELEASE = "ses-mre-operator-mon";
    static final String SYSTEM_NAMESPACE = "ses-mre-mon";
    static final int OBJECTS = Params.integer("monitoring.objects", 30);
    /** A domain verified in both regions (objects naming it are SendingReady=True) and one only in the primary. */
    static final String SENDING_DOMAIN = "mon.example.com";

    static final String HALF_DOMAIN = "half.example.com";
    /** The objects that become Ready: the numbered ones and the three with spec.sending. */
    static final int READY = OBJECTS + 3;
    /** How long each phase is held while Prometheus scrapes, so that the panels show it (monitoring.window). */
    static final Duration WINDOW = Params.duration("monitoring.window", Duration.ofSeconds(30));

    @Test
    void every_expression_has_series() throws Exception {
        Path repo = Repo.root();
        Path work = repo.resolve("e2e/suite/target/monitoring");
        Path script = repo.resolve("e2e/monitoring/monitoring.sh");
        Path exprs = repo.resolve("e2e/monitoring/exprs.py");
        Path dashboard = repo.resolve("helm/ses-mre-operator/dashboards/ses-mre-operator.json");
        Path png = Path.of(
                Params.str("monitoring.png", work.resolve("dashboard.png").toString()));
        Files.createDirectories(work);
        Path rendered = work.resolve("render");
        Path prom = work.resolve("prometheus");
        Files.createDirectories(rendered);
        Cmd.of("bash", script.toString(), "render", rendered.toString())
                .timeout(Duration.ofMinutes(5))
                .run()
                .orThrow();

        try (Harness h = Harness.start("monitoring", work)) {
            h.applyCrds();
            Harness.OperatorIdentity id =
                    h.installOperatorRbac(RELEASE, SYSTEM_NAMESPACE, "4h", "leaderElection.enabled=true");
            h.namespace(NAMESPACE);
            Emulator emu = h.startEmulator(
                    "emulator",
                    List.of(
                            "--create-delay", "2s",
                            "--delete-delay", "2s",
                            "--throttle-rate", "0.08",
                            "--error-rate-500", "0.08",
                            "--drop-connection-rate", "0.03",
                            "--fail-provisioning-names", "failing",
                            "--seed", "20261207"));
            OperatorProcess op = h.startOperator(
                    "operator",
                    Repo.operatorJar(),
                    id,
                    emu,
                    Map.of(
                            "SES_MRE_CLUSTER_ID", "monitoring",
                            "SES_MRE_LEADER_ELECTION", "true",
                            "SES_MRE_LEADER_ELECTION_NAMESPACE", id.namespace(),
                            "POD_NAME", "operator-0",
                            "SES_MRE_RESYNC_PERIOD", "20s"));
            op.awaitReady(Duration.ofSeconds(90));
            String url = Cmd.of(
                            "bash",
                            script.toString(),
                            "prometheus-up",
                            "127.0.0.1:" + op.opsPort(),
                            prom.toString(),
                            rendered.resolve("rules.yaml").toString())
                    .timeout(Duration.ofMinutes(10))
                    .run()
                    .orThrow()
                    .stdout()
                    .strip();
            Progress.log("  prometheus: %s", url);
            long start = System.currentTimeMillis() / 1000;
            try {
                // ---- objects created under faults; one endpoint ends FAILED; two name what they send with ----
                createVerifiedIdentity(emu, Region.US_EAST_1, SENDING_DOMAIN);
                createVerifiedIdentity(emu, Region.EU_WEST_1, SENDING_DOMAIN);
                createVerifiedIdentity(emu, Region.US_EAST_1, HALF_DOMAIN);
                List<Mre> objects = new ArrayList<>(Mre.numbered(NAMESPACE, "mon", OBJECTS));
                objects.add(Mre.of(NAMESPACE, "failing-0").tag("team", "mon"));
                objects.add(
                        Mre.of(NAMESPACE, "sending-ready").tag("team", "mon").sending(SENDING_DOMAIN));
                objects.add(
                        Mre.of(NAMESPACE, "sending-missing").tag("team", "mon").sending(HALF_DOMAIN));
                objects.add(Mre.of(NAMESPACE, "sending-missing-2")
                        .tag("team", "mon")
                        .sending(HALF_DOMAIN));
                apply(h, work.resolve("objects.yaml"), objects);
                Conditions.await(
                        READY + " objects Ready, one Stalled/ProvisioningFailed",
                        Duration.ofMinutes(4),
                        Duration.ofSeconds(2),
                        () -> readyCount(h) == READY,
                        () -> "Ready: " + readyCount(h));
                // SendingReady through the gauge into Prometheus: True for one, False/ReplicaMissing for the others
                String gauge = "max(ses_mre_sending_ready_objects{reason=\"%s\"})";
                Conditions.await(
                        "Prometheus sees one object SendingReady=True and two False/ReplicaMissing",
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(2),
                        () -> promValue(url, gauge.formatted("Ready")) == 1
                                && promValue(url, gauge.formatted("ReplicaMissing")) == 2,
                        () -> sendingConditions(h));
                assertThat(h.kubectl()
                                .getJson(
                                        "events",
                                        "-n",
                                        NAMESPACE,
                                        "--field-selector",
                                        "involvedObject.name=sending-missing")
                                .orElseThrow()
                                .path("items")
                                .findValuesAsText("reason"))
                        .as("the transition to SendingReady=False/ReplicaMissing is an Event")
                        .contains("ReplicaMissing");
                Pacing.pause(WINDOW, "the converged state, scraped");

                // ---- AWS refuses TagResource while every object is retagged ----
                emu.settings(Map.of("denyActions", List.of("TagResource")));
                objects.replaceAll(m -> m.copy().tag("phase", "retag"));
                apply(h, work.resolve("objects.yaml"), objects);
                Conditions.await(
                        "TagResource answered AccessDeniedException",
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(1),
                        () -> emu.counters().count("TagResource", "AccessDeniedException") > 0,
                        () -> emu.counters().byOperation().toString());
                Pacing.pause(WINDOW, "AWS refusing TagResource, scraped");
                emu.settings(Map.of("denyActions", List.of()));

                // ---- the operator may not write status for a while: reconciliations fail ----
                String role = "clusterrole/" + RELEASE;
                String saved = h.kubectl().getJson(role).orElseThrow().toString();
                h.kubectl().ok("patch", role, "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/rules/1\"}]");
                objects.replaceAll(m -> m.copy().tag("phase", "no-status"));
                apply(h, work.resolve("objects.yaml"), objects);
                Conditions.await(
                        "a reconciliation failed (operator_sdk_reconciliations_failed_total)",
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(1),
                        () -> op.metrics().contains("operator_sdk_reconciliations_failed_total"),
                        () -> op.tail(5));
                Pacing.pause(WINDOW, "status writes refused, scraped");
                Path restore = Files.writeString(
                        work.resolve("clusterrole.json"),
                        Json.parse(saved).toString().replaceFirst("\"resourceVersion\":\"[0-9]+\",?", ""));
                h.kubectl().ok("replace", "-f", restore.toString());
                Conditions.await(
                        READY + " objects Ready at their generation again",
                        Duration.ofMinutes(4),
                        Duration.ofSeconds(2),
                        () -> readyCount(h) == READY,
                        () -> "Ready: " + readyCount(h));
                Pacing.pause(WINDOW, "the converged state again, scraped");

                // ---- every expression against the real Prometheus, while the objects are reconciled ----
                Cmd.Result check = Cmd.of(
                                "python3",
                                exprs.toString(),
                                "e2e",
                                "--prometheus",
                                url,
                                "--rules",
                                rendered.resolve("rules.yaml").toString(),
                                "--dashboard",
                                dashboard.toString(),
                                "--wait",
                                "90")
                        .timeout(Duration.ofMinutes(5))
                        .run();
                Progress.log("%s", check.stdout().strip());
                assertThat(check.exitCode())
                        .as("every expression returns series\n" + check.output())
                        .isZero();
                Cmd.Result rules =
                        Cmd.of("curl", "-fsS", url + "/api/v1/rules").run().orThrow();
                assertThat(Json.parse(rules.stdout())
                                .path("data")
                                .path("groups")
                                .findValuesAsText("health"))
                        .as("every rule evaluated by Prometheus without error")
                        .isNotEmpty()
                        .allMatch("ok"::equals);

                // ---- deletion, then the panels of the whole run ----
                h.kubectl().ok("delete", "mre", "--all", "-n", NAMESPACE, "--wait=false");
                Conditions.await(
                        "every object gone",
                        Duration.ofMinutes(4),
                        Duration.ofSeconds(2),
                        () -> h.kubectl()
                                .getJson("mre", "-n", NAMESPACE)
                                .map(l -> l.path("items").isEmpty())
                                .orElse(true),
                        () -> "");
                Pacing.pause(WINDOW, "the empty state, scraped");
                Cmd.of(
                                "python3",
                                repo.resolve("e2e/monitoring/plot.py").toString(),
                                "--prometheus",
                                url,
                                "--dashboard",
                                dashboard.toString(),
                                "--start",
                                Long.toString(start),
                                "--end",
                                Long.toString(System.currentTimeMillis() / 1000),
                                "--title",
                                "ses-mre-operator dashboard, make monitoring-e2e: " + (READY + 1)
                                        + " objects (3 with spec.sending) created under SES faults (8 % 429, 8 %"
                                        + " 500, 3 % dropped),"
                                        + " retagged while AWS refuses TagResource, retagged while status writes are"
                                        + " refused, deleted",
                                "--out",
                                png.toString())
                        .timeout(Duration.ofMinutes(2))
                        .run()
                        .orThrow();
                Progress.log("  dashboard panels: %s", png);
            } finally {
                Cmd.of("bash", script.toString(), "prometheus-down", prom.toString())
                        .run();
            }
        }
    }

    /** CreateEmailIdentity through the SDK (again while the emulator's faults refuse it), then marked verified. */
    private static void createVerifiedIdentity(Emulator emu, Region region, String identity) {
        try (SesV2Client ses = SesV2Client.builder()
                .endpointOverride(emu.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Emulator.ACCESS_KEY, Emulator.SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build()) {
            Conditions.await(
                    "identity " + identity + " in " + region,
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(1),
                    () -> {
                        try {
                            ses.createEmailIdentity(r -> r.emailIdentity(identity));
                            return true;
                        } catch (AlreadyExistsException e) {
                            return true;
                        } catch (SdkException e) {
                            Progress.log("  CreateEmailIdentity %s in %s: %s", identity, region, e.getMessage());
                            return false;
                        }
                    },
                    () -> "");
        }
        emu.verifyIdentity(region.id(), identity);
    }

    /** The value of an instant query that answers one series; NaN when it answers none. */
    private static double promValue(String url, String expr) {
        Cmd.Result r = Cmd.of("curl", "-fsS", "-G", url + "/api/v1/query", "--data-urlencode", "query=" + expr)
                .run();
        if (r.exitCode() != 0) {
            return Double.NaN;
        }
        JsonNode result = Json.parse(r.stdout()).path("data").path("result");
        return result.size() == 1 ? result.get(0).path("value").path(1).asDouble(Double.NaN) : Double.NaN;
    }

    private static String sendingConditions(Harness h) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("sending-ready", "sending-missing", "sending-missing-2")) {
            h.kubectl().getJson("mre", name, "-n", NAMESPACE).ifPresent(m -> {
                for (JsonNode c : m.path("status").path("conditions")) {
                    if ("SendingReady".equals(c.path("type").asText())) {
                        sb.append(name).append(": ").append(c).append("; ");
                    }
                }
            });
        }
        return sb.toString();
    }

    private static void apply(Harness h, Path file, List<Mre> objects) throws java.io.IOException {
        Files.writeString(file, Mre.documents(objects));
        h.kubectl().ok("apply", "-f", file.toString());
    }

    private static long readyCount(Harness h) {
        return h.kubectl()
                .getJson("mre", "-n", NAMESPACE)
                .map(l -> {
                    long n = 0;
                    for (var m : l.path("items")) {
                        if (MreStatus.isReadyAtGeneration(m)) {
                            n++;
                        }
                    }
                    return n;
                })
                .orElse(0L);
    }
}
