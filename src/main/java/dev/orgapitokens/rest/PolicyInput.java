package dev.orgapitokens.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.service.TokenPolicy;
import dev.orgapitokens.service.TokenPolicy.Setting;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.keycloak.utils.EmailValidationUtil;

/**
 * Parses a {@code PUT /settings} body: any of the policy's figures (a whole number, or null for no
 * limit), managementClients, the lifecycle lists expiryNoticeDays and noticeEmails (SPEC §9), and
 * the usage switch usageCounting (§10).
 */
final class PolicyInput {

    static final int MAX_CLIENTS = 50;
    static final int MAX_EXPIRY_NOTICES = 5;
    static final int MAX_EXPIRY_NOTICE_DAYS = 365;
    static final int MAX_NOTICE_EMAILS = 20;

    private PolicyInput() {
    }

    /** The current policy changed by the body; absent fields keep their value. */
    static TokenPolicy apply(TokenPolicy current, byte[] body) {
        TokenPolicy updated = current;
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonBodies.readObject(body, false).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals(TokenPolicy.MANAGEMENT_CLIENTS)) {
                updated = updated.withManagementClients(clientIds(entry.getValue()));
                continue;
            }
            if (entry.getKey().equals(TokenPolicy.EXPIRY_NOTICE_DAYS)) {
                updated = updated.withExpiryNoticeDays(noticeDays(entry.getValue()));
                continue;
            }
            if (entry.getKey().equals(TokenPolicy.USAGE_COUNTING)) {
                if (!entry.getValue().isBoolean()) throw ApiTokenErrors.invalid(TokenPolicy.USAGE_COUNTING, TokenPolicy.USAGE_COUNTING + " must be true or false");
                updated = updated.withUsageCounting(entry.getValue().booleanValue());
                continue;
            }
            if (entry.getKey().equals(TokenPolicy.NOTICE_EMAILS)) {
                updated = updated.withNoticeEmails(emails(entry.getValue()));
                continue;
            }
            Setting setting = Setting.named(entry.getKey()).orElseThrow(() -> ApiTokenErrors.invalid(entry.getKey(),
                    "Unknown field '" + entry.getKey() + "': settings are " + Stream.concat(Arrays.stream(Setting.values())
                            .map(Setting::name), Stream.of(TokenPolicy.MANAGEMENT_CLIENTS, TokenPolicy.EXPIRY_NOTICE_DAYS,
                            TokenPolicy.NOTICE_EMAILS, TokenPolicy.USAGE_COUNTING)).collect(Collectors.joining(", "))));
            updated = updated.with(setting, figure(setting, entry.getValue()));
        }
        return updated;
    }

    /** A JSON array of distinct, non-empty client ids (at most 50); whether each exists is the service's check. */
    private static List<String> clientIds(JsonNode value) {
        String field = TokenPolicy.MANAGEMENT_CLIENTS;
        if (!value.isArray()) throw ApiTokenErrors.invalid(field, field + " must be an array of client ids");
        if (value.size() > MAX_CLIENTS) throw ApiTokenErrors.invalid(field, field + " may list at most " + MAX_CLIENTS + " clients");
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode id : value) {
            if (!id.isTextual() || id.textValue().isBlank()) throw ApiTokenErrors.invalid(field, field + " must hold client ids (non-empty strings)");
            if (!ids.add(id.textValue())) throw ApiTokenErrors.invalid(field, "Client '" + id.textValue() + "' is listed twice");
        }
        return List.copyOf(ids);
    }

    /** Up to 5 distinct whole numbers of days from 1 to 365; [] turns expiry notices off. */
    private static List<Integer> noticeDays(JsonNode value) {
        String field = TokenPolicy.EXPIRY_NOTICE_DAYS;
        String rule = field + " must be an array of at most " + MAX_EXPIRY_NOTICES + " distinct whole numbers of days from 1 to "
                + MAX_EXPIRY_NOTICE_DAYS + " ([] for no expiry notices)";
        if (!value.isArray() || value.size() > MAX_EXPIRY_NOTICES) throw ApiTokenErrors.invalid(field, rule);
        Set<Integer> days = new LinkedHashSet<>();
        for (JsonNode day : value) {
            if (!day.canConvertToExactIntegral() || !day.canConvertToInt() || day.intValue() < 1 || day.intValue() > MAX_EXPIRY_NOTICE_DAYS
                    || !days.add(day.intValue())) {
                throw ApiTokenErrors.invalid(field, rule);
            }
        }
        return List.copyOf(days);
    }

    /** Up to 20 distinct e-mail addresses (Keycloak's own address check). */
    private static List<String> emails(JsonNode value) {
        String field = TokenPolicy.NOTICE_EMAILS;
        if (!value.isArray()) throw ApiTokenErrors.invalid(field, field + " must be an array of e-mail addresses");
        if (value.size() > MAX_NOTICE_EMAILS) throw ApiTokenErrors.invalid(field, field + " may list at most " + MAX_NOTICE_EMAILS + " addresses");
        Set<String> seen = new LinkedHashSet<>();
        List<String> emails = new java.util.ArrayList<>();
        for (JsonNode email : value) {
            if (!email.isTextual() || !EmailValidationUtil.isValidEmail(email.textValue().trim())) {
                throw ApiTokenErrors.invalid(field, field + " must hold e-mail addresses; '" + email.asText() + "' is not one");
            }
            String address = email.textValue().trim();
            if (!seen.add(address.toLowerCase(java.util.Locale.ROOT))) throw ApiTokenErrors.invalid(field, "'" + address + "' is listed twice");
            emails.add(address);
        }
        return emails;
    }

    private static Integer figure(Setting setting, JsonNode value) {
        if (value.isNull() && setting.nullable()) return null;
        if (value.isNull() || !value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > setting.max()) {
            throw ApiTokenErrors.invalid(setting.name(), setting.name() + " must be a whole number from 1 to " + setting.max()
                    + (setting.nullable() ? ", or null for " + (setting == Setting.deleteUnusedAfterDays ? "never" : "no limit") : ""));
        }
        return value.intValue();
    }
}
