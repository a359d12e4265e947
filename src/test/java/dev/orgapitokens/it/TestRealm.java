package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A throw-away realm created through the admin REST API, with users and roles, plus helpers to
 * log in and call both front doors. Admin events with details are on, so the leak checks can read them.
 */
public final class TestRealm {

    public final String name;
    private final String baseUrl;

    private TestRealm(String name) {
        this.name = name;
        this.baseUrl = KeycloakServer.server().url();
    }

    public static TestRealm create(String prefix) {
        TestRealm realm = new TestRealm(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        Http.Response r = Http.postJson(realm.baseUrl + "/admin/realms", masterAdminToken(), Map.of(
                "realm", realm.name, "enabled", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true,
                "eventsEnabled", true));
        assertEquals(201, r.status(), "create realm: " + r);
        return realm;
    }

    /** A realm with the name and contents of a realm representation, such as the demo's {@code demo/demo-realm.json}. */
    public static TestRealm fromJson(String representation) {
        TestRealm realm;
        try {
            realm = new TestRealm(Http.JSON.readTree(representation).get("realm").asText());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a realm representation", e);
        }
        Http.Response r = Http.send("POST", realm.baseUrl + "/admin/realms", masterAdminToken(), "application/json", representation);
        assertEquals(201, r.status(), "create realm " + realm.name + ": " + r);
        return realm;
    }

    public static String masterAdminToken() {
        return masterAdminToken(KeycloakServer.server().url());
    }

    /** The bootstrap admin's token from the server at {@code baseUrl} (tests that start servers of their own). */
    public static String masterAdminToken(String baseUrl) {
        return password(baseUrl, "master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD);
    }

    /** A password-grant access token from the realm's admin-cli client. */
    public static String password(String realm, String username, String password) {
        return password(KeycloakServer.server().url(), realm, username, password);
    }

    static String password(String baseUrl, String realm, String username, String password) {
        Http.Response r = Http.postForm(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", username, "password", password));
        assertEquals(200, r.status(), "login " + username + "@" + realm + ": " + r);
        return r.json().get("access_token").asText();
    }

    /** Creates a user with a password, the given realm roles and realm-management client roles; returns its token. */
    public String userWithRoles(String username, List<String> realmRoles, List<String> managementRoles) {
        String admin = masterAdminToken();
        Http.Response created = Http.postJson(adminUrl("/users"), admin, Map.of(
                "username", username, "enabled", true, "email", username + "@example.test", "emailVerified", true,
                "firstName", username, "lastName", "Test",
                "credentials", List.of(Map.of("type", "password", "value", "pw-" + username, "temporary", false))));
        assertEquals(201, created.status(), "create user: " + created);
        String userId = lastSegment(created.header("Location"));
        if (!realmRoles.isEmpty()) {
            List<JsonNode> roles = realmRoles.stream().map(r -> Http.get(adminUrl("/roles/" + r), admin).json()).toList();
            Http.Response mapped = Http.postJson(adminUrl("/users/" + userId + "/role-mappings/realm"), admin, roles);
            assertEquals(204, mapped.status(), "map realm roles: " + mapped);
        }
        if (!managementRoles.isEmpty()) {
            String clientId = Http.get(adminUrl("/clients?clientId=realm-management"), admin).json().get(0).get("id").asText();
            List<JsonNode> roles = managementRoles.stream()
                    .map(r -> Http.get(adminUrl("/clients/" + clientId + "/roles/" + r), admin).json()).toList();
            Http.Response mapped = Http.postJson(adminUrl("/users/" + userId + "/role-mappings/clients/" + clientId), admin, roles);
            assertEquals(204, mapped.status(), "map client roles: " + mapped);
        }
        return password(name, username, "pw-" + username);
    }

    public String adminUrl(String path) {
        return baseUrl + "/admin/realms/" + name + path;
    }

    /** The admin front door. */
    public String adminTokens() {
        return adminUrl("/org-api-tokens");
    }

    /** The realm front door. */
    public String realmTokens() {
        return baseUrl + "/realms/" + name + "/org-api-tokens";
    }

    public void delete() {
        Http.delete(baseUrl + "/admin/realms/" + name, masterAdminToken());
    }

    static String lastSegment(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
