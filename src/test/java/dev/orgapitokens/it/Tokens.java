package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Creating tokens in the tests: the one helper every test class uses. */
public final class Tokens {

    private Tokens() {
    }

    /** A token just created: its id, its key (shown once) and the whole answer. */
    public record Token(String id, String key, JsonNode json) {
    }

    /** A create body with the three required fields; mutable, so a test can add optional ones. */
    public static Map<String, Object> body(String name, String role, List<String> sites) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("role", role);
        body.put("sites", sites);
        return body;
    }

    /** POSTs the body to a door's base URL and asserts 201. */
    public static Token create(String url, String bearer, Map<String, Object> body) {
        return created(Http.postJson(url, bearer, body));
    }

    /** A token of the realm with a unique name, created by the master admin on the admin door; {@code extra} adds optional fields. */
    public static Token create(TestRealm realm, String role, List<String> sites, Map<String, Object> extra) {
        Map<String, Object> body = body(unique("t"), role, sites);
        body.putAll(extra);
        return create(realm.adminTokens(), TestRealm.masterAdminToken(), body);
    }

    /** The token of a create answer, which must be a 201. */
    public static Token created(Http.Response r) {
        assertEquals(201, r.status(), "create: " + r.describe());
        return new Token(r.json().get("id").asText(), r.json().get("key").asText(), r.json());
    }

    /** A name no other test uses. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
