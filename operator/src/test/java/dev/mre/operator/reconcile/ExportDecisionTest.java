package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.reconcile.ExportDecision.Action;
import dev.mre.operator.reconcile.ExportDecision.Found;
import dev.mre.operator.reconcile.ExportDecision.Input;
import dev.mre.operator.reconcile.ExportDecision.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The spec.export decision as a table: spec, rule, what SES reported, the ConfigMap found -> action, message. */
class ExportDecisionTest {

    static final String ARN = "arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/mail-abc";
    static final Map<String, String> DATA = data("ep-1234.abcd", "mail", ARN, "us-east-1", "eu-west-1");

    /** All is well: export asked, allowed, SES reported READY, no ConfigMap yet. */
    static final Input BASE = new Input(
            "ses-endpoint",
            true,
            "ep-1234.abcd",
            "mail",
            ARN,
            "READY",
            "us-east-1",
            List.of("us-east-1", "eu-west-1"),
            Found.NONE,
            null);

    record Row(String name, UnaryOperator<Input> edit, Action action, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row(
                        "no spec.export: nothing, whatever else",
                        i -> with(i, null, true, Found.FOREIGN),
                        Action.NOTHING,
                        null),
                new Row("READY, no ConfigMap: create", i -> i, Action.CREATE, null),
                new Row("ours with the same data: nothing", i -> found(i, Found.OURS, DATA), Action.NOTHING, null),
                new Row(
                        "ours with other data (edited by hand, or an older endpoint): update",
                        i -> found(i, Found.OURS, data("ep-old", "mail", ARN, "us-east-1", "eu-west-1")),
                        Action.UPDATE,
                        null),
                new Row("ours, no data: update", i -> found(i, Found.OURS, null), Action.UPDATE, null),
                new Row(
                        "a ConfigMap the operator did not create: conflict, never written",
                        i -> found(i, Found.FOREIGN, DATA),
                        Action.CONFLICT,
                        "ConfigMap ses-endpoint exists and was not created by this operator"),
                new Row(
                        "foreign while SES has not reported READY: conflict at once",
                        i -> status(found(i, Found.FOREIGN, null), "CREATING", null),
                        Action.CONFLICT,
                        "never overwrites a ConfigMap it did not create"),
                new Row(
                        "not allowed by the administrator: no read, no write",
                        i -> with(i, "ses-endpoint", false, Found.NONE),
                        Action.NOT_ALLOWED,
                        "SES_MRE_ALLOW_EXPORT is false"),
                new Row("CREATING: wait", i -> status(i, "CREATING", "ep-1234.abcd"), Action.WAIT, null),
                new Row("FAILED: wait", i -> status(i, "FAILED", "ep-1234.abcd"), Action.WAIT, null),
                new Row("no endpoint id yet: wait", i -> status(i, "READY", null), Action.WAIT, null),
                new Row("no status yet: wait", i -> status(i, null, null), Action.WAIT, null),
                new Row(
                        "SES reported one region only: wait (no secondary to export)",
                        i -> regions(i, List.of("us-east-1")),
                        Action.WAIT,
                        null),
                new Row("no regions reported: wait", i -> regions(i, null), Action.WAIT, null),
                new Row(
                        "the regions SES reported do not include the primary: wait",
                        i -> regions(i, List.of("eu-west-1", "ap-south-1")),
                        Action.WAIT,
                        null),
                new Row(
                        "ours, endpoint went CREATING again (recreated): keep what is there, no write",
                        i -> status(found(i, Found.OURS, DATA), "CREATING", "ep-new"),
                        Action.WAIT,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Verdict v = ExportDecision.next(row.edit().apply(BASE));
        assertThat(v.action()).isEqualTo(row.action());
        if (row.messagePart() != null) {
            assertThat(v.message()).contains(row.messagePart()).contains("ses-endpoint");
        }
        if (row.action() == Action.CREATE || row.action() == Action.UPDATE) {
            assertThat(v.data()).isEqualTo(DATA);
        }
    }

    @Test
    void theKeysAreTheDocumentedOnesInOrder() {
        Verdict v = ExportDecision.next(BASE);
        assertThat(v.data().keySet())
                .containsExactly(
                        "SES_ENDPOINT_ID",
                        "SES_ENDPOINT_NAME",
                        "SES_ENDPOINT_ARN",
                        "SES_PRIMARY_REGION",
                        "SES_SECONDARY_REGION");
        assertThat(ExportDecision.KEYS).containsExactlyElementsOf(v.data().keySet());
    }

    @Test
    void theSecondaryIsTheOtherRegionWhateverTheOrderSesReportedThemIn() {
        Verdict v = ExportDecision.next(regions(BASE, List.of("eu-west-1", "us-east-1")));
        assertThat(v.data()).containsEntry("SES_SECONDARY_REGION", "eu-west-1");
    }

    static Map<String, String> data(String id, String name, String arn, String primary, String secondary) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("SES_ENDPOINT_ID", id);
        d.put("SES_ENDPOINT_NAME", name);
        d.put("SES_ENDPOINT_ARN", arn);
        d.put("SES_PRIMARY_REGION", primary);
        d.put("SES_SECONDARY_REGION", secondary);
        return d;
    }

    static Input with(Input i, String name, boolean allowed, Found found) {
        return new Input(
                name,
                allowed,
                i.endpointId(),
                i.endpointName(),
                i.arn(),
                i.endpointStatus(),
                i.primaryRegion(),
                i.regions(),
                found,
                i.data());
    }

    static Input found(Input i, Found found, Map<String, String> data) {
        return new Input(
                i.configMapName(),
                i.allowed(),
                i.endpointId(),
                i.endpointName(),
                i.arn(),
                i.endpointStatus(),
                i.primaryRegion(),
                i.regions(),
                found,
                data);
    }

    static Input status(Input i, String status, String id) {
        return new Input(
                i.configMapName(),
                i.allowed(),
                id,
                i.endpointName(),
                i.arn(),
                status,
                i.primaryRegion(),
                i.regions(),
                i.found(),
                i.data());
    }

    static Input regions(Input i, List<String> regions) {
        return new Input(
                i.configMapName(),
                i.allowed(),
                i.endpointId(),
                i.endpointName(),
                i.arn(),
                i.endpointStatus(),
                i.primaryRegion(),
                regions,
                i.found(),
                i.data());
    }
}
