package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeSet;

/**
 * The admin calls for identities and sending (DNS, delivery and AWS's own pauses are not modeled, so a test sets them):
 * {@code POST /_emulator/identity-status}, {@code POST /_emulator/account-sending},
 * {@code POST /_emulator/region-availability}, {@code GET /_emulator/messages}, and the mail part of
 * {@code GET /_emulator/state}. Bad input throws IllegalArgumentException (the admin API answers 400).
 */
final class MailAdmin {

    private MailAdmin() {}

    /** {@code {"region", "identity", "accountId"?, "status"? = SUCCESS}} -> the identity as it is now. */
    static ObjectNode identityStatus(SesEmulator emulator, JsonNode body) {
        String region = required(body, "region");
        String identity = required(body, "identity");
        String status = optional(body, "status", "SUCCESS");
        return identity(emulator.identityStatus(account(emulator, body), region, identity, status));
    }

    /**
     * {@code {"region", "accountId"?, "sendingEnabled"?, "productionAccessEnabled"?, "enforcementStatus"?,
     * "max24HourSend"?, "maxSendRate"?}}: changes only the members given; answers the account's state in the region.
     */
    static ObjectNode accountSending(SesEmulator emulator, JsonNode body) {
        String region = required(body, "region");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!java.util.Set.of(
                            "region",
                            "accountId",
                            "sendingEnabled",
                            "productionAccessEnabled",
                            "enforcementStatus",
                            "max24HourSend",
                            "maxSendRate")
                    .contains(name)) {
                throw new IllegalArgumentException("account-sending: unknown member " + name);
            }
        }
        Boolean sending = bool(body, "sendingEnabled");
        Boolean production = bool(body, "productionAccessEnabled");
        String enforcement = optional(body, "enforcementStatus", null);
        Double max24 = number(body, "max24HourSend");
        Double rate = number(body, "maxSendRate");
        AccountSending after = emulator.updateAccountSending(account(emulator, body), region, a -> {
            AccountSending next = a;
            if (sending != null) {
                next = next.withSendingEnabled(sending);
            }
            if (production != null) {
                next = next.withProductionAccessEnabled(production);
            }
            if (enforcement != null) {
                next = next.withEnforcementStatus(enforcement);
            }
            if (max24 != null || rate != null) {
                next = next.withQuota(
                        max24 != null ? max24 : next.max24HourSend(), rate != null ? rate : next.maxSendRate());
            }
            return next;
        });
        return accountJson(account(emulator, body), region, after);
    }

    /** {@code {"region", "available": bool}} -> {@code {"unavailableRegions": [...]}}. */
    static ObjectNode regionAvailability(SesEmulator emulator, JsonNode body) {
        String region = required(body, "region");
        Boolean available = bool(body, "available");
        if (available == null) {
            throw new IllegalArgumentException("region-availability: \"available\" (true or false) is required");
        }
        emulator.regionAvailable(region, available);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("unavailableRegions");
        new TreeSet<>(emulator.unavailableRegions()).forEach(list::add);
        return out;
    }

    /** {@code ?endpointId=&region=&accountId=} filter; oldest first. */
    static ObjectNode messages(SesEmulator emulator, IncomingRequest request) {
        String endpointId = request.queryParameter("endpointId");
        String region = request.queryParameter("region");
        String accountId = request.queryParameter("accountId");
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("messages");
        for (SentMessage m : emulator.messages()) {
            if ((endpointId == null || endpointId.equals(m.endpointId()))
                    && (region == null || region.equals(m.region()))
                    && (accountId == null || accountId.equals(m.accountId()))) {
                list.add(message(m));
            }
        }
        return out;
    }

    static void addState(SesEmulator emulator, ObjectNode out) {
        ArrayNode identities = out.putArray("identities");
        emulator.identities().forEach(i -> identities.add(identity(i)));
        ArrayNode sets = out.putArray("configurationSets");
        for (String[] c : emulator.mailStore().allConfigurationSets()) {
            sets.addObject()
                    .put("accountId", c[0])
                    .put("region", c[1])
                    .put("configurationSetName", c[2])
                    .put("createdTimestamp", c[3])
                    .put("arn", c[4]);
        }
        ArrayNode accounts = out.putArray("accountSending");
        for (Map.Entry<EndpointStore.Scope, AccountSending> e :
                emulator.mailStore().changedAccounts().entrySet()) {
            accounts.add(accountJson(e.getKey().accountId(), e.getKey().region(), e.getValue()));
        }
        ArrayNode down = out.putArray("unavailableRegions");
        new TreeSet<>(emulator.unavailableRegions()).forEach(down::add);
        out.put("messageCount", emulator.messages().size());
    }

    static ObjectNode identity(IdentityView i) {
        ObjectNode item = Json.object()
                .put("accountId", i.accountId())
                .put("region", i.region())
                .put("identityName", i.identityName())
                .put("identityType", i.identityType())
                .put("verificationStatus", i.verificationStatus())
                .put("verifiedForSending", i.verifiedForSending())
                .put("dkimStatus", i.dkimStatus())
                .put("signingAttributesOrigin", i.signingAttributesOrigin())
                .put("parentRegion", i.parentRegion())
                .put("errorType", i.errorType())
                .put("configurationSetName", i.configurationSetName())
                .put("createdTimestamp", i.createdTimestamp().toString())
                .put("arn", i.arn());
        ObjectNode tags = item.putObject("tags");
        i.tags().forEach(tags::put);
        return item;
    }

    static ObjectNode message(SentMessage m) {
        ObjectNode item = Json.object()
                .put("messageId", m.messageId())
                .put("time", m.time().toString())
                .put("accountId", m.accountId())
                .put("region", m.region())
                .put("endpointId", m.endpointId())
                .put("failover", m.failover())
                .put("fromEmailAddress", m.fromEmailAddress())
                .put("sendingIdentity", m.sendingIdentity())
                .put("subject", m.subject())
                .put("contentType", m.contentType())
                .put("configurationSetName", m.configurationSetName())
                .put("accessKeyId", m.accessKeyId());
        m.toAddresses().forEach(item.putArray("toAddresses")::add);
        m.ccAddresses().forEach(item.putArray("ccAddresses")::add);
        m.bccAddresses().forEach(item.putArray("bccAddresses")::add);
        return item;
    }

    private static ObjectNode accountJson(String accountId, String region, AccountSending a) {
        return Json.object()
                .put("accountId", accountId)
                .put("region", region)
                .put("sendingEnabled", a.sendingEnabled())
                .put("productionAccessEnabled", a.productionAccessEnabled())
                .put("enforcementStatus", a.enforcementStatus())
                .put("max24HourSend", a.max24HourSend())
                .put("maxSendRate", a.maxSendRate());
    }

    private static String account(SesEmulator emulator, JsonNode body) {
        return optional(body, "accountId", emulator.accountId());
    }

    private static String required(JsonNode body, String name) {
        String value = optional(body, name, null);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("\"" + name + "\" (a string) is required");
        }
        return value;
    }

    private static String optional(JsonNode body, String name, String fallback) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }
        return node.asText();
    }

    private static Boolean bool(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new IllegalArgumentException("\"" + name + "\" must be true or false");
        }
        return node.asBoolean();
    }

    private static Double number(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException("\"" + name + "\" must be a number");
        }
        return node.asDouble();
    }
}
