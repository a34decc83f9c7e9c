package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SigV4a verifier against known-answer vectors. Source of every vector below: awslabs/aws-c-auth,
 * {@code tests/key_derivation_tests.c} (key derivation, "derived in synchronicity with Golang and IAM
 * implementations") and {@code tests/aws-signing-test-suite/v4a/<case>/} (AKID {@code AKIDEXAMPLE}, service
 * {@code service}, time 2015-08-30T12:36:00Z): {@code public-key.json}, {@code header-canonical-request.txt},
 * {@code header-string-to-sign.txt}, {@code header-signature.txt}, {@code header-signed-request.txt}.
 */
class SigV4aVerifierTest {

    private static final String SUITE_AKID = "AKIDEXAMPLE";
    private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String SUITE_TOKEN = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    private static final Credentials SUITE_KEY = new Credentials(SUITE_AKID, SUITE_SECRET, "123456789012");

    /** aws-signing-test-suite/v4a/post-vanilla/header-signed-request.txt */
    private static final String POST_VANILLA = """
            POST / HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            X-Amz-Region-Set:us-east-1
            Authorization:AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3044022020e04d83be1fc4c7669eb2530c48444ff2ef65e73ab6d4084ba89b886b70d01a0220570df05bd3ba39ccd96a3e831ed8757fbb516baa603d78eaed3ccc95d50a2abb

            """;

    /** aws-signing-test-suite/v4a/post-x-www-form-urlencoded/header-signed-request.txt (a signed body) */
    private static final String POST_FORM = """
            POST / HTTP/1.1
            Content-Type:application/x-www-form-urlencoded
            Host:example.amazonaws.com
            Content-Length:13
            X-Amz-Date:20150830T123600Z
            X-Amz-Region-Set:us-east-1
            x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
            Authorization:AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=3045022100955bbc0f0b9d4284719808642167f7d5ea4a72f8c296b75b442898c8b81cd7e502202425fb97620fa9a20344d22b248dd00db07524fc39b5ad77533e00b277331241

            Param1=value1""";

    /** aws-signing-test-suite/v4a/get-vanilla-with-session-token/header-signed-request.txt */
    private static final String GET_SESSION = """
            GET / HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267
            X-Amz-Date:20150830T123600Z
            X-Amz-Region-Set:us-east-1
            Authorization:AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set;x-amz-security-token, Signature=30450221008f4516c8850ed9eb29502658d1f0e0f6cabc11a44963c558efd1dd8e9fb084a0022032e47df89ad1a5b4e2b82d3a68dbe31d6ef8e1ea8c3815b2097538c4695d184e

            """;

    /** aws-signing-test-suite/v4a/get-vanilla-query-order-key-case/header-signed-request.txt (query sorted) */
    private static final String GET_QUERY = """
            GET /?Param2=value2&Param1=value1 HTTP/1.1
            Host:example.amazonaws.com
            X-Amz-Date:20150830T123600Z
            X-Amz-Region-Set:us-east-1
            Authorization:AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=30450220394fa0699225f403514cb4db03b7c479f64c5f9864bf520b871bb23a054d6517022100d4445c909fc62a43c6c485a8582621e0e14c6ef1e4218072bc2dcaffc1188f18

            """;

    private static final SigV4aVerifier VERIFIER = new SigV4aVerifier(id -> id.equals(SUITE_AKID)
            ? new SigV4Verifier.SigningKey(SUITE_SECRET, Principal.user(SUITE_KEY), null, null)
            : null);

    @Test
    void keyDerivationMatchesTheAwsCAuthVector() {
        // tests/key_derivation_tests.c: s_ecc_derive_fixed_*_test_value and s_expected_fixed_*
        BigInteger d =
                SigV4aVerifier.derivePrivateKey("AKISORANDOMAASORANDOM", "q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom");
        assertThat(d.toString(16)).isEqualTo("7fd3bd010c0d9c292141c2b77bfbde1042c92e6836fff749d1269ec890fca1bd");
        ECPublicKey q = SigV4aVerifier.publicKey(d);
        assertThat(hex32(q.getW().getAffineX()))
                .isEqualTo("15d242ceebf8d8169fd6a8b5a746c41140414c3b07579038da06af89190fffcb");
        assertThat(hex32(q.getW().getAffineY()))
                .isEqualTo("0515242cedd82e94799482e4c0514b505afccf2c0c98d6a553bf539f424c5ec0");
    }

