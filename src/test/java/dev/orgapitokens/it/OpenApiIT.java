package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * docs/openapi.yaml is served by the extension as it is in the repository, without authentication;
 * and it is a document tools can follow (every reference resolves). That every answer of the suite
 * matches it is {@link OpenApi}'s check, in {@link Http}.
 */
class OpenApiIT extends ServerTest {

    @Test
    void theServedDocumentIsTheFileAndNeedsNoBearer() {
        TestRealm realm = newRealm("openapi");
        Http.Response served = Http.get(KeycloakServer.server().url() + "/realms/" + realm.name + "/org-api-tokens/openapi.json", null);
        assertEquals(200, served.status(), served.describe());
        assertTrue(served.header("Content-Type").startsWith("application/json"), served.header("Content-Type"));
        JsonNode tree = served.json();
        assertEquals(OpenApi.document(), tree, "the served document equals docs/openapi.yaml, as JSON trees");
        assertNull(served.header("WWW-Authenticate"));
    }

    @Test
    void everyReferenceOfTheDocumentResolves() {
        List<String> broken = new ArrayList<>();
        references(OpenApi.document(), broken);
        assertEquals(List.of(), broken, "references to nothing");
    }

    private static void references(JsonNode node, List<String> broken) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
                    String ref = field.getValue().asText();
                    if (!ref.startsWith("#/") || OpenApi.document().at(ref.substring(1)).isMissingNode()) broken.add(ref);
                } else {
                    references(field.getValue(), broken);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) references(item, broken);
        }
    }
}
