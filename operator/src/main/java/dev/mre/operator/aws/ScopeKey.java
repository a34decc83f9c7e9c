package dev.mre.operator.aws;

/**
 * What one ListMultiRegionEndpoints call sees: the endpoints of one AWS account whose primary region is
 * {@code region}. Everything shared between objects (the inventory, the pacing) is kept per scope, so that more
 * accounts only mean more scopes.
 */
public record ScopeKey(String account, String region) {

    @Override
    public String toString() {
        return account + "/" + region;
    }
}
