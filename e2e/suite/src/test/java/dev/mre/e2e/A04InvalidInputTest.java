package dev.mre.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Emulator;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Mre;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is refused at admission by kubectl apply with a message naming the field (every file of
 * e2e/manifests/invalid/, each breaking one rule), immutable fields cannot change, and SES never hears of any of it.
 */
@Order(4)
@DisplayName("A04 bad input refused at admission")
class A04InvalidInputTest extends E2eTest {

    static final String NS = "e2e-invalid";
    static final Path DIR = Path.of("e2e", "manifests", "invalid");

    /** Names (metadata.name and spec.endpointName) SES must never hear of. */
    static final Set<String> NEVER_CALLED = new LinkedHashSet<>();

    /** One file: its header (# expect: ..., optional # validate: ...) and the names it declares. */
    record Invalid(String file, String expect, String validate, String name, String endpointName) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Invalid read(Path f) {
        try {
            List<String> header = Files.readAllLines(f).stream()
                    .takeWhile(l -> l.startsWith("#"))
                    .toList();
            String expect = header.stream()
                    .filter(l -> l.startsWith("# expect:"))
                    .map(l -> l.substring(9).trim())
                    .findFirst()
                    .orElse(null);
            String validate = header.stream()
                    .filter(l -> l.startsWith("# validate:"))
                    .map(l -> l.substring(11).trim().split("\\s+")[0])
                    .findFirst()
                    .orElse("strict");
            JsonNode doc = Json.yamlDocuments(f).get(0);
            JsonNode ep = doc.path("spec").path("endpointName");
            return new Invalid(
                    f.getFileName().toString(),
                    expect,
                    validate,
                    Json.text(doc, "metadata.name"),
                    ep.isTextual() ? ep.asText() : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Invalid> invalidManifests() throws IOException {
        try (Stream<Path> s = Files.list(repo().resolve(DIR))) {
            return s.filter(f -> f.toString().endsWith(".yaml"))
                    .sorted()
                    .map(A04InvalidInputTest::read)
                    .toList();
        }
    }

    @Test
    @Order(1)
    void there_are_at_least_25_invalid_manifests_each_declaring_what_must_be_named() throws IOException {
        List<Invalid> all = invalidManifests();
        Progress.log("  %d invalid manifests in %s", all.size(), DIR);
        assertThat(all).hasSizeGreaterThanOrEqualTo(25);
        assertThat(all).allSatisfy(i -> {
            assertThat(i.expect())
                    .as("%s: first line '# expect: <field>'", i.file())
                    .isNotBlank();
            assertThat(Files.readAllLines(repo().resolve(DIR).resolve(i.file())).get(0))
                    .as("%s: first line", i.file())
                    .startsWith("# expect: ");
            assertThat(i.name()).as("%s: metadata.name", i.file()).isNotBlank();
        });
        assertThat(all.stream().map(Invalid::name).distinct().count())
                .as("distinct object names")
                .isEqualTo(all.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    @Order(2)
    void kubectl_apply_refuses_it_naming_the_field(Invalid inv) {
        NEVER_CALLED.add(inv.name());
        if (inv.endpointName() != null) {
            NEVER_CALLED.add(inv.endpointName());
        }
        Cmd.Result r = kubectl()
                .run(
                        "apply",
                        "--validate=" + inv.validate(),
                        "-f",
                        DIR.resolve(inv.file()).toString());
        assertThat(r.exitCode())
                .as("kubectl apply of %s must fail:\n%s", inv.file(), r.output())
                .isNotZero();
        assertThat(r.stderr()).as("stderr of kubectl apply -f %s", inv.file()).contains(inv.expect());
        assertThat(mre(NS, inv.name()))
                .as("object %s/%s must not exist", NS, inv.name())
                .isEmpty();
    }

    // ---- immutability: endpointName, region and details cannot be changed, added or removed

    static final Mre SET = Mre.of(NS, "immutable-set")
            .endpointName("immutable-set-ep")
            .region("us-west-2")
            .secondary("eu-west-1")
            .tag("team", "mail");
    static final Mre UNSET = Mre.of(NS, "immutable-unset").secondary("eu-central-1");

    @Test
    @Order(3)
    void valid_objects_to_try_changing_are_created_and_Ready() {
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("immutable-set.yaml", SET.yaml()).toString());
        kubectl()
                .ok(
                        "apply",
                        "-f",
                        writeManifest("immutable-unset.yaml", UNSET.yaml()).toString());
        awaitReady(NS, SET.name(), Duration.ofSeconds(90));
        awaitReady(NS, UNSET.name(), Duration.ofSeconds(90));
    }

    static Stream<Arguments> immutableChanges() {
        List<Arguments> a = new ArrayList<>();
        a.add(change(
                "change endpointName",
                SET,
                "spec.endpointName",
                m -> SET.copy().endpointName("immutable-set-renamed")));
        a.add(change("change region", SET, "spec.region", m -> SET.copy().region("us-east-2")));
        a.add(change(
                "change details (secondary region)",
                SET,
                "spec.details",
                m -> SET.copy().secondary("ap-south-1")));
        a.add(change(
                "remove endpointName", SET, "spec.endpointName", m -> SET.copy().endpointName(null)));
        a.add(change("remove region", SET, "spec.region", m -> SET.copy().region(null)));
        a.add(change(
                "add endpointName",
                UNSET,
                "spec.endpointName",
                m -> UNSET.copy().endpointName("immutable-unset-added")));
        a.add(change("add region", UNSET, "spec.region", m -> UNSET.copy().region("us-west-1")));
        return a.stream();
    }

    static Arguments change(String what, Mre base, String field, UnaryOperator<Mre> edit) {
        return Arguments.of(what, base, field, edit.apply(base));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("immutableChanges")
    @Order(4)
    void an_immutable_field_cannot_change(String what, Mre base, String field, Mre edited) {
        NEVER_CALLED.add(
                edited.effectiveEndpointName().equals(base.effectiveEndpointName())
                        ? "-"
                        : edited.effectiveEndpointName());
        long generation = mre(NS, base.name())
                .orElseThrow()
                .path("metadata")
                .path("generation")
                .asLong();
        Path f = writeManifest(
                base.name() + "-" + what.replace(' ', '-').replaceAll("[()]", "") + ".yaml", edited.yaml());
        Cmd.Result r = kubectl().run("apply", "-f", f.toString());
        assertThat(r.exitCode())
                .as("kubectl apply (%s) must be refused:\n%s", what, r.output())
                .isNotZero();
        assertThat(r.stderr()).contains(field).contains("immutable");
        JsonNode now = mre(NS, base.name()).orElseThrow();
        assertThat(now.path("metadata").path("generation").asLong())
                .as("generation unchanged")
                .isEqualTo(generation);
    }

    @Test
    @Order(5)
    void the_objects_and_their_endpoints_are_unchanged() {
        for (Mre m : List.of(SET, UNSET)) {
            JsonNode now = awaitReady(NS, m.name(), Duration.ofSeconds(30));
            assertThat(now.path("metadata").path("generation").asLong()).isEqualTo(1);
            List<Emulator.Endpoint> eps = emulator().endpointsNamed(m.effectiveEndpointName());
            assertThat(eps).hasSize(1);
            assertThat(eps.get(0).regions()).containsExactly(m.effectiveRegion(), m.secondary());
            assertThat(eps.get(0).tags()).isEqualTo(expectedTags(NS, m.name(), m.tags()));
        }
        List<Emulator.Call> log = emulator().calls();
        assertThat(successfulCreates(log, SET.effectiveEndpointName())).isEqualTo(1);
        assertThat(successfulCreates(log, UNSET.effectiveEndpointName())).isEqualTo(1);
    }

    @Test
    @Order(6)
    void SES_received_no_call_for_any_refused_object() {
        NEVER_CALLED.remove("-");
        assertThat(NEVER_CALLED).hasSizeGreaterThanOrEqualTo(25);
        List<Emulator.Call> log = emulator().calls();
        List<Emulator.Call> offending = log.stream()
                .filter(c -> c.endpointName() != null && NEVER_CALLED.contains(c.endpointName()))
                .toList();
        Progress.log(
                "  %d calls in the emulator's log, none may name one of %d refused objects",
                log.size(), NEVER_CALLED.size());
        assertThat(offending).as("calls for refused objects").isEmpty();
        assertThat(emulator().endpoints()).noneMatch(e -> NEVER_CALLED.contains(e.endpointName()));
        // only the two valid objects exist in the namespace
        Cmd.Result names = kubectl().ok("get", "mre", "-n", NS, "-o", "name");
        assertThat(names.stdout().lines().toList())
                .containsExactlyInAnyOrder(
                        "multiregionendpoint.ses.mre.dev/immutable-set",
                        "multiregionendpoint.ses.mre.dev/immutable-unset");
    }
}
