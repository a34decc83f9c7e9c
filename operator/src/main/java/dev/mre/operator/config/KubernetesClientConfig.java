package dev.mre.operator.config;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The Kubernetes client configuration the operator starts with: what kubectl would use (KUBECONFIG or
 * ~/.kube/config with client certificates, tokens or exec credential plugins; else the in-cluster service
 * account), read by fabric8, plus the algorithm of a client key.
 *
 * <p>Why the algorithm: fabric8 7.5 guesses it from the PEM header alone ("BEGIN EC PRIVATE KEY" is EC, anything
 * else RSA), so an EC key in PKCS#8 form ("BEGIN PRIVATE KEY", as client-go's certificate utilities, envtest and
 * this project's e2e/testenv write it) is parsed as RSA and the operator dies at start with
 * {@code java.io.IOException: Invalid DER: object is not integer}; a key an exec credential plugin returns never gets
 * an algorithm at all (fabric8 issue 8022). kubectl reads such keys. Here the key is read
 * with BouncyCastle's PEM parser and its algorithm identifier tells fabric8 which it is. An explicit
 * {@code KUBERNETES_CLIENT_KEY_ALGO} is left alone.
 */
public final class KubernetesClientConfig {

    private KubernetesClientConfig() {}

    /** fabric8's automatic configuration, with the client key's algorithm set from the key itself. */
    public static Config load() {
        return withClientKeyAlgorithm(Config.autoConfigure(null));
    }

    /** Sets {@link Config#getClientKeyAlgo()} from the client key (data or file), when there is one. */
    public static Config withClientKeyAlgorithm(Config config) {
        if (explicitAlgorithm() != null) {
            return config;
        }
        String pem = clientKeyPem(config);
        if (pem == null) {
            return config;
        }
        String algorithm = algorithmOf(pem);
        if (algorithm != null) {
            config.setClientKeyAlgo(algorithm);
        }
        return config;
    }

    /**
     * "EC" or "RSA" for a PEM private key in PKCS#8, SEC1 or PKCS#1 form; null for anything else (fabric8 then
     * decides, and reports what it cannot read).
     */
    static String algorithmOf(String pem) {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        PrivateKeyInfo info = parsed instanceof PEMKeyPair pair
                ? pair.getPrivateKeyInfo()
                : parsed instanceof PrivateKeyInfo keyInfo ? keyInfo : null;
        if (info == null) {
            return null;
        }
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return "EC";
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "RSA";
        }
        return null;
    }

    private static String clientKeyPem(Config config) {
        String data = config.getClientKeyData();
        if (data != null && !data.isBlank()) {
            // from a kubeconfig: base64 of the PEM; from an exec credential plugin's answer: the PEM itself
            return data.contains("-----BEGIN")
                    ? data
                    : new String(Base64.getMimeDecoder().decode(data), StandardCharsets.US_ASCII);
        }
        if (config.getClientKeyFile() != null && !config.getClientKeyFile().isBlank()) {
            try {
                return Files.readString(Path.of(config.getClientKeyFile()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the client key file " + config.getClientKeyFile() + " named by the kubeconfig", e);
            }
        }
        return null;
    }

    private static String explicitAlgorithm() {
        String env = System.getenv("KUBERNETES_CLIENT_KEY_ALGO");
        String prop = System.getProperty(Config.KUBERNETES_CLIENT_KEY_ALGO_SYSTEM_PROPERTY);
        return prop != null && !prop.isBlank() ? prop : env != null && !env.isBlank() ? env : null;
    }
}
