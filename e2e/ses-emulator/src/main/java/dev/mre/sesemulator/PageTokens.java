package dev.mre.sesemulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * ListMultiRegionEndpoints NextToken: padded standard base64 (the format the SES model's NextToken pattern
 * defines, so real tokens may hold {@code + / =}) of "v2|account|region|last name". A name cursor (not an offset)
 * keeps pages stable while endpoints come and go; account and region make a token of another caller invalid.
 */
final class PageTokens {

    /** The NextToken pattern of the SES v2 model. */
    static final Pattern MODEL_PATTERN =
            Pattern.compile("^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");

    private static final String VERSION = "v2";

    private PageTokens() {}

    static String encode(String accountId, String region, String lastName) {
        return Base64.getEncoder()
                .encodeToString(
                        String.join("|", VERSION, accountId, region, lastName).getBytes(StandardCharsets.UTF_8));
    }

    /** The name to continue after. */
    static String decode(String token, String accountId, String region) {
        if (token.length() > 5000 || !MODEL_PATTERN.matcher(token).matches()) {
            throw invalid(token);
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        String[] parts = text.split("\\|", 4);
        if (parts.length != 4
                || !parts[0].equals(VERSION)
                || !parts[1].equals(accountId)
                || !parts[2].equals(region)
                || parts[3].isEmpty()) {
            throw invalid(token);
        }
        return parts[3];
    }

    private static ApiException invalid(String token) {
        return SesErrors.badRequest("Invalid NextToken: '" + token
                + "' was not returned by ListMultiRegionEndpoints to this account in this region.");
    }
}
