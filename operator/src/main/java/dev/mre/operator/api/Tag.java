package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** An AWS tag. In the CRD, spec.tags is a list-map keyed by {@code key}, so duplicate keys are refused. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!self.key.matches('^[aA][wW][sS]:')",
        message = "tag keys starting with 'aws:' (in any case) are reserved by AWS",
        fieldPath = ".key",
        reason = "FieldValueInvalid")
@ValidationRule(
        value = "!self.key.startsWith('" + MultiRegionEndpoint.PREFIX + "')",
        message = "tag keys starting with '" + MultiRegionEndpoint.PREFIX + "' are reserved by the operator",
        fieldPath = ".key",
        reason = "FieldValueInvalid")
public class Tag {

    @JsonPropertyDescription("Tag key: 1 to 128 characters, unique within the list, case-sensitive,"
            + " not starting with 'aws:' or '" + MultiRegionEndpoint.PREFIX + "'.")
    @Required
    @Size(min = 1, max = 128)
    private String key;

    @JsonPropertyDescription("Tag value: 0 to 256 characters.")
    @Required
    @Size(max = 256)
    private String value;

    public Tag() {}

    public Tag(String key, String value) {
        this.key = key;
        this.value = value;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tag t && Objects.equals(key, t.key) && Objects.equals(value, t.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, value);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }

    /** AWS reserves the {@code aws:} prefix in any case: such keys can be neither set nor removed. */
    public static boolean reservedByAws(String key) {
        return key.regionMatches(true, 0, "aws:", 0, 4);
    }
}
