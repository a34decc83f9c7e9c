package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What applications send through the endpoint: the operator reports in the condition SendingReady whether both
 * regions can send from these identities with these configuration sets (issue 22), and, where the administrator
 * allows it and {@link #createReplicas} asks for it, creates missing secondary-region domains as DEED replicas.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Sending {

    /** A DNS domain of at least two labels, each 1 to 63 letters, digits and inner '-', the last 2 to 63 letters. */
    public static final String DOMAIN = "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+[A-Za-z]{2,63}";
    /** An identity: a domain, or an email address at a domain (local part without quotes or spaces). */
    public static final String IDENTITY_PATTERN =
            "^(" + DOMAIN + "|[A-Za-z0-9.!#$%&*+/=?^_{|}~-]{1,64}@" + DOMAIN + ")$";
    /** SES's configuration-set names: 1 to 64 letters, digits, '_' and '-'. */
    public static final String CONFIGURATION_SET_PATTERN = "^[A-Za-z0-9_-]{1,64}$";

    public static final int MAX_ITEMS = 20;
    /** The longest email address (RFC 5321: 64 + 1 + 255), also bounding the cost of the CEL rules. */
    public static final int MAX_IDENTITY_LENGTH = 320;

    @JsonPropertyDescription("Sending identities applications use through this endpoint: domains (example.com) or"
            + " email addresses (ops@example.org); at most " + MAX_ITEMS + ", no duplicates. SendingReady is True only"
            + " when each is verified for sending in the primary and the secondary region.")
    @Size(max = MAX_ITEMS)
    @ValidationRule(
            value = "self.all(i, self.exists_one(j, j.lowerAscii() == i.lowerAscii()))",
            message = "spec.sending.identities must not name an identity twice (SES names are case-insensitive)",
            reason = "FieldValueDuplicate")
    private List<@Size(max = MAX_IDENTITY_LENGTH) @Pattern(IDENTITY_PATTERN) String> identities;

    @JsonPropertyDescription("Configuration sets applications name in SendEmail; each must exist in both regions;"
            + " at most " + MAX_ITEMS + ", 1 to 64 letters, digits, '_' and '-'.")
    @Size(max = MAX_ITEMS)
    private List<@Size(min = 1, max = 64) @Pattern(CONFIGURATION_SET_PATTERN) String> configurationSets;

    @JsonPropertyDescription("true: create a domain missing in the secondary region as a Deterministic Easy DKIM"
            + " replica of the primary region's identity, if the operator's administrator allows it"
            + " (SES_MRE_ALLOW_REPLICA_IDENTITIES). The operator never deletes an identity.")
    private Boolean createReplicas;

    public List<String> getIdentities() {
        return identities;
    }

    public void setIdentities(List<String> identities) {
        this.identities = identities == null ? null : new ArrayList<>(identities);
    }

    public List<String> getConfigurationSets() {
        return configurationSets;
    }

    public void setConfigurationSets(List<String> configurationSets) {
        this.configurationSets = configurationSets == null ? null : new ArrayList<>(configurationSets);
    }

    public Boolean getCreateReplicas() {
        return createReplicas;
    }

    public void setCreateReplicas(Boolean createReplicas) {
        this.createReplicas = createReplicas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sending s
                && Objects.equals(identities, s.identities)
                && Objects.equals(configurationSets, s.configurationSets)
                && Objects.equals(createReplicas, s.createReplicas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identities, configurationSets, createReplicas);
    }
}