    @Test
    void suitePublicKeyMatchesPublicKeyJson() {
        ECPublicKey q = SigV4aVerifier.publicKey(SigV4aVerifier.derivePrivateKey(SUITE_AKID, SUITE_SECRET));
        assertThat(hex32(q.getW().getAffineX()))
                .isEqualTo("b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1");
        assertThat(hex32(q.getW().getAffineY()))
                .isEqualTo("865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518");
    }

    @Test
    void canonicalRequestAndStringToSignMatchPostVanilla() {
        IncomingRequest request = parse(POST_VANILLA);
        String canonical = SigV4Verifier.canonicalRequest(request, "host;x-amz-date;x-amz-region-set");
        assertThat(canonical)
                .isEqualTo(
                        "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-region-set:us-east-1\n\n"
                                + "host;x-amz-date;x-amz-region-set\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        String sts = SigV4aVerifier.stringToSign("20150830T123600Z", "20150830/service/aws4_request", canonical);
        assertThat(sts)
                .isEqualTo("AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"
                        + "806a9b01b76472cc6b66fff02630726d55f8b4ada6d2fd9b36eb0d710e215861");
        // post-vanilla/header-signature.txt signs the same string to sign with another random k: both verify
        ECPublicKey q = SigV4aVerifier.publicKey(SigV4aVerifier.derivePrivateKey(SUITE_AKID, SUITE_SECRET));
        assertThat(
                        SigV4aVerifier.verifySignature(
                                q,
                                sts,
                                "3044022051fe398025aafbfc21d054bc78e5edfb96c9acb7fd272795565181d757815e4702202e7b8d2b92324290b1d95f8b0fc5e333bb8b5e333f6160bcab39d7258156d224"))
                .isTrue();
    }

    @Test
    void signedRequestsOfTheSuiteVerify() {
        assertThat(VERIFIER.verify(parse(POST_VANILLA), "service", SUITE_TIME, Duration.ZERO)
                        .regionSet())
                .containsExactly("us-east-1");
        assertThat(VERIFIER.verify(parse(POST_FORM), "service", SUITE_TIME, Duration.ZERO)
                        .principal()
                        .accessKeyId())
                .isEqualTo(SUITE_AKID);
        assertThat(VERIFIER.verify(parse(GET_QUERY), "service", SUITE_TIME, Duration.ZERO)
                        .covers("us-east-1"))
                .isTrue();
        SigV4aVerifier withSession = new SigV4aVerifier(id -> new SigV4Verifier.SigningKey(
                SUITE_SECRET, Principal.user(SUITE_KEY), SUITE_TOKEN, SUITE_TIME.plusSeconds(3600)));
        assertThat(withSession.verify(parse(GET_SESSION), "service", SUITE_TIME, Duration.ZERO))
                .isNotNull();
    }

    @Test
    void paddedSignatureIsAccepted() {
        String signature =
                "3044022051fe398025aafbfc21d054bc78e5edfb96c9acb7fd272795565181d757815e4702202e7b8d2b92324290b1d95f8b0fc5e333bb8b5e333f6160bcab39d7258156d224";
        String padded = signature + "*".repeat(144 - signature.length());
        ECPublicKey q = SigV4aVerifier.publicKey(SigV4aVerifier.derivePrivateKey(SUITE_AKID, SUITE_SECRET));
        assertThat(SigV4aVerifier.verifySignature(
                        q,
                        "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"
                                + "806a9b01b76472cc6b66fff02630726d55f8b4ada6d2fd9b36eb0d710e215861",
                        padded))
                .isTrue();
    }

    @Test
    void wrongSecretIsRefused() {
        SigV4aVerifier otherSecret = new SigV4aVerifier(
                id -> new SigV4Verifier.SigningKey(SUITE_SECRET + "x", Principal.user(SUITE_KEY), null, null));
        assertFailure(() -> otherSecret.verify(parse(POST_VANILLA), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
    }

    @Test
    void tamperedBodyIsRefused() {
        String tampered = POST_FORM
                .replace("Param1=value1", "Param1=value2")
                .replace(
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", sha256Hex("Param1=value2"));
        assertFailure(() -> VERIFIER.verify(parse(tampered), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        String bodyOnly = POST_FORM.replace("Param1=value1", "Param1=value2");
        assertFailure(() -> VERIFIER.verify(parse(bodyOnly), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
    }

    @Test
    void changedRegionSetIsRefused() {
        String widened = POST_VANILLA.replace("X-Amz-Region-Set:us-east-1", "X-Amz-Region-Set:*");
        assertFailure(() -> VERIFIER.verify(parse(widened), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        String unsigned =
                POST_VANILLA.replace("SignedHeaders=host;x-amz-date;x-amz-region-set", "SignedHeaders=host;x-amz-date");
        assertFailure(() -> VERIFIER.verify(parse(unsigned), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        String missing = POST_VANILLA.replace("X-Amz-Region-Set:us-east-1\n", "");
        assertFailure(() -> VERIFIER.verify(parse(missing), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.MISSING_TOKEN);
    }

    @Test
    void otherFailures() {
        String regionalScope =
                POST_VANILLA.replace("20150830/service/aws4_request", "20150830/us-east-1/service/aws4_request");
        assertFailure(() -> VERIFIER.verify(parse(regionalScope), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        assertFailure(() -> VERIFIER.verify(parse(POST_VANILLA), "ses", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        String unknownKey = POST_VANILLA.replace("Credential=AKIDEXAMPLE", "Credential=AKIDOTHER");
        assertFailure(() -> VERIFIER.verify(parse(unknownKey), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.UNKNOWN_ACCESS_KEY);
        String garbage = POST_VANILLA.replaceAll("Signature=[0-9a-f]+", "Signature=3006020101020101");
        assertFailure(() -> VERIFIER.verify(parse(garbage), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        String notHex = POST_VANILLA.replaceAll("Signature=[0-9a-f]+", "Signature=zz");
        assertFailure(() -> VERIFIER.verify(parse(notHex), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        // the suite's date is years old: with the usual 15 minutes of allowed skew it is refused
        assertFailure(() -> VERIFIER.verify(parse(POST_VANILLA), "service", Instant.now(), Duration.ofMinutes(15)))
                .isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
        SigV4aVerifier withSession = new SigV4aVerifier(id -> new SigV4Verifier.SigningKey(
                SUITE_SECRET, Principal.user(SUITE_KEY), SUITE_TOKEN, SUITE_TIME.plusSeconds(3600)));
        assertFailure(() -> withSession.verify(parse(POST_VANILLA), "service", SUITE_TIME, Duration.ZERO))
                .isEqualTo(AuthFailure.UNKNOWN_ACCESS_KEY);
    }

    @Test
    void regionSetCoverage() {
        Principal p = Principal.user(SUITE_KEY);
        assertThat(new SigV4aVerifier.Caller(p, List.of("*")).covers("eu-west-1"))
                .isTrue();
        assertThat(new SigV4aVerifier.Caller(p, List.of("us-east-1", "eu-west-1")).covers("eu-west-1"))
                .isTrue();
        assertThat(new SigV4aVerifier.Caller(p, List.of("us-*")).covers("eu-west-1"))
                .isFalse();
        assertThat(new SigV4aVerifier.Caller(p, List.of("us-east-1")).covers("eu-west-1"))
                .isFalse();
    }

    private static org.assertj.core.api.AbstractComparableAssert<?, AuthFailure> assertFailure(Runnable call) {
        try {
            call.run();
        } catch (AuthFailure.Failed f) {
            return assertThat(f.failure());
        }
        throw new AssertionError("expected the verifier to refuse the request");
    }

    /** A request as written in the suite's *-signed-request.txt: request line, headers {@code Name:value}, blank line, body. */
    static IncomingRequest parse(String text) {
        int blank = text.indexOf("\n\n");
        String head = blank < 0 ? text : text.substring(0, blank);
        String body = blank < 0 ? "" : text.substring(blank + 2);
        String[] lines = head.split("\n");
        String[] requestLine = lines[0].split(" ");
        String target = requestLine[1];
        int q = target.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1));
        }
        return new IncomingRequest(
                requestLine[0],
                q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1),
                headers,
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex32(BigInteger value) {
        return String.format("%064x", value);
    }

    private static String sha256Hex(String text) {
        return SigV4Verifier.hex(SigV4Verifier.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }
}
