package dev.mre.sesemulator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Multi-region endpoint ARNs: {@code arn:PARTITION:ses:REGION:ACCOUNT:multi-region-endpoint/NAME}. */
final class Arns {

    static final String RESOURCE_TYPE = "multi-region-endpoint";

    /** Any ARN; resource may contain ':' and '/'. */
    private static final Pattern ARN = Pattern.compile("^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\\d{12}|):(.+)$");

    /** A well-formed ARN split into its parts; {@code endpointName} is present only for a multi-region endpoint of SES. */
    record Parsed(String partition, String service, String region, String accountId, String resource) {
        Optional<String> endpointName() {
            String prefix = RESOURCE_TYPE + "/";
            return service.equals("ses") && resource.startsWith(prefix) && resource.length() > prefix.length()
                    ? Optional.of(resource.substring(prefix.length()))
                    : Optional.empty();
        }
    }

    private Arns() {}

    static String endpointArn(String region, String accountId, String endpointName) {
        return "arn:" + Regions.partition(region) + ":ses:" + region + ":" + accountId + ":" + RESOURCE_TYPE + "/"
                + endpointName;
    }

    static Optional<Parsed> parse(String arn) {
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
    }
}
