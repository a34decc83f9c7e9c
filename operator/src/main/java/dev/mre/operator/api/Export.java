package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * Where the operator publishes the endpoint for applications (issue 22 section 3): a ConfigMap in the object's
 * namespace, owned by the object, whose keys an application takes with {@code envFrom}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Export {

    /** A DNS-1123 subdomain, what Kubernetes accepts as a ConfigMap name. */
    public static final String DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public static final int MAX_NAME_LENGTH = 253;

    @JsonPropertyDescription("Name of the ConfigMap in this object's namespace that receives SES_ENDPOINT_ID,"
            + " SES_ENDPOINT_NAME, SES_ENDPOINT_ARN, SES_PRIMARY_REGION and SES_SECONDARY_REGION once SES reports the"
            + " endpoint READY. A DNS-1123 subdomain of at most " + MAX_NAME_LENGTH + " characters. The operator"
            + " creates it owned by this object (deleted with it) and never overwrites a ConfigMap it did not"
            + " create (Stalled/ExportConflict). Needs the administrator's operator.export.enabled.")
    @Required
    @Size(min = 1, max = MAX_NAME_LENGTH)
    @Pattern(DNS1123_SUBDOMAIN)
    private String configMapName;

    public Export() {}

    public Export(String configMapName) {
        this.configMapName = configMapName;
    }

    public String getConfigMapName() {
        return configMapName;
    }

    public void setConfigMapName(String configMapName) {
        this.configMapName = configMapName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Export e && Objects.equals(configMapName, e.configMapName);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(configMapName);
    }
}
