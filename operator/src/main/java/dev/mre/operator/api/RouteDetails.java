package dev.mre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Mirrors SES {@code RouteDetails}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteDetails {

    @JsonPropertyDescription("The secondary AWS region of the endpoint, for example eu-west-1.")
    @Required
    @Pattern(MultiRegionEndpointSpec.REGION_PATTERN)
    @Size(max = MultiRegionEndpointSpec.MAX_REGION_LENGTH)
    private String region;

    public RouteDetails() {}

    public RouteDetails(String region) {
        this.region = region;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteDetails r && Objects.equals(region, r.region);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(region);
    }
}
