package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy language itself: what is refused when set, and IAM's evaluation rules on edge cases. */
class IamPolicyEvaluationTest {

    private static IamPolicy policy(String json) {
        return IamPolicy.parse(json.replace('\'', '"'));
    }

    private static IamPolicy.Outcome evaluate(
            IamPolicy policy, String action, String resource, Map<String, List<String>> context) {
        return policy.evaluate(new IamPolicy.Request(action, resource, context));
    }

    private static Map<String, List<String>> context(String... keyValues) {
        Map<String, List<String>> c = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put(keyValues[i], List.of(keyValues[i + 1].split(",")));
        }
        return c;
    }

    private static IamPolicy.Outcome withCondition(String condition, Map<String, List<String>> context) {
        IamPolicy p = policy(
                "{'Statement':[{'Effect':'Allow','Action':'ses:*','Resource':'*','Condition':{" + condition + "}}]}");
        return evaluate(p, "ses:TagResource", "arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/x", context);
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                Arguments.of("not JSON", "{\"Statement\":", "policy is not valid JSON"),
                Arguments.of("no Statement", "{\"Version\":\"2012-10-17\"}", "policy has no Statement"),
                Arguments.of(
                        "unknown top element",
                        "{\"Statement\":[],\"Statements\":[]}",
                        "policy has an unknown element 'Statements'"),
                Arguments.of(
                        "wrong Version",
                        "{\"Version\":\"2020-01-01\",\"Statement\":[]}",
                        "policy Version must be \"2012-10-17\""),
                Arguments.of("empty Statement", "{\"Statement\":[]}", "policy Statement must not be empty"),
                Arguments.of(
                        "no Effect",
                        "{\"Statement\":[{\"Action\":\"ses:*\",\"Resource\":\"*\"}]}",
                        "Statement 1: Effect is missing"),
                Arguments.of(
                        "bad Effect",
                        "{\"Statement\":[{\"Sid\":\"S1\",\"Effect\":\"allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}",
                        "Statement 1 (Sid \"S1\"): Effect must be \"Allow\" or \"Deny\", not \"allow\""),
                Arguments.of(
                        "Action and NotAction",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"NotAction\":\"ses:Get*\",\"Resource\":\"*\"}]}",
                        "Statement 1: needs exactly one of Action and NotAction, not both"),
                Arguments.of(
                        "no Resource",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\"}]}",
                        "Statement 1: needs exactly one of Resource and NotResource"),
                Arguments.of(
                        "Principal",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}",
                        "Statement 1: Principal is not allowed in an identity-based policy"),
                Arguments.of(
                        "action without service",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"DeleteMultiRegionEndpoint\",\"Resource\":\"*\"}]}",
                        "Statement 1: Action 'DeleteMultiRegionEndpoint' must be \"*\" or service:Action"),
                Arguments.of(
                        "empty Action list",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}",
                        "Statement 1: Action must be a string or a non-empty list of strings"),
                Arguments.of(
                        "resource not an ARN",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"multi-region-endpoint/x\"}]}",
                        "Statement 1: Resource 'multi-region-endpoint/x' must be \"*\" or an ARN"),
                Arguments.of(
                        "duplicate Sid",
                        "{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}",
                        "Statement 2 (Sid \"A\"): Sid must be unique within the policy"),
                Arguments.of(
                        "bad Sid",
                        "{\"Statement\":[{\"Sid\":\"has space\",\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}",
                        "Statement 1: Sid must be a string of letters and digits"),
                Arguments.of(
                        "unsupported operator",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":{\"x\":\"1\"}}}]}",
                        "Statement 1: condition operator 'NumericLessThan' is not supported by the emulator"),
                Arguments.of(
                        "Null with IfExists",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"x\":\"true\"}}}]}",
                        "Null takes neither IfExists"),
                Arguments.of(
                        "Null not boolean",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\",\"Condition\":{\"Null\":{\"x\":\"yes\"}}}]}",
                        "Statement 1: condition Null on x takes true or false, not 'yes'"),
                Arguments.of(
                        "object as condition value",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"x\":{\"y\":1}}}}]}",
                        "Statement 1: condition StringEquals on x takes strings"),
                Arguments.of(
                        "empty value list",
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"x\":[]}}}]}",
                        "Statement 1: condition StringEquals on x has an empty list of values"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void badPoliciesAreRefusedNamingTheStatementAndTheProblem(String name, String json, String message) {
        assertThatThrownBy(() -> IamPolicy.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aMissingKeyFailsPositiveOperatorsAndSatisfiesNegatedOnes() {
        Map<String, List<String>> none = context();
        assertThat(withCondition("'StringEquals':{'aws:RequestTag/a':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'StringLike':{'aws:RequestTag/a':'*'}", none))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'StringNotEquals':{'aws:RequestTag/a':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'StringNotLike':{'aws:RequestTag/a':'*'}", none))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'StringEqualsIfExists':{'aws:RequestTag/a':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'ForAllValues:StringEquals':{'aws:TagKeys':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'ForAnyValue:StringEquals':{'aws:TagKeys':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'ForAnyValue:StringEqualsIfExists':{'aws:TagKeys':'x'}", none))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
    }

    @Test
    void valuesAreOredKeysAndOperatorsAnded() {
        Map<String, List<String>> c = context("aws:requesttag/a", "2", "aws:requestedregion", "eu-west-1");
        assertThat(withCondition("'StringEquals':{'aws:RequestTag/a':['1','2']}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'StringEquals':{'aws:RequestTag/a':'2','aws:RequestedRegion':'us-east-1'}", c))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition(
                        "'StringEquals':{'aws:RequestTag/a':'2'},'StringLike':{'aws:RequestedRegion':'eu-*'}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'StringNotEquals':{'aws:RequestTag/a':['1','2']}", c))
                .as("a negated operator matches none of the values")
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
    }

    @Test
    void conditionKeyNamesAreCaseInsensitiveValuesAreNot() {
        Map<String, List<String>> c = context("aws:requesttag/team", "Mail");
        assertThat(withCondition("'StringEquals':{'AWS:RequestTag/TEAM':'Mail'}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'StringEquals':{'aws:RequestTag/team':'mail'}", c))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'StringNotEqualsIgnoreCase':{'aws:RequestTag/team':'mail'}", c))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
    }

    @Test
    void setQualifiersOverMultiValuedKeys() {
        Map<String, List<String>> c = context("aws:tagkeys", "team,env");
        assertThat(withCondition("'ForAllValues:StringEquals':{'aws:TagKeys':['team','env','cost']}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'ForAllValues:StringEquals':{'aws:TagKeys':['team']}", c))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'ForAnyValue:StringEquals':{'aws:TagKeys':['env']}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'ForAllValues:StringNotEquals':{'aws:TagKeys':['owner']}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'ForAllValues:StringNotEquals':{'aws:TagKeys':['env']}", c))
                .isEqualTo(IamPolicy.Outcome.IMPLICIT_DENY);
        assertThat(withCondition("'ForAnyValue:StringNotLike':{'aws:TagKeys':['t*']}", c))
                .isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(withCondition("'Null':{'aws:TagKeys':'false'}", c)).isEqualTo(IamPolicy.Outcome.ALLOWED);
    }

    @Test
    void wildcardsSpanColonsAndSlashesAndQuestionMarkIsOneCharacter() {
        assertThat(Wildcards.matches(
                        "arn:aws:ses:*:123456789012:multi-region-endpoint/*",
                        "arn:aws:ses:eu-west-1:123456789012:multi-region-endpoint/a",
                        false))
                .isTrue();
        assertThat(Wildcards.matches("arn:*", "arn:aws:ses:eu-west-1:1:x/y/z", false))
                .isTrue();
        assertThat(Wildcards.matches("a?c", "abc", false)).isTrue();
        assertThat(Wildcards.matches("a?c", "ac", false)).isFalse();
        assertThat(Wildcards.matches("*a*b*", "xxaxxbxx", false)).isTrue();
        assertThat(Wildcards.matches("*a*b", "xxaxxbxxb", false)).isTrue();
        assertThat(Wildcards.matches("ses:get*", "ses:GetMultiRegionEndpoint", true))
                .isTrue();
        assertThat(Wildcards.matches("ses:get*", "ses:GetMultiRegionEndpoint", false))
                .isFalse();
        assertThat(Wildcards.matches("arn:aws:ses:*", "*", false))
                .as("an ARN pattern does not cover the resource '*'")
                .isFalse();
        assertThat(Wildcards.matches("*", "*", false)).isTrue();
    }

    @Test
    void explicitDenyWinsRegardlessOfOrder() {
        IamPolicy p = policy(
                "{'Statement':[{'Effect':'Deny','Action':'ses:Delete*','Resource':'*'},{'Effect':'Allow','Action':'*','Resource':'*'}]}");
        assertThat(evaluate(p, "ses:DeleteMultiRegionEndpoint", "*", context()))
                .isEqualTo(IamPolicy.Outcome.EXPLICIT_DENY);
        assertThat(evaluate(p, "ses:GetMultiRegionEndpoint", "*", context())).isEqualTo(IamPolicy.Outcome.ALLOWED);
        assertThat(evaluate(
                        policy("{'Statement':{'Effect':'Deny','Action':'*','Resource':'*'}}"), "ses:X", "*", context()))
                .isEqualTo(IamPolicy.Outcome.EXPLICIT_DENY);
    }

    @Test
    void aPolicyKeepsItsDocument() {
        String json =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:*\",\"Resource\":\"*\"}]}";
        assertThat(IamPolicy.parse(json).json()).isEqualTo(json);
        assertThat(IamPolicy.parse(json)).isEqualTo(IamPolicy.parse(json));
    }
}
