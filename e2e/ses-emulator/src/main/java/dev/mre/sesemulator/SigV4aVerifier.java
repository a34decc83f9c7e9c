package dev.mre.sesemulator;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * Verifies AWS SigV4a ({@code AWS4-ECDSA-P256-SHA256}) {@code Authorization} headers, as the SDKs send them for
 * SendEmail with an EndpointId.
 *
 * <p>The published algorithm (aws-c-auth, "sigv4a key derivation"): the canonical request is SigV4's, with the
 * {@code X-Amz-Region-Set} header among the signed ones; the credential scope has no region
 * ({@code DATE/SERVICE/aws4_request}); the string to sign starts with {@code AWS4-ECDSA-P256-SHA256}. The signing key
 * is an ECDSA P-256 key derived from the secret alone: HMAC-SHA256 keyed with {@code "AWS4A" + secret} over
 * {@code 00000001 || "AWS4-ECDSA-P256-SHA256" || 00 || AccessKeyId || counter || 00000100} (a counter-mode KDF with
 * L = 256 bits), for counter 1, 2, ... until the 256-bit result k0 is at most n-2 (n = the P-256 order); then
 * d = k0 + 1 and Q = d·G. The signature is DER {@code SEQUENCE{r,s}} in hex over SHA-256 of the string to sign, with
 * a random k: it is verified with Q, never recomputed.
 *
 * <p>The JDK verifies ({@code SHA256withECDSA}, SunEC); BouncyCastle only multiplies d·G, which the JDK offers no
 * API for. {@code SigV4aVerifierTest} proves both halves against the aws-c-auth known-answer vectors.
 */
final class SigV4aVerifier {

    static final String ALGORITHM = "AWS4-ECDSA-P256-SHA256";

    /** P-256 group order n. */
    static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static final BigInteger N_MINUS_2 = P256_ORDER.subtract(BigInteger.TWO);
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
    private static final ECParameterSpec JCA_P256 = jcaP256();

    /** The caller a valid signature proves, and the regions it signed for ({@code *} = all). */
    record Caller(Principal principal, List<String> regionSet) {

        /** Does the region set name {@code region}? Entries are region names or patterns with {@code *}. */
        boolean covers(String region) {
            return regionSet.stream().anyMatch(r -> Wildcards.matches(r, region, true));
        }
    }

    private final Function<String, SigV4Verifier.SigningKey> keysByAccessKeyId;
    /** Derived public keys per access key and secret (derivation is deterministic; a changed secret derives anew). */
    private final Map<String, ECPublicKey> publicKeys = new ConcurrentHashMap<>();

    SigV4aVerifier(Function<String, SigV4Verifier.SigningKey> keysByAccessKeyId) {
        this.keysByAccessKeyId = keysByAccessKeyId;
    }

    /** Is the request signed with SigV4a (rather than SigV4 or nothing)? */
    static boolean applies(IncomingRequest request) {
        String authorization = request.header("authorization");
        return authorization != null && authorization.trim().startsWith(ALGORITHM + " ");
    }

