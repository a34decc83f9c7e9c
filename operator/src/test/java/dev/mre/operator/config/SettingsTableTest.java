package dev.mre.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Setting} is the one table of the operator's settings: the README's configuration table is generated from
 * it ({@code -Dsettings.update=true}, run by {@code make generate}, rewrites it), and the chart must set exactly
 * the settings that name a chart value, from a value that exists and is documented.
 */
class SettingsTableTest {

    static final Path README = Path.of("../README.md");
    static final Path CHART = Path.of("../helm/ses-mre-operator");
    static final String BEGIN =
            "<!-- settings:begin (generated from config/Setting.java; `make generate` rewrites it) -->";
    static final String END = "<!-- settings:end -->";

    static String table() {
        StringBuilder b = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
        for (Setting s : Setting.values()) {
            b.append("| `")
                    .append(s.env)
                    .append("` | ")
                    .append(s.defaultText())
                    .append(" | ")
                    .append(s.description)
                    .append(" |\n");
        }
        return b.toString();
    }

    @Test
    void theReadmeTableIsGeneratedFromTheSettings() throws Exception {
        String readme = Files.readString(README);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the marker %s", BEGIN).isNotNegative();
        assertThat(end).as("README.md has the marker %s", END).isGreaterThan(begin);
        String expected = readme.substring(0, begin + BEGIN.length()) + "\n" + table() + readme.substring(end);
        if (Boolean.getBoolean("settings.update")) {
            Files.writeString(README, expected);
        }
        assertThat(Files.readString(README))
                .as("README's configuration table is generated from Setting.java: run" + " `make generate` and commit")
                .isEqualTo(expected);
    }

    @Test
    void theChartSetsExactlyTheSettingsThatHaveAChartValue() throws Exception {
        String deployment = Files.readString(CHART.resolve("templates/deployment.yaml"));
        Matcher m = Pattern.compile("- name: (SES_MRE_[A-Z_]+)").matcher(deployment);
        Set<String> inChart = new TreeSet<>();
        while (m.find()) {
            inChart.add(m.group(1));
        }
        Set<String> known = Arrays.stream(Setting.values()).map(s -> s.env).collect(Collectors.toSet());
        assertThat(known)
                .as("every SES_MRE_ variable the chart sets is a setting")
                .containsAll(inChart);
        Set<String> withValue = Arrays.stream(Setting.values())
                .filter(s -> s.chartValue != null)
                .map(s -> s.env)
                .collect(Collectors.toCollection(TreeSet::new));
        // the leader election namespace comes from the release namespace, not from a value
        withValue.add(Setting.LEADER_ELECTION_NAMESPACE.env);
        assertThat(inChart).as("the chart's env list").isEqualTo(withValue);
    }

    @Test
    void everyChartValueOfASettingExistsAndIsDocumented() throws Exception {
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(CHART.resolve("values.yaml").toFile());
        String chartReadme = Files.readString(CHART.resolve("README.md"));
        String deployment = Files.readString(CHART.resolve("templates/deployment.yaml"));
        for (Setting s : Setting.values()) {
            if (s.chartValue == null) {
                continue;
            }
            JsonNode node = values;
            for (String part : s.chartValue.split("\\.")) {
                node = node.path(part);
            }
            assertThat(node.isMissingNode())
                    .as("values.yaml has %s (for %s)", s.chartValue, s.env)
                    .isFalse();
            assertThat(chartReadme)
                    .as("the chart README documents %s", s.chartValue)
                    .contains("| `" + s.chartValue + "` |");
            assertThat(deployment)
                    .as("deployment.yaml sets %s from .Values.%s", s.env, s.chartValue)
                    .contains(".Values." + s.chartValue);
        }
    }
}
