package dev.mre.sesemulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Who signed a request: an IAM user of a configured access key, or a session of an assumed role.
 *
 * @param accountId the account the principal acts in (a session acts in its role's account)
 * @param userName  the IAM user name, null for a session
 * @param roleArn   the role of a session, null for a user
 * @param session   the session name, null for a user
 * @param tags      session tags ({@code aws:PrincipalTag/<key>}); empty for a user
 * @param accessKeyId the key that signed
 */
record Principal(
        String accountId,
        String userName,
        String roleArn,
        String roleName,
        String session,
        Map<String, String> tags,
        String accessKeyId) {

    static Principal user(Credentials c) {
        return new Principal(c.accountId(), c.userName(), null, null, null, Map.of(), c.accessKeyId());
    }

    static Principal session(SessionStore.Session s) {
        return new Principal(
                s.accountId(), null, s.roleArn(), s.roleName(), s.sessionName(), s.tags(), s.accessKeyId());
    }

    boolean isSession() {
        return roleArn != null;
    }

    /** The ARN IAM shows for the caller: {@code arn:aws:iam::<acct>:user/<name>} or {@code arn:aws:sts::<acct>:assumed-role/<role>/<session>}. */
    String arn(String partition) {
        return isSession()
                ? "arn:" + partition + ":sts::" + accountId + ":assumed-role/" + roleName + "/" + session
                : "arn:" + partition + ":iam::" + accountId + ":user/" + userName;
    }

    /** The IAM identity whose policy applies: the user, or the role of a session ({@code aws:PrincipalArn}). */
    String identityArn(String partition) {
        return isSession() ? roleArn : "arn:" + partition + ":iam::" + accountId + ":user/" + userName;
    }

    /** GetCallerIdentity's UserId: AIDA... for a user, AROA...:session for a role session (stable per key / role). */
    String userId() {
        return isSession() ? uniqueId("AROA", roleArn) + ":" + session : uniqueId("AIDA", accessKeyId);
    }

    /** An IAM-style unique id: a prefix and 17 characters derived from {@code seed}. */
    static String uniqueId(String prefix, String seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            StringBuilder id = new StringBuilder(prefix);
            for (int i = 0; i < 17; i++) {
                id.append(alphabet.charAt((hash[i] & 0xFF) % alphabet.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
