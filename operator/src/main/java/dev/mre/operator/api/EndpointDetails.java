package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Mirrors SES {@code Details}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointDetails {

    @JsonPropertyDescription("Routes of the endpoint besides the primary region: exactly one entry, the secondary"
            + " region, which must differ from the primary region.")
    @Required
    @Size(min = 1, max = 1)
    private List<RouteDetails> routesDetails;

    public EndpointDetails() {}

    public EndpointDetails(List<RouteDetails> routesDetails) {
        setRoutesDetails(routesDetails);
    }

    public List<RouteDetails> getRoutesDetails() {
        return routesDetails;
    }

    public void setRoutesDetails(List<RouteDetails> routesDetails) {
        this.routesDetails = routesDetails == null ? null : new ArrayList<>(routesDetails);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointDetails d && Objects.equals(routesDetails, d.routesDetails);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(routesDetails);
    }
}
