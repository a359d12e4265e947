package dev.orgapitokens.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/** Request bodies of the REST API: size-capped, strictly parsed JSON objects. */
final class JsonBodies {

    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {
    }

    /** Reads at most 64 KiB; anything longer is refused before parsing. */
    static byte[] read(InputStream in) {
        try {
            byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) throw ApiTokenErrors.tooLarge(MAX_BODY_BYTES);
            return body;
        } catch (IOException e) {
            throw ApiTokenErrors.invalid("The request body could not be read");
        }
    }

    /** The text of one top-level field of a JSON object, or null for anything else (no object, no such field, not text). */
    static String textField(byte[] body, String field) {
        try {
            JsonNode value = body.length == 0 ? null : JSON.readTree(body).get(field);
            return value != null && value.isTextual() ? value.textValue() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The body as a JSON object (an empty body as an empty object when {@code emptyAllowed}), or a 400 that says where it went wrong. */
    static ObjectNode readObject(byte[] body, boolean emptyAllowed) {
        if (body.length == 0 && emptyAllowed) return JSON.createObjectNode();
        JsonNode root;
        try {
            root = body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Where, not what: the parser's message quotes the input, which may hold a pasted key.
            var at = e.getLocation();
            throw ApiTokenErrors.invalid("Malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw ApiTokenErrors.invalid("Malformed JSON");
        }
        if (!(root instanceof ObjectNode object)) throw ApiTokenErrors.invalid("The body must be a JSON object");
        return object;
    }
}
