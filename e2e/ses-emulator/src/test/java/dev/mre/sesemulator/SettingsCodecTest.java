package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The generic codec: flags -> record -> JSON -> record, and what it refuses, naming the setting and the rule. */
class SettingsCodecTest {

    private static final String USER = "arn:aws:iam::111122223333:user/operator";
    private static final String ROLE = "arn:aws:iam::444455556666:role/ses";
    private static final String TRUST_ROLE = "arn:aws:iam::444455556666:role/tp";

    /** Every setting, none at its default. */
    private static final String[] EVERY_FLAG = {
        "--create-delay",
        "500ms",
        "--delete-delay=1.5s",
        "--quota",
        "7",
        "--rate-limit",
        "2.5",
        "--burst",
        "20",
        "--default-page-size",
        "3",
        "--error-rate-500",
        "0.1",
        "--throttle-rate",
        "0.2",
        "--drop-connection-rate",
        "0.02",
        "--drop-response-rate",
        "0.01",
        "--latency",
        "20ms",
        "--latency-spike-rate",
        "0.5",
        "--latency-spike",
        "1s",
        "--fail-provisioning-rate",
        "0.3",
        "--fail-provisioning-names",
        "^fail-",
        "--concurrent-modification-on-delete-while-creating",
        "false",
        "--deny-actions",
        "CreateMultiRegionEndpoint,ses:TagResource",
        "--fault-operations",
        "*",
        "--clock-skew",
        "1h",
        "--seed",
        "5",
        "--visibility-delay",
        "1500ms",
        "--session-duration",
        "5s",
        "--resource-tags-on-tag-actions",
        "false",
        "--account",
        "444455556666={\"quota\":2,\"rateLimit\":1}",
        "--account",
        "111122223333={\"burst\":3}",
        "--role",
        ROLE + "={\"trustedPrincipals\":[\"arn:aws:iam::111122223333:root\"],\"externalId\":\"ext-9\","
                + "\"maxSessionDuration\":\"2h\"}",
        "--role",
        TRUST_ROLE + "={\"trustPolicy\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}]}}",
        "--policy",
        USER + "={\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ses:List*\",\"Resource\":\"*\"}}"
    };

