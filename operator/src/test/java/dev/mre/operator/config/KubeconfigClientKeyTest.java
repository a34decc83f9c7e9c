package dev.mre.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Client keys in every PEM form kubectl reads load into the TLS key managers of the operator's Kubernetes client:
 * RSA as PKCS#1 (kubeadm, kind, minikube) and PKCS#8, EC P-256 as SEC1 (k3s, k3d, Rancher Desktop) and PKCS#8
 * (client-go's certificate utilities, envtest, e2e/testenv). fabric8 alone reads a PKCS#8 EC key as RSA and fails
 * with "Invalid DER: object is not integer"; {@link KubernetesClientConfig} tells it the algorithm. The e2e suites
 * start the operator with such kubeconfigs against a real kube-apiserver; this test pins the key handling, fast.
 */
class KubeconfigClientKeyTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} key, {1}, inline data")
    @CsvSource({
        "RSA, PKCS1, RSA PRIVATE KEY",
        "RSA, PKCS8, PRIVATE KEY",
        "EC,  SEC1,  EC PRIVATE KEY",
        "EC,  PKCS8, PRIVATE KEY",
    })
    void clientKeyDataOfEveryFormLoads(String algorithm, String form, String pemType) throws Exception {
        KeyPair pair = keyPair(algorithm);
        String keyPem = keyPem(pair, form);
        assertThat(keyPem).startsWith("-----BEGIN " + pemType + "-----");

        Config config = KubernetesClientConfig.withClientKeyAlgorithm(Config.fromKubeconfig(kubeconfig(
                "client-certificate-data: " + b64(certificatePem(pair, algorithm)),
                "client-key-data: " + b64(keyPem))));

        assertThat(config.getClientKeyAlgo()).isEqualTo(algorithm);
        assertLoads(config, algorithm);
    }

    @Test
    void clientKeyFileIsReadToo() throws Exception {
        KeyPair pair = keyPair("EC");
        Path cert = Files.writeString(dir.resolve("client.crt"), certificatePem(pair, "EC"));
        Path key = Files.writeString(dir.resolve("client.key"), keyPem(pair, "PKCS8"));

        Config config = KubernetesClientConfig.withClientKeyAlgorithm(
                Config.fromKubeconfig(kubeconfig("client-certificate: " + cert, "client-key: " + key)));

        assertThat(config.getClientKeyAlgo()).isEqualTo("EC");
        assertLoads(config, "EC");
    }

    @Test
    void keyDataAsAnExecCredentialPluginReturnsItPlainPemIsReadToo() throws Exception {
        KeyPair pair = keyPair("EC");
        Config config = Config.fromKubeconfig(kubeconfig(
                "client-certificate-data: " + b64(certificatePem(pair, "EC")),
                "client-key-data: " + b64(keyPem(pair, "PKCS8"))));
        // what fabric8 stores after running an exec plugin: the PEM of ExecCredential.status.clientKeyData
        config.setClientKeyData(keyPem(pair, "PKCS8"));
        config.setClientKeyAlgo(null);

        KubernetesClientConfig.withClientKeyAlgorithm(config);

        assertThat(config.getClientKeyAlgo()).isEqualTo("EC");
        assertLoads(config, "EC");
    }

    @Test
    void withoutTheAlgorithmFabric8ReadsAPkcs8EcKeyAsRsa() throws Exception {
        KeyPair pair = keyPair("EC");
        Config config = Config.fromKubeconfig(kubeconfig(
                "client-certificate-data: " + b64(certificatePem(pair, "EC")),
                "client-key-data: " + b64(keyPem(pair, "PKCS8"))));

        // the failure this class exists for; when fabric8 learns to read these keys itself, this test says so
        assertThatThrownBy(() -> SSLUtils.keyManagers(config)).hasMessageContaining("Invalid DER");
    }

    @Test
    void notAKeyLeavesTheDecisionToFabric8() {
        assertThat(KubernetesClientConfig.algorithmOf("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isNull();
        assertThat(KubernetesClientConfig.algorithmOf("not a PEM")).isNull();
    }

    private static void assertLoads(Config config, String algorithm) throws Exception {
        KeyManager[] managers = SSLUtils.keyManagers(config);
        assertThat(managers).hasSize(1);
        X509KeyManager km = (X509KeyManager) managers[0];
        String[] aliases = km.getClientAliases(algorithm, null);
        assertThat(aliases).as("client key aliases for %s", algorithm).isNotEmpty();
        assertThat(km.getPrivateKey(aliases[0]).getAlgorithm()).isIn(algorithm, "ECDSA");
    }

    private static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            gen.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            gen.initialize(2048);
        }
        return gen.generateKeyPair();
    }

    /** The key as OpenSSL and Go's crypto/x509 write it (SEC1 with the curve named, as kubectl requires). */
    private static String keyPem(KeyPair pair, String form) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        return switch (form) {
            case "PKCS8" -> pem("PRIVATE KEY", info.getEncoded());
            case "PKCS1" ->
                pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
            case "SEC1" -> {
                var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                var withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(
                        256, inner.getKey(), null, info.getPrivateKeyAlgorithm().getParameters());
                yield pem("EC PRIVATE KEY", withCurve.getEncoded());
            }
            default -> throw new IllegalArgumentException(form);
        };
    }

    private static String certificatePem(KeyPair pair, String algorithm) throws Exception {
        X500Name name = new X500Name("CN=test-user,O=system:masters");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)),
                name,
                pair.getPublic());
        var signer = new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                .build(pair.getPrivate());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        return pem("CERTIFICATE", cert.getEncoded());
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String kubeconfig(String certLine, String keyLine) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
                users:
                - name: u
                  user:
                    %s
                    %s
                contexts:
                - name: ctx
                  context: {cluster: c, user: u}
                current-context: ctx
                """.formatted(certLine, keyLine);
    }
}
