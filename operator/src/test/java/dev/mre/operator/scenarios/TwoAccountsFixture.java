package dev.mre.operator.scenarios;

import dev.mre.operator.api.NamespaceSelector;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.api.RoleSelectorSpec;
import dev.mre.sesemulator.CallRecord;
import dev.mre.sesemulator.Operation;
import dev.mre.sesemulator.Role;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the account scenarios share: an operator harness whose SES emulator knows two team accounts with roles that
 * trust the operator's user, and helpers to write RoleSelectors and namespace labels. No tests of its own, so the
 * scenario classes that extend it can run in parallel.
 */
abstract class TwoAccountsFixture extends ScenarioTest {

    static final String ACCOUNT_A = "210987654321";
    static final String ACCOUNT_B = "310987654321";
    static final String ROLE_A = "arn:aws:iam::" + ACCOUNT_A + ":role/ses-mre-operator";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/ses-mre-operator";

    /** An emulator with two team accounts whose roles trust the operator's user. */
    OperatorHarness twoAccounts() {
        h = new OperatorHarness(client, s -> s);
        String operatorUser = h.ses.primaryCredentials().userArn();
        h.ses.updateSettings(s -> s.withRole(Role.trusting(ROLE_A, operatorUser).withTagSession(true))
                .withRole(Role.trusting(ROLE_B, operatorUser)
                        .withExternalId("team-b-secret")
                        .withTagSession(true)));
        return h;
    }

    RoleSelector selector(
            String name, String roleArn, String externalId, List<String> names, Map<String, String> labels) {
        RoleSelector rs = new RoleSelector();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).build());
        RoleSelectorSpec spec = new RoleSelectorSpec();
        spec.setRoleArn(roleArn);
        spec.setExternalId(externalId);
        NamespaceSelector ns = new NamespaceSelector();
        ns.setNames(names);
        ns.setMatchLabels(labels);
        spec.setNamespaceSelector(ns);
        rs.setSpec(spec);
        return client.resource(rs).createOr(r -> r.update());
    }

    void label(String namespace, Map<String, String> labels) {
        h.namespaceUid(namespace);
        client.namespaces().withName(namespace).edit(n -> {
            n.getMetadata().setLabels(new HashMap<>(labels));
            return n;
        });
    }

    String message(String ns, String name) {
        return h.condition(ns, name, "Ready").orElseThrow().getMessage();
    }

    List<CallRecord> sesCallsIn(String account) {
        return h.ses.calls().log().stream()
                .filter(c -> account.equals(c.accountId()))
                .filter(c -> !c.operation().equals(Operation.GET_CALLER_IDENTITY.wireName())
                        && !c.operation().equals(Operation.ASSUME_ROLE.wireName()))
                .toList();
    }

    /**
     * The calls in an account that act on or read one endpoint: every SES call but the shared event source's
     * ListMultiRegionEndpoints, which keeps polling a scope while any object there is followed, stalled ones included.
     */
    List<CallRecord> endpointCallsIn(String account) {
        return sesCallsIn(account).stream()
                .filter(c -> !c.operation().equals(Operation.LIST_MULTI_REGION_ENDPOINTS.wireName()))
                .toList();
    }
}