    /**
     * @throws AuthFailure.Failed when the request is not properly signed for {@code service}
     */
    Caller verify(IncomingRequest request, String service, Instant now, Duration maxSkew) {
        Map<String, String> parts = parseAuthorization(request.header("authorization"));
        String[] scope = parts.get("Credential").split("/", -1);
        if (scope.length == 5 && scope[4].equals("aws4_request")) {
            // a SigV4 scope with a region under the SigV4a algorithm name
            throw mismatch("Credential should be scoped to a date, a service and aws4_request (SigV4a has no region"
                    + " in its scope): " + parts.get("Credential"));
        }
        if (scope.length != 4 || !scope[3].equals("aws4_request")) {
            throw garbled("Credential should be scoped to a valid date and service: " + parts.get("Credential"));
        }
        String accessKeyId = scope[0];
        String scopeDate = scope[1];
        String scopeService = scope[2];
        SigV4Verifier.SigningKey key = keysByAccessKeyId.apply(accessKeyId);
        if (key == null) {
            throw new AuthFailure.Failed(
                    AuthFailure.UNKNOWN_ACCESS_KEY, "The security token included in the request is invalid.");
        }
        if (!scopeService.equals(service)) {
            throw mismatch("Credential should be scoped to correct service: '" + service + "'. ");
        }
        String signedHeaders = parts.get("SignedHeaders").toLowerCase(Locale.ROOT);
        List<String> signed = Arrays.asList(signedHeaders.split(";"));
        String regionSetHeader = request.header("x-amz-region-set");
        if (regionSetHeader == null || regionSetHeader.isBlank()) {
            throw garbled("SigV4a requires the X-Amz-Region-Set header.");
        }
        if (!signed.contains("x-amz-region-set")) {
            throw mismatch("SigV4a requires X-Amz-Region-Set among the signed headers; SignedHeaders=" + signedHeaders);
        }
        List<String> regionSet = Arrays.stream(regionSetHeader.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();

        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw garbled("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        String date = amzDate.trim();
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(date, SigV4Verifier.AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw garbled("X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z': " + amzDate);
        }
        if (!date.startsWith(scopeDate)) {
            throw mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scopeDate + "' != '" + date.substring(0, Math.min(8, date.length())) + "'.");
        }
        SigV4Verifier.checkSkew(signedAt, now, maxSkew);
        if (key.sessionToken() != null) {
            SigV4Verifier.checkSession(request, key, now);
        }

        String canonicalRequest = SigV4Verifier.canonicalRequest(request, parts.get("SignedHeaders"));
        String stringToSign = stringToSign(date, scopeDate + "/" + scopeService + "/aws4_request", canonicalRequest);
        ECPublicKey publicKey = publicKeys.computeIfAbsent(
                accessKeyId + "\n"
                        + SigV4Verifier.hex(
                                SigV4Verifier.sha256(key.secretAccessKey().getBytes(StandardCharsets.UTF_8))),
                k -> publicKey(derivePrivateKey(accessKeyId, key.secretAccessKey())));
        if (!verifySignature(publicKey, stringToSign, parts.get("Signature"))) {
            throw mismatch("The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                    + "The Canonical String for this request should have been\n'" + canonicalRequest + "'\n\n"
                    + "The String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        return new Caller(key.principal(), regionSet);
    }

    static String stringToSign(String amzDate, String credentialScope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + credentialScope + "\n"
                + SigV4Verifier.hex(SigV4Verifier.sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    /** The SigV4a private scalar d of an access key (see the class comment). */
    static BigInteger derivePrivateKey(String accessKeyId, String secretAccessKey) {
        byte[] label = ALGORITHM.getBytes(StandardCharsets.US_ASCII);
        byte[] akid = accessKeyId.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(("AWS4A" + secretAccessKey).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (int counter = 1; counter <= 254; counter++) {
                mac.update(new byte[] {0, 0, 0, 1});
                mac.update(label);
                mac.update((byte) 0);
                mac.update(akid);
                mac.update((byte) counter);
                mac.update(new byte[] {0, 0, 1, 0});
                BigInteger k0 = new BigInteger(1, mac.doFinal());
                if (k0.compareTo(N_MINUS_2) <= 0) {
                    return k0.add(BigInteger.ONE);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("SigV4a key derivation found no scalar in 254 rounds");
    }

    /** Q = d·G on P-256, as a JCA public key. */
    static ECPublicKey publicKey(BigInteger d) {
        var q = CURVE.getG().multiply(d).normalize();
        ECPoint point = new ECPoint(
                q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, JCA_P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * ECDSA P-256 over SHA-256 of the string to sign; {@code signatureHex} is the DER signature in hex, possibly
     * right-padded with {@code *} (chunk signatures are padded so; header signatures are not).
     */
    static boolean verifySignature(ECPublicKey key, String stringToSign, String signatureHex) {
        String hex = signatureHex.trim();
        int pad = hex.indexOf('*');
        if (pad >= 0) {
            hex = hex.substring(0, pad);
        }
        byte[] der;
        try {
            der = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(der);
        } catch (java.security.SignatureException e) {
            return false; // not a DER signature at all
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code AWS4-ECDSA-P256-SHA256 Credential=.., SignedHeaders=.., Signature=..} in any order. */
    private static Map<String, String> parseAuthorization(String header) {
        String h = header == null ? "" : header.trim();
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

    private static ECParameterSpec jcaP256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuthFailure.Failed garbled(String message) {
        return new AuthFailure.Failed(AuthFailure.MISSING_TOKEN, message);
    }

    private static AuthFailure.Failed mismatch(String message) {
        return new AuthFailure.Failed(AuthFailure.SIGNATURE_MISMATCH, message);
    }
}
