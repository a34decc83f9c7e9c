package dev.mre.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mre.operator.api.NamespaceSelector;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.api.RoleSelectorSpec;
import dev.mre.operator.reconcile.AccountResolver.Ambiguous;
import dev.mre.operator.reconcile.AccountResolver.NoSelector;
import dev.mre.operator.reconcile.AccountResolver.Own;
import dev.mre.operator.reconcile.AccountResolver.Role;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountResolverTest {

    static RoleSelector rs(
            String name, List<String> names, Map<String, String> labels, List<LabelSelectorRequirement> expressions) {
        RoleSelector r = new RoleSelector();
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        RoleSelectorSpec spec = new RoleSelectorSpec();
        spec.setRoleArn("arn:aws:iam::210987654321:role/" + name);
        spec.setExternalId("x-" + name);
        spec.setSessionDuration("30m");
        NamespaceSelector sel = new NamespaceSelector();
        sel.setNames(names);
        sel.setMatchLabels(labels);
        sel.setMatchExpressions(expressions);
        spec.setNamespaceSelector(sel);
        r.setSpec(spec);
        return r;
    }

    static LabelSelectorRequirement req(String key, String op, String... values) {
        return new LabelSelectorRequirement(key, op, values.length == 0 ? null : List.of(values));
    }

    static AccountResolver.Resolution resolve(
            String ns, Map<String, String> labels, boolean require, RoleSelector... selectors) {
        return AccountResolver.resolve(ns, labels, List.of(selectors), require, "c1");
    }

    @Test
    void exactlyOneMatchGivesItsRoleWithASessionForThisClusterAndNamespace() {
        var r = resolve(
                "mail",
                Map.of(),
                false,
                rs("mail-role", List.of("mail"), null, null),
                rs("other", List.of("billing"), null, null));
        assertThat(r).isInstanceOf(Role.class);
        Role role = (Role) r;
        assertThat(role.selector()).isEqualTo("mail-role");
        assertThat(role.identity().roleArn()).isEqualTo("arn:aws:iam::210987654321:role/mail-role");
        assertThat(role.identity().externalId()).isEqualTo("x-mail-role");
        assertThat(role.identity().sessionDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(role.identity().clusterId()).isEqualTo("c1");
        assertThat(role.identity().namespace()).isEqualTo("mail");
        assertThat(role.identity().roleAccount()).isEqualTo("210987654321");
    }

    @Test
    void noMatchIsTheOperatorsOwnIdentityOrNothingWhenRequired() {
        RoleSelector other = rs("other", List.of("billing"), null, null);
        assertThat(resolve("mail", Map.of(), false, other)).isInstanceOf(Own.class);
        assertThat(resolve("mail", Map.of(), true, other)).isInstanceOf(NoSelector.class);
        assertThat(resolve("mail", null, false)).isInstanceOf(Own.class);
    }

    @Test
    void severalMatchesAreAmbiguousNamedInOrder() {
        var r = resolve(
                "mail",
                Map.of("team", "mail"),
                false,
                rs("z-by-label", null, Map.of("team", "mail"), null),
                rs("a-by-name", List.of("mail"), null, null));
        assertThat(r).isEqualTo(new Ambiguous(List.of("a-by-name", "z-by-label")));
    }

    @Test
    void namesAndLabelsTogetherMustBothHold() {
        RoleSelector both = rs("both", List.of("mail"), Map.of("tier", "prod"), null);
        assertThat(resolve("mail", Map.of("tier", "prod"), false, both)).isInstanceOf(Role.class);
        assertThat(resolve("mail", Map.of("tier", "dev"), false, both)).isInstanceOf(Own.class);
        assertThat(resolve("billing", Map.of("tier", "prod"), false, both)).isInstanceOf(Own.class);
    }

    @Test
    void expressionsFollowKubernetesLabelSelectors() {
        Map<String, String> labels = Map.of("team", "mail", "tier", "prod");
        assertThat(AccountResolver.labelsMatch(null, List.of(req("team", "In", "mail", "billing")), labels))
                .isTrue();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("team", "In", "billing")), labels))
                .isFalse();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("team", "NotIn", "billing")), labels))
                .isTrue();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("absent", "NotIn", "x")), labels))
                .isTrue();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("tier", "Exists")), labels))
                .isTrue();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("tier", "DoesNotExist")), labels))
                .isFalse();
        assertThat(AccountResolver.labelsMatch(null, List.of(req("tier", "Gt", "1")), labels))
                .as("an unknown operator selects nothing")
                .isFalse();
        assertThat(AccountResolver.labelsMatch(Map.of("team", "mail"), List.of(req("tier", "In", "prod")), labels))
                .isTrue();
    }

    @Test
    void anEmptySelectorSelectsNothing() {
        assertThat(resolve("mail", Map.of(), false, rs("empty", List.of(), Map.of(), List.of())))
                .isInstanceOf(Own.class);
    }
}
