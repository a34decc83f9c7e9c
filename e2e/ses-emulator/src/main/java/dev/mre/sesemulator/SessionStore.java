package dev.mre.sesemulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary credentials handed out by STS AssumeRole, by access key id. Expiry is on the real clock
 * (SDKs sign and refresh with the real time). An expired session is kept for an hour so that its key
 * answers ExpiredToken rather than "invalid"; after that it is forgotten.
 */
final class SessionStore {

    /** How long an expired session still answers ExpiredToken before its key is forgotten. */
    static final Duration KEEP_EXPIRED = Duration.ofHours(1);

    /** One issued session; only its expiration changes (when {@link #expireAll} ends it early). */
    static final class Session {
        private final String accessKeyId;
        private final String secretAccessKey;
        private final String sessionToken;
        private final String roleArn;
        private final String roleName;
        private final String accountId;
        private final String sessionName;
        private final Map<String, String> tags;
        private final String assumedBy;
        private final Instant issuedAt;
        private volatile Instant expiration;

        Session(
                String accessKeyId,
                String secretAccessKey,
                String sessionToken,
                Role role,
                String sessionName,
                Map<String, String> tags,
                String assumedBy,
                Instant issuedAt,
                Instant expiration) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            this.sessionToken = sessionToken;
            this.roleArn = role.arn();
            this.roleName = role.name();
            this.accountId = role.accountId();
            this.sessionName = sessionName;
            this.tags = Map.copyOf(tags);
            this.assumedBy = assumedBy;
            this.issuedAt = issuedAt;
            this.expiration = expiration;
        }

        String accessKeyId() {
            return accessKeyId;
        }

        String secretAccessKey() {
            return secretAccessKey;
        }

        String sessionToken() {
            return sessionToken;
        }

        String roleArn() {
            return roleArn;
        }

        String roleName() {
            return roleName;
        }

        String accountId() {
            return accountId;
        }

        String sessionName() {
            return sessionName;
        }

        Map<String, String> tags() {
            return tags;
        }

        String assumedBy() {
            return assumedBy;
        }

        Instant issuedAt() {
            return issuedAt;
        }

        Instant expiration() {
            return expiration;
        }

        boolean expiredAt(Instant now) {
            return !now.isBefore(expiration);
        }

        SessionView view(String partition) {
            return new SessionView(
                    accessKeyId,
                    roleArn,
                    sessionName,
                    accountId,
                    Principal.session(this).arn(partition),
                    tags,
                    assumedBy,
                    issuedAt,
                    expiration);
        }
    }

    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Session issue(
            Role role, String sessionName, Map<String, String> tags, String assumedBy, Instant now, Duration duration) {
        prune(now);
        String keyId;
        do {
            StringBuilder id = new StringBuilder("ASIA");
            for (int i = 0; i < 16; i++) {
                id.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
            }
            keyId = id.toString();
        } while (sessions.containsKey(keyId));
        // whole seconds, as STS reports Expiration: a client's idea of the expiry is then exactly the emulator's
        Instant expiration = now.plus(duration).truncatedTo(ChronoUnit.SECONDS);
        Session s =
                new Session(keyId, randomText(30), randomText(96), role, sessionName, tags, assumedBy, now, expiration);
        sessions.put(keyId, s);
        return s;
    }

    Session find(String accessKeyId) {
        return sessions.get(accessKeyId);
    }

    /** Every session not yet forgotten, oldest first. */
    List<Session> all() {
        return sessions.values().stream()
                .sorted(Comparator.comparing(Session::issuedAt))
                .toList();
    }

    /** Ends every session now: the next call signed with one answers ExpiredToken. Answers how many were still valid. */
    int expireAll(Instant now) {
        int ended = 0;
        for (Session s : sessions.values()) {
            if (s.expiration.isAfter(now)) {
                s.expiration = now;
                ended++;
            }
        }
        return ended;
    }

    void clear() {
        sessions.clear();
    }

    private void prune(Instant now) {
        sessions.values().removeIf(s -> s.expiration.plus(KEEP_EXPIRED).isBefore(now));
    }

    private String randomText(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
