package dev.mre.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mre.e2e.harness.Conditions;
import dev.mre.e2e.harness.Json;
import dev.mre.e2e.harness.Kubectl;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Kubeconfigs of every credential kind kubectl accepts, for one cluster: client certificates (RSA or EC keys, in
 * the PEM forms tools write them, issued through the cluster's CertificateSigningRequest API as a user would get
 * them), a bearer token, and exec credential plugins (small scripts standing in for {@code aws eks get-token} or an
 * OIDC helper) that return a token or a client certificate.
 */
final class ClientCredentials {

    /** A client key and its certificate, PEM. */
    record KeyAndCert(String keyPem, String certPem) {}

    private final Kubectl admin;
    private final Path dir;
    private final Map<String, Object> cluster;

    ClientCredentials(Kubectl admin, Path dir) throws IOException {
        this.admin = admin;
        this.dir = Files.createDirectories(dir);
        // the cluster entry of the admin kubeconfig (server, CA), as kubectl resolves it
        JsonNode view = Json.parse(admin.ok("config", "view", "--raw", "--minify", "--flatten", "-o", "json")
                .stdout());
        this.cluster = Json.JSON.convertValue(view.path("clusters").path(0).path("cluster"), Map.class);
    }

    /**
     * A new key ({@code algorithm} RSA or EC P-256, written as {@code form}: PKCS1, SEC1 or PKCS8) and a client
     * certificate for {@code user} from the cluster's signer kubernetes.io/kube-apiserver-client: a
     * CertificateSigningRequest, approved with {@code kubectl certificate approve}.
     */
    KeyAndCert issue(String user, String algorithm, String form)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            gen.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            gen.initialize(2048);
        }
        KeyPair pair = gen.generateKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + user), pair.getPublic())
                .build(new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                        .build(pair.getPrivate()));
        String name = "ses-mre-" + user.replaceAll("[^a-z0-9-]", "-");
        admin.quiet("delete", "csr", name, "--ignore-not-found");
        String csrPem = pem("CERTIFICATE REQUEST", csr.getEncoded());
        Path manifest = Files.writeString(dir.resolve(name + ".csr.yaml"), """
                apiVersion: certificates.k8s.io/v1
                kind: CertificateSigningRequest
                metadata:
                  name: %s
                spec:
                  request: %s
                  signerName: kubernetes.io/kube-apiserver-client
                  expirationSeconds: 7200
                  usages: ["digital signature", "client auth"]
                """.formatted(name, b64(csrPem)));
        admin.ok("apply", "-f", manifest.toString());
        admin.ok("certificate", "approve", name);
        String[] cert = {""};
        Conditions.await(
                "CertificateSigningRequest " + name + " issued",
                Duration.ofSeconds(60),
                () -> {
                    cert[0] = admin.quiet("get", "csr", name, "-o", "jsonpath={.status.certificate}")
                            .stdout()
                            .trim();
                    return !cert[0].isEmpty();
                },
                () -> admin.quiet("get", "csr", name, "-o", "yaml").output());
        admin.quiet("delete", "csr", name, "--ignore-not-found");
        return new KeyAndCert(
                keyPem(pair, form), new String(Base64.getDecoder().decode(cert[0]), StandardCharsets.US_ASCII));
    }

    /** A kubeconfig authenticating with a client certificate, inline (client-certificate-data / client-key-data). */
    Path withClientCertificate(String file, String user, KeyAndCert kc) throws IOException {
        return write(
                file, user, Map.of("client-certificate-data", b64(kc.certPem()), "client-key-data", b64(kc.keyPem())));
    }

    /** A kubeconfig authenticating with a bearer token. */
    Path withToken(String file, String user, String token) throws IOException {
        return write(file, user, Map.of("token", token));
    }

    /**
     * A kubeconfig whose user is an exec credential plugin: {@code script} (made executable), run by the client
     * to get its credential, as {@code aws eks get-token} or kubelogin are.
     */
    Path withExecPlugin(String file, String user, String scriptName, String script) throws IOException {
        Path s = Files.writeString(dir.resolve(scriptName), script);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        Map<String, Object> exec = new LinkedHashMap<>();
        exec.put("apiVersion", "client.authentication.k8s.io/v1");
        exec.put("command", s.toString());
        exec.put("interactiveMode", "Never");
        return write(file, user, Map.of("exec", exec));
    }

    /** The JSON an exec plugin prints: an ExecCredential with a client certificate and key (PEM). */
    static String execCredentialWithCertificate(KeyAndCert kc) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("clientCertificateData", kc.certPem());
        status.put("clientKeyData", kc.keyPem());
        return Json.write(
                Map.of("apiVersion", "client.authentication.k8s.io/v1", "kind", "ExecCredential", "status", status));
    }

    private Path write(String file, String user, Map<String, Object> credential) throws IOException {
        Map<String, Object> kc = new LinkedHashMap<>();
        kc.put("apiVersion", "v1");
        kc.put("kind", "Config");
        kc.put("clusters", List.of(Map.of("name", "cluster", "cluster", cluster)));
        kc.put("users", List.of(Map.of("name", user, "user", credential)));
        kc.put("contexts", List.of(Map.of("name", "ctx", "context", Map.of("cluster", "cluster", "user", user))));
        kc.put("current-context", "ctx");
        Path f = dir.resolve(file);
        Files.writeString(f, Json.YAML.writeValueAsString(kc));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** The key as OpenSSL and Go's crypto/x509 write it (SEC1 names its curve, as kubectl requires). */
    static String keyPem(KeyPair pair, String form) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        return switch (form) {
            case "PKCS8" -> pem("PRIVATE KEY", info.getEncoded());
            case "PKCS1" ->
                pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
            case "SEC1" -> {
                var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                yield pem(
                        "EC PRIVATE KEY",
                        new org.bouncycastle.asn1.sec.ECPrivateKey(
                                        256,
                                        inner.getKey(),
                                        null,
                                        info.getPrivateKeyAlgorithm().getParameters())
                                .getEncoded());
            }
            default -> throw new IllegalArgumentException("key form " + form);
        };
    }

    static String pem(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
