package dev.mre.operator.reconcile;

import dev.mre.operator.api.NamespaceSelector;
import dev.mre.operator.api.RoleSelector;
import dev.mre.operator.aws.AwsIdentity;
import dev.mre.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which identity the operator acts as for a namespace: the one RoleSelector that matches it, else the operator's
 * own identity (or nothing, when the administrator requires a selector). Pure: table-tested in
 * {@code AccountResolverTest}.
 */
public final class AccountResolver {

    /** The outcome for one namespace. */
    public sealed interface Resolution {}

    /** No selector matches: the operator's own identity. */
    public record Own() implements Resolution {}

    /** Exactly one selector matches: assume its role. */
    public record Role(String selector, AwsIdentity identity) implements Resolution {}

    /** No selector matches and the operator requires one ({@code SES_MRE_REQUIRE_ROLE_SELECTOR}). */
    public record NoSelector() implements Resolution {}

    /** Several selectors match: which account is meant is not for the operator to guess. */
    public record Ambiguous(List<String> selectors) implements Resolution {}

    /**
     * The account an object's namespace maps to, as resolved before any SES call.
     *
     * @param resolution what the RoleSelectors say for the namespace
     * @param id the account of the resolved identity; null when not (yet) learned
     */
    public record Account(Resolution resolution, String id) {

        /** The operator's own identity in account {@code id} (no RoleSelectors in play). */
        public static Account own(String id) {
            return new Account(new Own(), id);
        }

        /** Exactly one identity to act as. */
        public boolean single() {
            return resolution instanceof Own || resolution instanceof Role;
        }

        public AwsIdentity identity() {
            return resolution instanceof Role r ? r.identity() : AwsIdentity.OWN;
        }

        public Account withId(String accountId) {
            return new Account(resolution, accountId);
        }

        String roleArn() {
            return resolution instanceof Role r ? r.identity().roleArn() : null;
        }
    }

    private AccountResolver() {}

    /** @param labels the namespace's labels (null: none) */
    public static Resolution resolve(
            String namespace,
            Map<String, String> labels,
            Collection<RoleSelector> selectors,
            boolean requireSelector,
            String clusterId) {
        List<RoleSelector> matching = selectors.stream()
                .filter(s -> s.getSpec() != null
                        && s.getSpec().getNamespaceSelector() != null
                        && matches(s.getSpec().getNamespaceSelector(), namespace, labels == null ? Map.of() : labels))
                .sorted((a, b) ->
                        a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .toList();
        if (matching.size() > 1) {
            return new Ambiguous(
                    matching.stream().map(s -> s.getMetadata().getName()).toList());
        }
        if (matching.isEmpty()) {
            return requireSelector ? new NoSelector() : new Own();
        }
        RoleSelector s = matching.get(0);
        String duration = s.getSpec().getSessionDuration();
        return new Role(
                s.getMetadata().getName(),
                new AwsIdentity(
                        s.getSpec().getRoleArn(),
                        s.getSpec().getExternalId(),
                        duration == null ? null : OperatorConfig.parseDuration("spec.sessionDuration", duration),
                        clusterId,
                        namespace));
    }

    /**
     * Whether a namespace is selected: by name when names are given, by labels when label terms are given, both
     * when both are. An empty selector selects nothing (the CRD refuses it anyway).
     */
    static boolean matches(NamespaceSelector sel, String namespace, Map<String, String> labels) {
        boolean byName = sel.getNames() != null && !sel.getNames().isEmpty();
        boolean byLabels = sel.getMatchLabels() != null && !sel.getMatchLabels().isEmpty()
                || sel.getMatchExpressions() != null
                        && !sel.getMatchExpressions().isEmpty();
        if (!byName && !byLabels) {
            return false;
        }
        if (byName && !sel.getNames().contains(namespace)) {
            return false;
        }
        return !byLabels || labelsMatch(sel.getMatchLabels(), sel.getMatchExpressions(), labels);
    }

    /**
     * Kubernetes' label selector semantics (matchLabels and In/NotIn/Exists/DoesNotExist), evaluated here because
     * the API server evaluates selectors only for the objects a request lists, and fabric8 offers no client-side
     * evaluator for an arbitrary map of labels.
     */
    static boolean labelsMatch(
            Map<String, String> matchLabels, List<LabelSelectorRequirement> expressions, Map<String, String> labels) {
        if (matchLabels != null) {
            for (var e : matchLabels.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (expressions != null) {
            for (LabelSelectorRequirement r : expressions) {
                String value = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> labels.containsKey(r.getKey());
                    case "DoesNotExist" -> !labels.containsKey(r.getKey());
                    default -> false; // an unknown operator selects nothing: never a role by accident
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
