package dev.orgapitokens.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.service.Rotation;
import java.util.Iterator;
import java.util.Map;

/** Parses a rotate body: empty, {@code {}}, or {@code {"expiresAt": ...}}. */
final class RotationInput {

    private RotationInput() {
    }

    static Rotation parse(byte[] body, long now) {
        Rotation rotation = Rotation.PLAIN;
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonBodies.readObject(body, true).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("expiresAt")) {
                throw ApiTokenErrors.invalid(field.getKey(), "Unknown field '" + field.getKey() + "': a rotation takes expiresAt");
            }
            rotation = new Rotation(true, TokenInput.expiresAt(field.getValue(), now));
        }
        return rotation;
    }
}
