package dev.mre.operator.aws;

/**
 * Which endpoint a call addresses, and as whom: SES names an endpoint by its name within the primary region of the
 * caller's account, so the identity decides the account.
 */
public record EndpointRef(AwsIdentity identity, String region, String name) {

    @Override
    public String toString() {
        return region + "/" + name;
    }
}
