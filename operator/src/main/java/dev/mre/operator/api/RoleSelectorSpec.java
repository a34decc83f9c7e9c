package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Which role to assume, for which namespaces. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleSelectorSpec {

    /** An IAM role ARN in any partition: {@code arn:<partition>:iam::<12-digit account>:role/<path/name>}. */
    public static final String ROLE_ARN_PATTERN = "^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$";
    /** STS's rule for ExternalId: 2 to 1224 characters of letters, digits and {@code +=,.@:/-}. */
    public static final String EXTERNAL_ID_PATTERN = "^[\\w+=,.@:/-]+$";
    /** A number of seconds, minutes or hours: what CEL's duration() reads, to check STS's 15 minutes to 12 hours. */
    public static final String SESSION_DURATION_PATTERN = "^[0-9]{1,5}(s|m|h)$";

    @JsonPropertyDescription("IAM role the operator assumes (STS AssumeRole) to manage the endpoints of the selected"
            + " namespaces, for example arn:aws:iam::210987654321:role/ses-mre-operator. Its account is the account"
            + " those endpoints live in. The role's trust policy must allow the operator's own role.")
    @Required
    @Pattern(ROLE_ARN_PATTERN)
    private String roleArn;

    @JsonPropertyDescription("ExternalId passed to AssumeRole, when the role's trust policy requires one"
            + " (sts:ExternalId): 2 to 1224 characters of letters, digits and +=,.@:/-.")
    @Pattern(EXTERNAL_ID_PATTERN)
    @Size(min = 2, max = 1224)
    private String externalId;

    @JsonPropertyDescription("Lifetime of the assumed-role session: 15m to 12h in s, m or h (for example 1h),"
            + " within the role's maximum; default 1h. The operator renews sessions before they expire.")
    @Pattern(SESSION_DURATION_PATTERN)
    @ValidationRule(
            value = "duration(self) >= duration('15m') && duration(self) <= duration('12h')",
            message = "spec.sessionDuration must be between 15m and 12h (STS AssumeRole's range)",
            reason = "FieldValueInvalid")
    private String sessionDuration;

    @JsonPropertyDescription("The namespaces this role serves: names, a label selector, or both (a namespace must"
            + " then satisfy both). Exactly one RoleSelector may match a namespace.")
    @Required
    private NamespaceSelector namespaceSelector;

    public RoleSelectorSpec() {}

    public String getRoleArn() {
        return roleArn;
    }

    public void setRoleArn(String roleArn) {
        this.roleArn = roleArn;
    }

    public String getExternalId() {
        return externalId;
    }

    public void setExternalId(String externalId) {
        this.externalId = externalId;
    }

    public String getSessionDuration() {
        return sessionDuration;
    }

    public void setSessionDuration(String sessionDuration) {
        this.sessionDuration = sessionDuration;
    }

    public NamespaceSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(NamespaceSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoleSelectorSpec s
                && Objects.equals(roleArn, s.roleArn)
                && Objects.equals(externalId, s.externalId)
                && Objects.equals(sessionDuration, s.sessionDuration)
                && Objects.equals(namespaceSelector, s.namespaceSelector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(roleArn, externalId, sessionDuration, namespaceSelector);
    }
}
