package dev.mre.sesemulator;

import java.util.regex.Pattern;

/** What an AWS region name looks like, and the ARN partition it belongs to. */
final class Regions {

    /** e.g. us-east-1, eu-central-2, ap-southeast-5, us-gov-west-1, cn-northwest-1, us-iso-east-1. */
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}$");

    private Regions() {}

    static boolean looksValid(String region) {
        return region != null && REGION.matcher(region).matches();
    }

    static String partition(String region) {
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        return "aws";
    }
}
