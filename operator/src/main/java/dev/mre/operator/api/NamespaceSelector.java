package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Namespaces by name and/or by labels; both, when given, must hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "(has(self.names) && size(self.names) > 0) || (has(self.matchLabels) && size(self.matchLabels)"
                + " > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
        message = "spec.namespaceSelector needs names, matchLabels or matchExpressions: an empty selector would"
                + " select every namespace",
        reason = "FieldValueRequired")
public class NamespaceSelector {

    @JsonPropertyDescription("Namespaces by name.")
    @Size(max = 1000)
    private List<@Size(min = 1, max = 63) String> names;

    @JsonPropertyDescription("Namespaces whose labels include all of these.")
    private Map<String, String> matchLabels;

    @JsonPropertyDescription("Namespaces whose labels satisfy all of these requirements (In, NotIn, Exists,"
            + " DoesNotExist), as in a Kubernetes label selector.")
    private List<LabelSelectorRequirement> matchExpressions;

    public NamespaceSelector() {}

    public List<String> getNames() {
        return names;
    }

    public void setNames(List<String> names) {
        this.names = names;
    }

    public Map<String, String> getMatchLabels() {
        return matchLabels;
    }

    public void setMatchLabels(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }

    public List<LabelSelectorRequirement> getMatchExpressions() {
        return matchExpressions;
    }

    public void setMatchExpressions(List<LabelSelectorRequirement> e) {
        this.matchExpressions = e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamespaceSelector n
                && Objects.equals(names, n.names)
                && Objects.equals(matchLabels, n.matchLabels)
                && Objects.equals(matchExpressions, n.matchExpressions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, matchLabels, matchExpressions);
    }
}
