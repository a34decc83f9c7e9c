package dev.mre.sesemulator;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Per-account overrides of the global {@code quota}, {@code rateLimit} and {@code burst} settings; a null
 * field keeps the global value. The token bucket stays per account and region.
 */
@JsonInclude(JsonInclude.Include.NON_NULL) // the settings' JSON shows only the overrides
public record AccountLimits(Integer quota, Double rateLimit, Integer burst) {

    public AccountLimits {
        if (quota != null && quota < 0) {
            throw new IllegalArgumentException("quota must be >= 0: " + quota);
        }
        if (rateLimit != null && (!(rateLimit >= 0) || rateLimit.isInfinite())) {
            throw new IllegalArgumentException("rateLimit must be >= 0 (0 = unlimited): " + rateLimit);
        }
        if (burst != null && burst < 0) {
            throw new IllegalArgumentException("burst must be >= 0: " + burst);
        }
    }

    /** No override: the account uses the global settings. */
    public static AccountLimits inherit() {
        return new AccountLimits(null, null, null);
    }

    public AccountLimits withQuota(int value) {
        return new AccountLimits(value, rateLimit, burst);
    }

    public AccountLimits withRateLimit(double value) {
        return new AccountLimits(quota, value, burst);
    }

    public AccountLimits withBurst(int value) {
        return new AccountLimits(quota, rateLimit, value);
    }
}
