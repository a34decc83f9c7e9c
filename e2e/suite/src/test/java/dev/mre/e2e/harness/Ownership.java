package dev.mre.e2e.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's ownership tag on an SES endpoint, as the suites expect it: the one place to change when the tag's
 * format changes.
 */
public final class Ownership {

    /** The tag key. */
    public static final String TAG = "ses.mre.dev/owner";

    private Ownership() {}

    /**
     * The tag value of the object {@code name} in the namespace with UID {@code namespaceUid}, of an operator with
     * cluster id {@code clusterId}: {@code <cluster-id>/<namespace-uid>/<name>}.
     */
    public static String value(String clusterId, String namespaceUid, String name) {
        return clusterId + "/" + namespaceUid + "/" + name;
    }

    /** The UID of a namespace, as the operator puts it into the tag. */
    public static String namespaceUid(Kubectl kubectl, String namespace) {
        return kubectl.getJson("namespace", namespace)
                .orElseThrow(() -> new IllegalStateException("no namespace " + namespace))
                .path("metadata")
                .path("uid")
                .asText();
    }

    /** The informational tag naming the object by namespace name (never proof of ownership). */
    public static final String OBJECT_TAG = "ses.mre.dev/object";

    /** The tags an endpoint must carry: the declared ones, the ownership tag and the informational object tag. */
    public static Map<String, String> expectedTags(
            String clusterId, String namespace, String namespaceUid, String name, Map<String, String> declared) {
        Map<String, String> m = new LinkedHashMap<>(declared);
        m.put(TAG, value(clusterId, namespaceUid, name));
        m.put(OBJECT_TAG, namespace + "/" + name);
        return m;
    }

    /** Whether an endpoint's tags name this object as its owner. */
    public static boolean ownedBy(Map<String, String> tags, String clusterId, String namespaceUid, String name) {
        return value(clusterId, namespaceUid, name).equals(tags.get(TAG));
    }
}
