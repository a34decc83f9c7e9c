package dev.mre.sesemulator;

import java.util.Objects;

/**
 * One access key the emulator accepts, and the IAM identity it stands for.
 * The secret is needed to verify SigV4 signatures; it is never logged nor shown by the admin API.
 */
public record Credentials(String accessKeyId, String secretAccessKey, String accountId, String userName) {

    public static final String DEFAULT_ACCESS_KEY_ID = "AKIDEMULATOR";
    public static final String DEFAULT_SECRET_ACCESS_KEY = "emulator-secret";
    public static final String DEFAULT_ACCOUNT_ID = "123456789012";
    public static final String DEFAULT_USER_NAME = "emulator";

    public Credentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        if (accessKeyId.isBlank() || accessKeyId.contains("/")) {
            throw new IllegalArgumentException("access key id must be non-blank and contain no '/'");
        }
        if (userName.isBlank() || !userName.matches("[\\w+=,.@/-]+")) {
            throw new IllegalArgumentException("user name must be IAM-like ([\\w+=,.@/-]+): " + userName);
        }
        if (!accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("account id must be 12 digits: " + accountId);
        }
    }

    public Credentials(String accessKeyId, String secretAccessKey, String accountId) {
        this(accessKeyId, secretAccessKey, accountId, DEFAULT_USER_NAME);
    }

    public static Credentials defaults() {
        return new Credentials(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, DEFAULT_ACCOUNT_ID);
    }

    /** The IAM user ARN in the {@code aws} partition: the key to attach a policy to this user. */
    public String userArn() {
        return userArn("aws");
    }

    /** The IAM user ARN, as STS GetCallerIdentity and AccessDenied messages show it. */
    public String userArn(String partition) {
        return "arn:" + partition + ":iam::" + accountId + ":user/" + userName;
    }

    /** Keeps the secret out of logs and assertion messages. */
    @Override
    public String toString() {
        return "Credentials[accessKeyId=" + accessKeyId + ", accountId=" + accountId + ", userName=" + userName + "]";
    }
}
