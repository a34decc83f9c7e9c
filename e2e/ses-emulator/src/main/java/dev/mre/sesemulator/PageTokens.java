package dev.mre.sesemulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ListMultiRegionEndpoints NextToken: opaque base64 of "v1|region|last name". A name cursor (not an offset)
 * keeps pages stable while endpoints come and go; the region makes a token from another region invalid.
 */
final class PageTokens {

    private static final String VERSION = "v1";

    private PageTokens() {
    }

    static String encode(String region, String lastName) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + "|" + region + "|" + lastName).getBytes(StandardCharsets.UTF_8));
    }

    /** The name to continue after. */
    static String decode(String token, String region) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        String[] parts = text.split("\\|", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION) || !parts[1].equals(region) || parts[2].isEmpty()) {
            throw invalid(token);
        }
        return parts[2];
    }

    private static ApiException invalid(String token) {
        return SesErrors.badRequest("Invalid NextToken: '" + token + "' was not returned by ListMultiRegionEndpoints in this region.");
    }
}
