package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The operations the emulator answers; {@link #wireName()} is the AWS operation name used in counters, logs and settings. */
public enum Operation {
    CREATE_MULTI_REGION_ENDPOINT("CreateMultiRegionEndpoint", Service.SES),
    GET_MULTI_REGION_ENDPOINT("GetMultiRegionEndpoint", Service.SES),
    DELETE_MULTI_REGION_ENDPOINT("DeleteMultiRegionEndpoint", Service.SES),
    LIST_MULTI_REGION_ENDPOINTS("ListMultiRegionEndpoints", Service.SES),
    TAG_RESOURCE("TagResource", Service.SES),
    UNTAG_RESOURCE("UntagResource", Service.SES),
    LIST_TAGS_FOR_RESOURCE("ListTagsForResource", Service.SES),
    CREATE_EMAIL_IDENTITY("CreateEmailIdentity", Service.SES),
    GET_EMAIL_IDENTITY("GetEmailIdentity", Service.SES),
    DELETE_EMAIL_IDENTITY("DeleteEmailIdentity", Service.SES),
    LIST_EMAIL_IDENTITIES("ListEmailIdentities", Service.SES),
    GET_ACCOUNT("GetAccount", Service.SES),
    CREATE_CONFIGURATION_SET("CreateConfigurationSet", Service.SES),
    GET_CONFIGURATION_SET("GetConfigurationSet", Service.SES),
    DELETE_CONFIGURATION_SET("DeleteConfigurationSet", Service.SES),
    SEND_EMAIL("SendEmail", Service.SES),
    GET_CALLER_IDENTITY("GetCallerIdentity", Service.STS),
    ASSUME_ROLE("AssumeRole", Service.STS),
    /** A request no route matched; counted so that a client calling something unexpected is visible. */
    UNKNOWN("Unknown", Service.SES);

    /** The AWS service an operation belongs to: decides the signing name and the error wire format. */
    public enum Service {
        SES("ses"),
        STS("sts");

        private final String signingName;

        Service(String signingName) {
            this.signingName = signingName;
        }

        public String signingName() {
            return signingName;
        }
    }

    private final String wireName;
    private final Service service;

    Operation(String wireName, Service service) {
        this.wireName = wireName;
        this.service = service;
    }

    public String wireName() {
        return wireName;
    }

    /** The IAM action: {@code ses:CreateMultiRegionEndpoint}, {@code sts:AssumeRole}. */
    public String iamAction() {
        return service.signingName() + ":" + wireName;
    }

    public Service service() {
        return service;
    }

    /** Accepts the wire name ({@code CreateMultiRegionEndpoint}), an IAM action ({@code ses:CreateMultiRegionEndpoint}) or the enum name. */
    public static Optional<Operation> parse(String text) {
        String name = text.trim();
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(colon + 1);
        }
        String wanted = name;
        return Arrays.stream(values())
                .filter(op -> op.wireName.equalsIgnoreCase(wanted) || op.name().equalsIgnoreCase(wanted))
                .findFirst();
    }

    /**
     * Names as settings give them: a JSON array, or one comma-separated string (the command-line form); {@code *} or
     * {@code ses:*} = every SES operation.
     */
    static Set<Operation> parseAll(JsonNode names) {
        List<String> all = new ArrayList<>();
        if (names.isArray()) {
            names.forEach(item -> all.add(item.asText()));
        } else if (!names.isNull()) {
            Arrays.stream(names.asText().split(",")).filter(p -> !p.isBlank()).forEach(all::add);
        }
        Set<Operation> ops = new LinkedHashSet<>();
        for (String name : all) {
            if (name.trim().equals("*") || name.trim().equalsIgnoreCase("ses:*")) {
                Arrays.stream(values())
                        .filter(op -> op.service == Service.SES && op != UNKNOWN)
                        .forEach(ops::add);
            } else {
                ops.add(parse(name)
                        .filter(op -> op != UNKNOWN)
                        .orElseThrow(() -> new IllegalArgumentException("unknown operation '" + name + "'")));
            }
        }
        return ops;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