    @Test
    void flagsBecomeTheRecordWhoseJsonReadsBackAsTheSameRecord() {
        Settings fromFlags =
                SettingsCodec.apply(Settings.DEFAULTS, Main.parse(EVERY_FLAG).settings());
        assertThat(fromFlags.createDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(fromFlags.deleteDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(fromFlags.quota()).isEqualTo(7);
        assertThat(fromFlags.rateLimit()).isEqualTo(2.5);
        assertThat(fromFlags.concurrentModificationOnDeleteWhileCreating()).isFalse();
        assertThat(fromFlags.denyActions())
                .containsExactlyInAnyOrder(Operation.CREATE_MULTI_REGION_ENDPOINT, Operation.TAG_RESOURCE);
        assertThat(fromFlags.faultOperations()).contains(Operation.SEND_EMAIL).doesNotContain(Operation.ASSUME_ROLE);
        assertThat(fromFlags.seed()).isEqualTo(5L);
        assertThat(fromFlags.accounts().get("444455556666")).isEqualTo(new AccountLimits(2, 1.0, null));
        assertThat(fromFlags.roles().get(ROLE).maxSessionDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(fromFlags.roles().get(TRUST_ROLE).trustPolicy()).isNotNull();
        assertThat(fromFlags.policies()).containsOnlyKeys(USER);
        JsonNode json = SettingsCodec.toJson(fromFlags);
        assertThat(json.properties())
                .extracting(java.util.Map.Entry::getKey)
                .as("every component, in the record's order")
                .containsExactlyElementsOf(Arrays.stream(Settings.class.getRecordComponents())
                        .map(java.lang.reflect.RecordComponent::getName)
                        .toList());
        assertThat(json.get("createDelay").asText()).isEqualTo("500ms");
        assertThat(json.get("accounts").toString())
                .isEqualTo("{\"111122223333\":{\"burst\":3},\"444455556666\":{\"quota\":2,\"rateLimit\":1.0}}");

        Settings back = SettingsCodec.apply(Settings.DEFAULTS, json);
        assertThat(back.withFailProvisioningNames(null))
                .as("a Pattern has no equals")
                .isEqualTo(fromFlags.withFailProvisioningNames(null));
        assertThat(back.failProvisioningNames().pattern()).isEqualTo("^fail-");
        assertThat(SettingsCodec.toJson(back)).isEqualTo(json);
        assertThat(SettingsCodec.apply(Settings.DEFAULTS, SettingsCodec.toJson(Settings.DEFAULTS)))
                .isEqualTo(Settings.DEFAULTS);
    }

    @Test
    void everyComponentHasAFlagAndAHelpLine() {
        List<String> help = SettingsCodec.helpLines();
        java.util.Map<String, String> entryFlags =
                java.util.Map.of("accounts", "account", "roles", "role", "policies", "policy");
        for (var c : Settings.class.getRecordComponents()) {
            String flag = SettingsCodec.flagFor(c.getName());
            assertThat(SettingsCodec.keyForFlag(flag)).isEqualTo(c.getName());
            String usage = entryFlags.containsKey(c.getName())
                    ? "--" + entryFlags.get(c.getName()) + " KEY=JSON|KEY=@FILE "
                    : "--" + flag + " VALUE ";
            assertThat(help).anySatisfy(line -> assertThat(line).startsWith("  " + usage));
        }
        entryFlags.forEach((key, entryFlag) ->
                assertThat(SettingsCodec.mapKeyForEntryFlag(entryFlag)).isEqualTo(key));
        assertThat(SettingsCodec.flagFor("errorRate500")).isEqualTo("error-rate-500");
        assertThat(help).hasSize(Settings.class.getRecordComponents().length);
    }

    static Stream<Arguments> badFlags() {
        return Stream.of(
                Arguments.of(new String[] {"--no-such-flag", "1"}, "unknown flag --no-such-flag"),
                Arguments.of(
                        new String[] {"--throttle-rate", "1.5"},
                        "invalid value for throttleRate: throttleRate must be a probability between 0 and 1: 1.5"),
                Arguments.of(new String[] {"--quota", "-1"}, "invalid value for quota: quota must be >= 0: -1"),
                Arguments.of(new String[] {"--quota", "x"}, "invalid value for quota: not an integer: \"x\""),
                Arguments.of(
                        new String[] {"--default-page-size", "0"},
                        "invalid value for defaultPageSize: defaultPageSize must be 1..1000: 0"),
                Arguments.of(
                        new String[] {"--rate-limit", "Infinity"},
                        "invalid value for rateLimit: rateLimit must be >= 0 (0 = unlimited): Infinity"),
                Arguments.of(
                        new String[] {"--resource-tags-on-tag-actions", "yes"},
                        "invalid value for resourceTagsOnTagActions: not a boolean: \"yes\""),
                Arguments.of(
                        new String[] {"--create-delay", "soon"},
                        "invalid value for createDelay: not a duration: 'soon' (use e.g. 250ms, 2s, 15m or PT2S)"),
                Arguments.of(
                        new String[] {"--deny-actions", "CreateMultiRegionEndpoint,Nope"},
                        "invalid value for denyActions: unknown operation 'Nope'"),
                Arguments.of(
                        new String[] {"--account", "12={\"quota\":1}"},
                        "invalid value for accounts: accounts[12]: account id must be 12 digits: 12"),
                Arguments.of(
                        new String[] {"--account", "123456789012={\"quota\":\"many\"}"},
                        "invalid value for accounts: accounts[123456789012]: not an integer: \"many\""),
                Arguments.of(
                        new String[] {"--account", "123456789012={\"burst\":-2}"},
                        "invalid value for accounts: accounts[123456789012]: burst must be >= 0: -2"),
                Arguments.of(
                        new String[] {"--account", "123456789012={\"qouta\":1}"},
                        "invalid value for accounts: accounts[123456789012]: unknown field 'qouta'"
                                + " (known: quota, rateLimit, burst)"),
                Arguments.of(
                        new String[] {"--role", "arn:aws:iam::123456789012:role/x={}"},
                        "invalid value for roles: roles[arn:aws:iam::123456789012:role/x]: trustedPrincipals is"
                                + " missing: who may assume the role"));
    }

    @ParameterizedTest
    @MethodSource("badFlags")
    void aBadFlagIsRefusedNamingTheSettingAndTheRule(String[] args, String message) {
        assertThatThrownBy(() -> Main.parse(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void jsonUpdatesArePartialAndMapsMergeByEntry() throws Exception {
        Settings s = SettingsCodec.apply(
                Settings.DEFAULTS,
                Json.MAPPER.readTree("{\"latency\":250,\"denyActions\":[\"ses:TagResource\"],"
                        + "\"accounts\":{\"111122223333\":{\"quota\":1},\"222233334444\":{\"burst\":2}}}"));
        assertThat(s.latency()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.quota()).isEqualTo(100);
        s = SettingsCodec.apply(
                s,
                Json.MAPPER.readTree(
                        "{\"denyActions\":null,\"accounts\":{\"111122223333\":null,\"333344445555\":{}}}"));
        assertThat(s.denyActions()).isEmpty();
        assertThat(s.accounts()).containsOnlyKeys("222233334444", "333344445555");
        assertThat(SettingsCodec.apply(s, Json.MAPPER.readTree("{\"accounts\":null}"))
                        .accounts())
                .isEmpty();
        assertThatThrownBy(() -> SettingsCodec.apply(Settings.DEFAULTS, Json.MAPPER.readTree("{\"nonsense\":1}")))
                .hasMessageStartingWith("unknown setting 'nonsense'; known: createDelay, deleteDelay, quota,");
        assertThatThrownBy(() -> SettingsCodec.apply(Settings.DEFAULTS, Json.MAPPER.readTree("{\"createDelay\":-5}")))
                .hasMessage("invalid value for createDelay: createDelay must not be negative: PT-0.005S");
    }

    @Test
    void aJavaUpdateIsCheckedWhenPublishedAndRefusedWhole() {
        LiveSettings live = new LiveSettings(Settings.DEFAULTS);
        assertThatThrownBy(() -> live.update(s -> s.withQuota(3).withErrorRate500(1.5), false))
                .hasMessage("errorRate500 must be a probability between 0 and 1: 1.5");
        assertThatThrownBy(() -> live.update(s -> s.withCreateDelay(null), false))
                .hasMessage("createDelay must not be null");
        assertThat(live.get()).isSameAs(Settings.DEFAULTS);
        assertThat(live.update(s -> s.withQuota(3).withFailProvisioningNames(null), false)
                        .quota())
                .isEqualTo(3);
    }

    @Test
    void aNewSeedRestartsTheSequencesAndAnUnchangedOneOnlyWhenAsked() {
        LiveSettings live = new LiveSettings(Settings.DEFAULTS.withSeed(5L));
        long first = live.idRandom().nextLong();
        live.update(s -> s.withSeed(5L).withQuota(3), false);
        long second = live.idRandom().nextLong();
        assertThat(second).as("same seed: the sequence goes on").isNotEqualTo(first);
        live.update(s -> s, true);
        assertThat(live.idRandom().nextLong()).isEqualTo(first);
        live.update(s -> s.withSeed(6L), false);
        assertThat(live.idRandom().nextLong()).isNotEqualTo(first);
        live.reset();
        assertThat(live.idRandom().nextLong()).isEqualTo(first);
        assertThat(live.get().denyActions()).isEqualTo(Set.of());
    }
}
