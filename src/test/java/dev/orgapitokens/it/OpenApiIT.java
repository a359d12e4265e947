package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
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

    /** Answers the document promises that no other test asks for: Keycloak's 404s, every method at the gateway check, a report that is no form. */
    @Test
    void theRestOfTheDocumentedAnswersAreTrue() {
        TestRealm realm = newRealm("openapi");
        String base = KeycloakServer.server().url();
        String admin = TestRealm.masterAdminToken();
        assertEquals(404, Http.get(base + "/realms/no-such-realm/org-api-tokens/openapi.json", null).status());
        assertEquals(404, Http.get(base + "/admin/realms/no-such-realm/org-api-tokens", admin).status());
        assertEquals(404, KeyLogin.Grant.KEY_GRANT.withForm(base, "no-such-realm", dev.orgapitokens.key.ApiKeys.generate()).status());

        String key = Tokens.create(realm, "observer", List.of("*"), Map.of()).key();
        String gateway = realm.realmTokens() + "/authorize";
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            assertEquals(200, gatewayCheck(method, gateway + "/some/path", key).status(), method);
            assertEquals(403, gatewayCheck(method, gateway + "?role=super-user", key).status(), method);
            assertEquals(401, gatewayCheck(method, gateway, null).status(), method);
        }
        assertEquals(200, Http.postJson(realm.realmTokens() + "/revoke", null, Map.of("api_key", "oat_x")).status(), "a report that is no form: the same answer");
        assertEquals(401, Http.send("POST", realm.adminTokens() + "/notices/run", null, null, null).status());
    }

    private static Http.Response gatewayCheck(String method, String url, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) request.header("X-API-Key", key);
        return Http.send(request.build());
    }

    /** The check itself: what the document does not say is caught, and the message holds no key. */
    @Test
    void answersTheDocumentDoesNotDescribeAreCaught() {
        String key = dev.orgapitokens.key.ApiKeys.generate();
        String base = "http://localhost:1/realms/r/org-api-tokens";
        String token = "{\"id\":\"i\",\"name\":\"n\",\"role\":\"observer\",\"sites\":[\"*\"],\"organizationId\":null,"
                + "\"keyHint\":\"oat_Ab3d…x9Qz\",\"createdAt\":1,\"createdBy\":\"alice\",\"updatedAt\":1,\"lastUsedAt\":null,\"lastUsedIp\":null,"
                + "\"expiresAt\":null,\"allowedCidrs\":[],\"exposed\":false,\"previousKeyHint\":null,\"previousKeyExpiresAt\":null,"
                + "\"previousKeyLastUsedAt\":null";
        HttpHeaders json = HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true);
        HttpHeaders none = HttpHeaders.of(Map.of(), (a, b) -> true);

        assertNull(OpenApi.problem(request("GET", base + "/i"), 200, token + "}", json), "a token as the document describes it");
        assertNull(OpenApi.problem(request("GET", "http://localhost:1/admin/realms/r/users"), 500, "", none), "Keycloak's own endpoints are not checked");
        assertProblem(OpenApi.problem(request("GET", base + "/i"), 200, token + ",\"key\":\"" + key + "\"}", json), "GET /realms/{realm}/org-api-tokens/{id} 200", key);
        assertProblem(OpenApi.problem(request("GET", base + "/i"), 200, token.replace("\"exposed\":false,", "") + "}", json), "exposed", key);
        assertProblem(OpenApi.problem(request("GET", base + "/i"), 500, "{}", json), "does not document status 500", key);
        assertProblem(OpenApi.problem(request("DELETE", base + "/self"), 405, "", none), "no DELETE operation", key);
        assertProblem(OpenApi.problem(request("GET", base + "/i/nothing/here"), 404, "", none), "no path of the document matches", key);
        assertProblem(OpenApi.problem(request("GET", base + "/authorize/x"), 403, "{}", none), "no body", key);
        assertProblem(OpenApi.problem(request("GET", base + "/authorize/x"), 200, "", none), "X-Api-Token-Id", key);
        assertProblem(OpenApi.problem(request("GET", base + "/authorize"), 401, "", none), "WWW-Authenticate", key);
        assertProblem(OpenApi.problem(request("POST", base), 201, token + ",\"key\":\"" + key + "x!\"}",
                HttpHeaders.of(Map.of("Content-Type", List.of("application/json"), "Location", List.of(base + "/i")), (a, b) -> true)), "key", key);
        HttpRequest keyLogin = HttpRequest.newBuilder(URI.create("http://localhost:1/realms/r/protocol/openid-connect/token"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + OpenApi.KEY_GRANT + "&client_id=org-api-tokens&api_key=" + key)).build();
        assertProblem(OpenApi.problem(keyLogin, 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":60,\"refresh_token\":\"r\"}", json),
                "POST /realms/{realm}/protocol/openid-connect/token 200", key);
    }

    private static HttpRequest request(String method, String url) {
        return HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    private static void assertProblem(String problem, String names, String key) {
        assertNotNull(problem, "caught: " + names);
        assertTrue(problem.contains(names), problem);
        assertFalse(problem.contains(key.substring(4, 30)), "the message holds no key");
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
