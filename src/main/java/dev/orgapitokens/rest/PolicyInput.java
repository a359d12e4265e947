package dev.orgapitokens.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.service.TokenPolicy;
import dev.orgapitokens.service.TokenPolicy.Setting;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/** Parses a {@code PUT /settings} body: any of the policy's figures, each a whole number or null (no limit). */
final class PolicyInput {

    private PolicyInput() {
    }

    /** The current policy changed by the body; absent fields keep their value. */
    static TokenPolicy apply(TokenPolicy current, byte[] body) {
        TokenPolicy updated = current;
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonBodies.readObject(body, false).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Setting setting = Setting.named(entry.getKey()).orElseThrow(() -> ApiTokenErrors.invalid(entry.getKey(),
                    "Unknown field '" + entry.getKey() + "': settings are " + Arrays.stream(Setting.values())
                            .map(Setting::name).collect(Collectors.joining(", "))));
            updated = updated.with(setting, figure(setting, entry.getValue()));
        }
        return updated;
    }

    private static Integer figure(Setting setting, JsonNode value) {
        if (value.isNull()) return null;
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > setting.max()) {
            throw ApiTokenErrors.invalid(setting.name(), setting.name() + " must be a whole number from 1 to " + setting.max() + ", or null for no limit");
        }
        return value.intValue();
    }
}
