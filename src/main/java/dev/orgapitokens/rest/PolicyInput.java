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

/** Parses a {@code PUT /settings} body: any of the policy's figures (a whole number, or null for no limit) and managementClients. */
final class PolicyInput {

    static final int MAX_CLIENTS = 50;

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
            Setting setting = Setting.named(entry.getKey()).orElseThrow(() -> ApiTokenErrors.invalid(entry.getKey(),
                    "Unknown field '" + entry.getKey() + "': settings are " + Stream.concat(Arrays.stream(Setting.values())
                            .map(Setting::name), Stream.of(TokenPolicy.MANAGEMENT_CLIENTS)).collect(Collectors.joining(", "))));
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

    private static Integer figure(Setting setting, JsonNode value) {
        if (value.isNull()) return null;
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > setting.max()) {
            throw ApiTokenErrors.invalid(setting.name(), setting.name() + " must be a whole number from 1 to " + setting.max() + ", or null for no limit");
        }
        return value.intValue();
    }
}
