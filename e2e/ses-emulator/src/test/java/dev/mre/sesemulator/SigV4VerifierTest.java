package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/** The hand-written verifier accepts exactly what the SDK's own signer produces, for awkward paths and queries too. */
class SigV4VerifierTest {

    private static final Credentials KEY = Credentials.defaults();
    private static final Instant NOW = Instant.parse("2026-11-25T16:00:31Z");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(id -> id.equals(KEY.accessKeyId())
            ? new SigV4Verifier.SigningKey(KEY.secretAccessKey(), Principal.user(KEY), null, null)
            : null);

    private static SignedRequest sdkSigned(String pathAndQuery, String method, String body, String secret) {
        return SignedHttp.sign(
                URI.create("http://127.0.0.1:4566" + pathAndQuery),
                method,
                body,
                body == null ? null : "application/json",
                "us-east-1",
                "ses",
                KEY.accessKeyId(),
                secret,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** What the emulator's HTTP server would hand over for this signed request. */
    private static IncomingRequest asReceived(SignedRequest signed, String body) {
        SdkHttpRequest r = signed.request();
        Map<String, List<String>> headers = new TreeMap<>(r.headers());
        headers.putIfAbsent("Host", List.of("127.0.0.1:4566"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new IncomingRequest(
                r.method().name(), r.encodedPath(), r.getUri().getRawQuery(), headers, bytes);
    }

    private static String payload(SignedRequest signed) {
        return signed.payload()
                .map(p -> {
                    try (InputStream in = p.newStream()) {
                        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse(null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v2/email/multi-region-endpoints",
                "/v2/email/multi-region-endpoints/global-mail",
                "/v2/email/multi-region-endpoints/with%20space",
                "/v2/email/multi-region-endpoints/slash%2Finside",
                "/v2/email/multi-region-endpoints/%C3%A9t%C3%A9",
                "/v2/email/multi-region-endpoints?PageSize=10&NextToken=abc%2B%2F%3D%3D",
                "/v2/email/tags?ResourceArn=arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Amulti-region-endpoint%2Fx&TagKeys=b&TagKeys=a&TagKeys=a%20b",
                "/v2/email/tags?Empty=&Z=1&A=%7Etilde%2A"
            })
    void acceptsWhatTheSdkSignerSigns(String pathAndQuery) {
        SignedRequest signed = sdkSigned(pathAndQuery, "GET", null, KEY.secretAccessKey());
        SigV4Verifier.Caller caller = VERIFIER.verify(asReceived(signed, null), "ses", NOW, Duration.ofMinutes(15));
        assertThat(caller.region()).isEqualTo("us-east-1");
        assertThat(caller.principal()).isEqualTo(Principal.user(KEY));
    }

    @Test
    void acceptsSignedBodiesAndRefusesChangedOnes() {
        String body = "{\"EndpointName\":\"x\",\"Details\":{\"RoutesDetails\":[{\"Region\":\"eu-west-1\"}]}}";
        SignedRequest signed = sdkSigned("/v2/email/multi-region-endpoints", "POST", body, KEY.secretAccessKey());
        assertThat(payload(signed)).isEqualTo(body);
        VERIFIER.verify(asReceived(signed, body), "ses", NOW, Duration.ofMinutes(15));

        assertThatThrownBy(() ->
                        VERIFIER.verify(asReceived(signed, body.replace("x", "y")), "ses", NOW, Duration.ofMinutes(15)))
                .isInstanceOfSatisfying(AuthFailure.Failed.class, f -> {
                    assertThat(f.failure()).isEqualTo(AuthFailure.SIGNATURE_MISMATCH);
                    assertThat(f.getMessage())
                            .startsWith(
                                    "The request signature we calculated does not match the signature you provided.");
                });
    }

    @Test
    void refusesAWrongSecretAWrongServiceAndAnOldSignature() {
        SignedRequest wrongSecret = sdkSigned("/v2/email/tags", "GET", null, "not-the-secret");
        assertThatThrownBy(() -> VERIFIER.verify(asReceived(wrongSecret, null), "ses", NOW, Duration.ofMinutes(15)))
                .isInstanceOfSatisfying(
                        AuthFailure.Failed.class,
                        f -> assertThat(f.failure()).isEqualTo(AuthFailure.SIGNATURE_MISMATCH));

        SignedRequest good = sdkSigned("/v2/email/tags", "GET", null, KEY.secretAccessKey());
        assertThatThrownBy(() -> VERIFIER.verify(asReceived(good, null), "sts", NOW, Duration.ofMinutes(15)))
                .hasMessageContaining("Credential should be scoped to correct service: 'sts'");
        assertThatThrownBy(() -> VERIFIER.verify(
                        asReceived(good, null), "ses", NOW.plus(Duration.ofMinutes(16)), Duration.ofMinutes(15)))
                .hasMessageStartingWith("Signature expired: 20261125T160031Z is now earlier than");
        assertThatThrownBy(() -> VERIFIER.verify(
                        asReceived(good, null), "ses", NOW.minus(Duration.ofMinutes(16)), Duration.ofMinutes(15)))
                .hasMessageStartingWith("Signature not yet current");
        // a zero window switches the time check off
        VERIFIER.verify(asReceived(good, null), "ses", NOW.plus(Duration.ofDays(1)), Duration.ZERO);
    }

    @Test
    void distinguishesMissingGarbledAndUnknownCredentials() {
        IncomingRequest none = new IncomingRequest("GET", "/v2/email/tags", null, Map.of(), new byte[0]);
        assertThatThrownBy(() -> VERIFIER.verify(none, "ses", NOW, Duration.ZERO))
                .isInstanceOfSatisfying(
                        AuthFailure.Failed.class, f -> assertThat(f.failure()).isEqualTo(AuthFailure.MISSING_TOKEN));

        IncomingRequest garbled = new IncomingRequest(
                "GET", "/v2/email/tags", null, Map.of("Authorization", List.of("Bearer xyz")), new byte[0]);
        assertThatThrownBy(() -> VERIFIER.verify(garbled, "ses", NOW, Duration.ZERO))
                .isInstanceOfSatisfying(
                        AuthFailure.Failed.class, f -> assertThat(f.failure()).isEqualTo(AuthFailure.MISSING_TOKEN));

        SignedRequest good = sdkSigned("/v2/email/tags", "GET", null, KEY.secretAccessKey());
        IncomingRequest received = asReceived(good, null);
        Map<String, List<String>> headers = new TreeMap<>(received.headers());
        headers.put(
                "authorization",
                new ArrayList<>(List.of(received.header("authorization").replace("AKIDEMULATOR", "AKIDSTRANGER"))));
        IncomingRequest stranger = new IncomingRequest("GET", received.rawPath(), null, headers, new byte[0]);
        assertThatThrownBy(() -> VERIFIER.verify(stranger, "ses", NOW, Duration.ZERO))
                .isInstanceOfSatisfying(AuthFailure.Failed.class, f -> {
                    assertThat(f.failure()).isEqualTo(AuthFailure.UNKNOWN_ACCESS_KEY);
                    assertThat(f.getMessage()).isEqualTo("The security token included in the request is invalid.");
                });
    }
}
