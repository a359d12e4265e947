package dev.orgapitokens.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.service.Rotation;
import java.util.Iterator;
import java.util.Map;

/** Parses a rotate body: empty, {@code {}}, or any of {@code expiresAt} and {@code previousKeyExpiresIn}. */
final class RotationInput {

    static final String PREVIOUS_KEY_EXPIRES_IN = "previousKeyExpiresIn";

    private RotationInput() {
    }

    static Rotation parse(byte[] body, long now) {
        boolean expiresAtSet = false;
        Long expiresAt = null;
        Integer grace = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonBodies.readObject(body, true).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            switch (field.getKey()) {
                case "expiresAt" -> {
                    expiresAtSet = true;
                    expiresAt = TokenInput.expiresAt(field.getValue(), now);
                }
                case PREVIOUS_KEY_EXPIRES_IN -> grace = seconds(field.getValue());
                default -> throw ApiTokenErrors.invalid(field.getKey(),
                        "Unknown field '" + field.getKey() + "': a rotation takes expiresAt and " + PREVIOUS_KEY_EXPIRES_IN);
            }
        }
        return new Rotation(expiresAtSet, expiresAt, grace);
    }

    private static int seconds(JsonNode value) {
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > Rotation.MAX_GRACE_SECONDS) {
            throw ApiTokenErrors.invalid(PREVIOUS_KEY_EXPIRES_IN, PREVIOUS_KEY_EXPIRES_IN + " must be a whole number of seconds from 1 to "
                    + Rotation.MAX_GRACE_SECONDS + " (7 days); leave it out to end the old key now");
        }
        return value.intValue();
    }
}
