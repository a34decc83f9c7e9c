package dev.mre.operator.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Values of the ownership tag {@code ses.mre.dev/owner}. The tag is the only proof that an endpoint belongs to an
 * object, so its value must identify the object without being reusable by anyone else: this cluster (its id),
 * this namespace (its UID, which a namespace created later under the same name does not share) and the object's
 * name within it.
 */
public final class OwnerTag {

    /** AWS's limit on tag values. */
    static final int MAX_VALUE = 256;

    private OwnerTag() {}

    /** {@code <cluster-id>/<namespace-uid>/<name>}; a name too long for AWS's limit is shortened by a hash. */
    public static String of(String clusterId, String namespaceUid, String name) {
        String prefix = clusterId + "/" + namespaceUid + "/";
        if (prefix.length() + name.length() <= MAX_VALUE) {
            return prefix + name;
        }
        // object names may have 253 characters; keep a readable start and make the rest unique
        String hash = sha256Hex(name).substring(0, 16);
        return prefix + name.substring(0, MAX_VALUE - prefix.length() - hash.length() - 1) + "~" + hash;
    }

    /**
     * What an administrator writes into {@code ses.mre.dev/adoptable} to let one object of one cluster adopt an
     * endpoint: {@code <cluster-id>/<namespace>/<name>}. Bound to the cluster, so that another cluster sharing the
     * account, with a namespace and object of the same names, never takes the endpoint on that marker.
     */
    public static String adoptableValue(String clusterId, String namespace, String name) {
        return clusterId + "/" + namespace + "/" + name;
    }

    /** Hex SHA-256 of {@code s}: the one hash helper (owner tags, client cache keys, Event names). */
    public static String sha256Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
