package dev.mre.operator.aws;

/**
 * Which endpoint a call addresses: SES names an endpoint by its name within the primary region (of one account;
 * the account is the caller's).
 */
public record EndpointRef(String region, String name) {

    @Override
    public String toString() {
        return region + "/" + name;
    }
}
