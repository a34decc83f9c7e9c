package dev.mre.sesemulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4aHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.RegionSet;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Hand-made requests signed by the SDK's own SigV4 signer: for wire-level assertions and for input
 * the SDK would never send (malformed JSON, a body changed after signing, an old signature).
 */
final class SignedHttp {

    /** java.net.http sets these itself and refuses them as user headers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SignedHttp() {}

    static SignedRequest sign(
            URI uri,
            String method,
            String body,
            String contentType,
            String region,
            String service,
            String accessKeyId,
            String secret,
            Clock signingClock) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri);
        if (contentType != null) {
            request.putHeader("Content-Type", contentType);
        }
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(accessKeyId, secret))
                        .request(request.build())
                        .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock));
    }

    /** Signed by the SDK's SigV4a signer (the CRT one, from http-auth-aws-crt + aws-crt) for {@code regionSet}. */
    static SignedRequest signV4a(
            URI uri, String method, String body, String regionSet, String service, String accessKeyId, String secret) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .putHeader("Content-Type", "application/json");
        return AwsV4aHttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(accessKeyId, secret))
                        .request(request.build())
                        .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4aHttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4aHttpSigner.REGION_SET, RegionSet.create(regionSet)));
    }

    /** Signs {@code signedBody} but sends {@code sentBody}, which lets a test tamper with a request. */
    static HttpResponse<String> send(SignedRequest signed, String sentBody) throws Exception {
        SdkHttpRequest r = signed.request();
        HttpRequest.Builder out = HttpRequest.newBuilder(r.getUri())
                .method(
                        r.method().name(),
                        sentBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(sentBody, StandardCharsets.UTF_8));
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase())) {
                h.getValue().forEach(v -> out.header(h.getKey(), v));
            }
        }
        return HTTP.send(out.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> ses(SesEmulator emu, String method, String pathAndQuery, String body) throws Exception {
        SignedRequest signed = sign(
                URI.create(emu.endpoint() + pathAndQuery),
                method,
                body,
                body == null ? null : "application/json",
                "us-east-1",
                "ses",
                emu.accessKeyId(),
                emu.secretAccessKey(),
                Clock.systemUTC());
        return send(signed, body);
    }

    /** No signature at all. */
    static HttpResponse<String> unsigned(
            SesEmulator emu, String method, String pathAndQuery, String body, String contentType) throws Exception {
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(emu.endpoint() + pathAndQuery))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            out.header("Content-Type", contentType);
        }
        return HTTP.send(out.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(SesEmulator emu, String method, String path, String body) throws Exception {
        return unsigned(emu, method, path, body, body == null ? null : "application/json");
    }
}
