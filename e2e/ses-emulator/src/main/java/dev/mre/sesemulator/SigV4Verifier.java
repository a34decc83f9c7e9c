package dev.mre.sesemulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 {@code Authorization} headers.
 *
 * <p>Written by hand with {@code javax.crypto} rather than with the SDK's {@code AwsV4HttpSigner}:
 * a verifier has to rebuild the canonical request from what arrived on the wire (the raw encoded path,
 * the client's own SignedHeaders list), which the signer offers no entry point for, and keeping the SDK
 * off the emulator's runtime classpath means the SDK under test never checks its own signatures.
 * {@code SigV4VerifierTest} proves it against the SDK signer, including paths and queries that need encoding.
 */
final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    /** The caller a valid signature proves, and the region it signed for. */
    record Caller(Principal principal, String region) {}

    /**
     * What the emulator knows of an access key: its secret and whose it is; for temporary (STS) credentials also
     * the session token the request must carry in {@code X-Amz-Security-Token} and when it expires (real clock).
     */
    record SigningKey(String secretAccessKey, Principal principal, String sessionToken, Instant expiration) {}

    private final Function<String, SigningKey> keysByAccessKeyId;

    SigV4Verifier(Function<String, SigningKey> keysByAccessKeyId) {
        this.keysByAccessKeyId = keysByAccessKeyId;
    }

    /**
     * @param now     the server's real time; X-Amz-Date must be within {@code maxSkew} of it (0 = unchecked)
     * @throws AuthFailure.Failed when the request is not properly signed for {@code service}
     */
    Caller verify(IncomingRequest request, String service, Instant now, Duration maxSkew) {
        String authorization = request.header("authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new AuthFailure.Failed(
                    AuthFailure.MISSING_TOKEN,
                    service.equals("sts") ? "Request is missing Authentication Token" : "Missing Authentication Token");
        }
        Map<String, String> parts = parseAuthorization(authorization);
        String[] scope = parts.get("Credential").split("/", -1);
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw garbled(
                    "Credential should be scoped to a valid region, service and date: " + parts.get("Credential"));
        }
        String accessKeyId = scope[0];
        String scopeDate = scope[1];
        String region = scope[2];
        String scopeService = scope[3];

        SigningKey key = keysByAccessKeyId.apply(accessKeyId);
        if (key == null) {
            throw new AuthFailure.Failed(
                    AuthFailure.UNKNOWN_ACCESS_KEY, "The security token included in the request is invalid.");
        }
        if (!scopeService.equals(service)) {
            throw mismatch("Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!Regions.looksValid(region)) {
            throw mismatch("Credential should be scoped to a valid region. ");
        }

        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw garbled("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw garbled("X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z': " + amzDate);
        }
        if (!amzDate.trim().startsWith(scopeDate)) {
            throw mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scopeDate + "' != '"
                    + amzDate.trim().substring(0, Math.min(8, amzDate.trim().length())) + "', from '" + amzDate.trim()
                    + "'.");
        }
        checkSkew(signedAt, now, maxSkew);
        if (key.sessionToken() != null) {
            checkSession(request, key, now);
        }

        String canonicalRequest = canonicalRequest(request, parts.get("SignedHeaders"));
        String credentialScope = scopeDate + "/" + region + "/" + scopeService + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate.trim() + "\n" + credentialScope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] expected = signature(key.secretAccessKey(), scopeDate, region, scopeService, stringToSign);
        byte[] provided;
        try {
            provided = HexFormat.of().parseHex(parts.get("Signature").toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            provided = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, provided)) {
            // the same hint AWS gives: what the server canonicalized, so a signing bug can be diagnosed
            throw mismatch("The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                    + "The Canonical String for this request should have been\n'" + canonicalRequest + "'\n\n"
                    + "The String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        return new Caller(key.principal(), region);
    }

    /** Temporary credentials are valid only with their own session token, and only until they expire. */
    static void checkSession(IncomingRequest request, SigningKey key, Instant now) {
        String token = request.header("x-amz-security-token");
        if (token == null
                || !MessageDigest.isEqual(
                        token.trim().getBytes(StandardCharsets.UTF_8),
                        key.sessionToken().getBytes(StandardCharsets.UTF_8))) {
            throw new AuthFailure.Failed(
                    AuthFailure.UNKNOWN_ACCESS_KEY, "The security token included in the request is invalid.");
        }
        if (!now.isBefore(key.expiration())) {
            throw new AuthFailure.Failed(
                    AuthFailure.EXPIRED_TOKEN, "The security token included in the request is expired");
        }
    }

    /** {@code AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..} in any order; anything else counts as no token. */
    private static Map<String, String> parseAuthorization(String header) {
        String h = header.trim();
        if (!h.startsWith(ALGORITHM + " ")) {
            throw garbled("Authorization header must use " + ALGORITHM);
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String item : h.substring(ALGORITHM.length()).split(",")) {
            String kv = item.trim();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                parts.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (parts.getOrDefault(required, "").isEmpty()) {
                throw garbled("Authorization header requires '" + required + "' parameter.");
            }
        }
        return parts;
    }

    static void checkSkew(Instant signedAt, Instant now, Duration maxSkew) {
        if (maxSkew.isZero()) {
            return;
        }
        String minutes = maxSkew.toMinutes() + " min.";
        if (signedAt.isBefore(now.minus(maxSkew))) {
            throw mismatch("Signature expired: " + format(signedAt) + " is now earlier than "
                    + format(now.minus(maxSkew)) + " (" + format(now) + " - " + minutes + ")");
        }
        if (signedAt.isAfter(now.plus(maxSkew))) {
            throw mismatch("Signature not yet current: " + format(signedAt) + " is still later than "
                    + format(now.plus(maxSkew)) + " (" + format(now) + " + " + minutes + ")");
        }
    }

    /**
     * The SigV4 canonical request. The URI is the raw (already encoded) path encoded once more, because
     * every service but S3 signs a double-encoded path; dot segments are removed first, as the SDK normalizes them.
     */
    static String canonicalRequest(IncomingRequest request, String signedHeaders) {
        String path =
                java.net.URI.create("http://h" + request.rawPath()).normalize().getRawPath();
        String canonicalUri = UriEncoding.encode(path == null || path.isEmpty() ? "/" : path, true);

        List<String[]> query = new ArrayList<>();
        UriEncoding.parseQuery(request.rawQuery(), false)
                .forEach((k, values) -> values.forEach(
                        v -> query.add(new String[] {UriEncoding.encode(k, false), UriEncoding.encode(v, false)})));
        query.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder canonicalQuery = new StringBuilder();
        for (String[] kv : query) {
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            canonicalQuery.append(kv[0]).append('=').append(kv[1]);
        }

        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.toLowerCase(Locale.ROOT).split(";")) {
            List<String> values = request.headers().getOrDefault(name, List.of());
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonicalHeaders
                    .append(name)
                    .append(':')
                    .append(String.join(",", trimmed))
                    .append('\n');
        }

        String declaredHash = request.header("x-amz-content-sha256");
        String payloadHash = "UNSIGNED-PAYLOAD".equals(declaredHash) ? declaredHash : hex(sha256(request.body()));

        return request.method() + "\n" + canonicalUri + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n"
                + signedHeaders.toLowerCase(Locale.ROOT) + "\n" + payloadHash;
    }

    static byte[] signature(String secret, String date, String region, String service, String stringToSign) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hmac(key, stringToSign);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String format(Instant instant) {
        return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
    }

    private static AuthFailure.Failed garbled(String message) {
        return new AuthFailure.Failed(AuthFailure.MISSING_TOKEN, message);
    }

    private static AuthFailure.Failed mismatch(String message) {
        return new AuthFailure.Failed(AuthFailure.SIGNATURE_MISMATCH, message);
    }
}
