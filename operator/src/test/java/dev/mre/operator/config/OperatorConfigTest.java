package dev.mre.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {

    @Test
    void defaults() {
        OperatorConfig c = OperatorConfig.from(Map.of());
        assertThat(c.defaultRegion()).isEqualTo("us-east-1");
        assertThat(c.watchNamespaces()).isEmpty();
        assertThat(c.sesEndpoint()).isNull();
        assertThat(c.resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxCallRate()).isEqualTo(1);
        assertThat(c.adaptiveRateLimit()).isTrue();
        assertThat(c.clusterId())
                .as("read from the kube-system namespace at start")
                .isNull();
        assertThat(c.allowedRegions()).isEmpty();
        assertThat(c.endpointNamePrefix()).isEqualTo(OperatorConfig.NamePrefix.NONE);
        assertThat(c.ops().port()).isEqualTo(8080);
        assertThat(c.ops().leaderElection()).isFalse();
    }

    @Test
    void readsEveryVariable() {
        OperatorConfig c = OperatorConfig.from(Map.ofEntries(
                Map.entry("AWS_REGION", "eu-west-1"),
                Map.entry("SES_MRE_WATCH_NAMESPACES", " a, b ,,"),
                Map.entry("SES_MRE_SES_ENDPOINT", "http://127.0.0.1:4566"),
                Map.entry("SES_MRE_ALLOW_INSECURE_ENDPOINT", "true"),
                Map.entry("SES_MRE_ALLOWED_REGIONS", "us-east-1, eu-west-1"),
                Map.entry("SES_MRE_ENDPOINT_NAME_PREFIX", "namespace"),
                Map.entry("SES_MRE_RESYNC_PERIOD", "PT30S"),
                Map.entry("SES_MRE_MAX_CALL_RATE", "2.5"),
                Map.entry("SES_MRE_ADAPTIVE_RATE_LIMIT", "false"),
                Map.entry("SES_MRE_CLUSTER_ID", "prod-eu"),
                Map.entry("SES_MRE_LEADER_ELECTION", "true"),
                Map.entry("POD_NAMESPACE", "ses-system"),
                Map.entry("POD_NAME", "op-0")));
        assertThat(c.defaultRegion()).isEqualTo("eu-west-1");
        assertThat(c.watchNamespaces()).isEqualTo(Set.of("a", "b"));
        assertThat(c.sesEndpoint()).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(c.stsEndpoint())
                .as("STS never follows the SES override (a VPC endpoint for SES would receive AssumeRole)")
                .isNull();
        assertThat(c.resyncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxCallRate()).isEqualTo(2.5);
        assertThat(c.adaptiveRateLimit()).isFalse();
        assertThat(c.ops().leaseNamespace()).isEqualTo("ses-system");
        assertThat(c.ops().identity()).isEqualTo("op-0");
        assertThat(c.clusterId()).isEqualTo("prod-eu");
        assertThat(c.allowedRegions()).containsExactlyInAnyOrder("us-east-1", "eu-west-1");
        assertThat(c.endpointNamePrefix()).isEqualTo(OperatorConfig.NamePrefix.NAMESPACE);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SES_MRE_RESYNC_PERIOD|soon|SES_MRE_RESYNC_PERIOD: not a duration",
                "SES_MRE_RESYNC_PERIOD|0s|SES_MRE_RESYNC_PERIOD: must be positive",
                "SES_MRE_MAX_CALL_RATE|fast|SES_MRE_MAX_CALL_RATE: not a number",
                "SES_MRE_MAX_CALL_RATE|0|SES_MRE_MAX_CALL_RATE: must be > 0",
                "SES_MRE_ADAPTIVE_RATE_LIMIT|yes|SES_MRE_ADAPTIVE_RATE_LIMIT: must be true or false",
                "SES_MRE_SES_ENDPOINT|not a url|SES_MRE_SES_ENDPOINT: not an absolute URL",
                "SES_MRE_SES_ENDPOINT|http://ses.example|SES_MRE_SES_ENDPOINT: plain http is refused",
                "SES_MRE_STS_ENDPOINT|http://sts.example|SES_MRE_STS_ENDPOINT: plain http is refused",
                "SES_MRE_SES_ENDPOINT|ftp://ses.example|SES_MRE_SES_ENDPOINT: must be an https URL",
                "SES_MRE_ALLOWED_REGIONS|us-east-1,moon|SES_MRE_ALLOWED_REGIONS: 'moon' is not an AWS region name",
                "SES_MRE_ENDPOINT_NAME_PREFIX|team|SES_MRE_ENDPOINT_NAME_PREFIX: must be none or namespace",
                "SES_MRE_RECONCILE_THREADS|2.5|SES_MRE_RECONCILE_THREADS: not a whole number",
                "SES_MRE_CLUSTER_ID|a/b|SES_MRE_CLUSTER_ID: must match",
                "SES_MRE_OPS_PORT|70000|SES_MRE_OPS_PORT: must be a port number",
                "SES_MRE_LOG_FORMAT|xml|SES_MRE_LOG_FORMAT: must be text or json",
                "SES_MRE_LEADER_ELECTION|true|SES_MRE_LEADER_ELECTION_NAMESPACE: required"
            })
    void aBadValueNamesTheVariable(String name, String value, String message) {
        assertThatThrownBy(() -> OperatorConfig.from(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theStsOverrideIsItsOwnSetting() {
        OperatorConfig c = OperatorConfig.from(Map.of(
                "SES_MRE_SES_ENDPOINT", "https://vpce-0abc.email.us-east-1.vpce.amazonaws.com",
                "SES_MRE_STS_ENDPOINT", "https://sts.us-east-1.amazonaws.com"));
        assertThat(c.stsEndpoint()).isEqualTo(URI.create("https://sts.us-east-1.amazonaws.com"));
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:4566",
        "http://127.1.2.3:4566",
        "http://localhost:4566",
        "http://[::1]:4566",
        "http://ses-emulator.mail-test.svc:4566",
        "http://ses-emulator.mail-test.svc.cluster.local:4566/sts"
    })
    void plainHttpIsAllowedToLoopbackAndClusterLocalNames(String url) {
        OperatorConfig c = OperatorConfig.from(Map.of(
                "SES_MRE_SES_ENDPOINT", url, "SES_MRE_STS_ENDPOINT", url, "SES_MRE_ALLOW_INSECURE_ENDPOINT", "true"));
        assertThat(c.sesEndpoint()).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @CsvSource({
        "SES_MRE_SES_ENDPOINT,http://ses.example.com:4566",
        "SES_MRE_SES_ENDPOINT,http://10.0.0.7:4566",
        "SES_MRE_SES_ENDPOINT,http://email.us-east-1.amazonaws.com",
        "SES_MRE_SES_ENDPOINT,http://svc:4566",
        "SES_MRE_SES_ENDPOINT,http://emulator.svc.example.com",
        "SES_MRE_STS_ENDPOINT,http://sts.amazonaws.com",
        "SES_MRE_STS_ENDPOINT,http://127.0.0.1.nip.io"
    })
    void plainHttpElsewhereIsRefusedEvenWhenInsecureIsAllowed(String name, String url) {
        assertThatThrownBy(() -> OperatorConfig.from(Map.of(name, url, "SES_MRE_ALLOW_INSECURE_ENDPOINT", "true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + ": plain http is allowed only to a loopback address, localhost or a "
                        + "cluster-local Service name");
    }

    @Test
    void durations() {
        assertThat(OperatorConfig.parseDuration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(OperatorConfig.parseDuration("x", "2h")).isEqualTo(Duration.ofHours(2));
    }
}
