package dev.mre.sesemulator;

/**
 * What GetAccount answers for one account in one region, and what SendEmail obeys there. Defaults: sending enabled,
 * production access (out of the sandbox), enforcement HEALTHY, the quotas a new production account commonly gets.
 *
 * @param sendingEnabled          false = sending paused in this region (SendEmail: SendingPausedException; an endpoint
 *                                routes away from the region)
 * @param productionAccessEnabled false = the sandbox: recipients must be verified identities or mailbox-simulator addresses
 * @param max24HourSend           -1 = unlimited
 */
public record AccountSending(
        boolean sendingEnabled,
        boolean productionAccessEnabled,
        String enforcementStatus,
        double max24HourSend,
        double maxSendRate) {

    public static AccountSending defaults() {
        return new AccountSending(true, true, "HEALTHY", 50_000, 14);
    }

    public AccountSending withSendingEnabled(boolean value) {
        return new AccountSending(value, productionAccessEnabled, enforcementStatus, max24HourSend, maxSendRate);
    }

    public AccountSending withProductionAccessEnabled(boolean value) {
        return new AccountSending(sendingEnabled, value, enforcementStatus, max24HourSend, maxSendRate);
    }

    public AccountSending withEnforcementStatus(String value) {
        return new AccountSending(sendingEnabled, productionAccessEnabled, value, max24HourSend, maxSendRate);
    }

    public AccountSending withQuota(double max24HourSend, double maxSendRate) {
        return new AccountSending(
                sendingEnabled, productionAccessEnabled, enforcementStatus, max24HourSend, maxSendRate);
    }
}
