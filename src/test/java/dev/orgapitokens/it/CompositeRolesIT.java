package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.it.KeyLogin.Grant;
import dev.orgapitokens.it.Tokens.Token;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §4, issue 22: start-up setup never widens a role a realm already has. The attack: a realm
 * whose {@code super-user} already holds {@code realm-management/manage-users} (an operator's own
 * role of that name); putting it into the account console's scope would hand Keycloak admin rights
 * to every holder's console token, and tokens with it would hand them to keys.
 */
class CompositeRolesIT extends ServerTest {

    @Test
    void aPreExistingCompositeSuperUserIsLeftOutOfEveryScopeAndNoTokenGetsIt() {
        String admin = TestRealm.masterAdminToken();
        String name = "composite-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> superUser = Map.of("name", "super-user", "composite", true,
                "composites", Map.of("client", Map.of("realm-management", List.of("manage-users"))));
        Map<String, Object> sueUser = Map.of("username", "sue", "enabled", true, "firstName", "Sue", "lastName", "Test",
                "email", "sue@example.test", "emailVerified", true, "realmRoles", List.of("super-user"),
                "credentials", List.of(Map.of("type", "password", "value", "pw-sue", "temporary", false)));
        TestRealm realm = newRealmFromJson(Http.toJson(Map.of("realm", name, "enabled", true, "eventsEnabled", true,
                "roles", Map.of("realm", List.of(superUser)), "users", List.of(sueUser))));

        String console = clientUuid(realm, "account-console");
        assertFalse(realmScope(realm, console).contains("super-user"), "not in the account console's scope");
        assertFalse(realmScope(realm, clientUuid(realm, "org-api-tokens")).contains("super-user"), "nor in the login client's");
        String sue = Http.get(realm.adminUrl("/users?exact=true&username=sue"), admin).json().get(0).get("id").asText();
        Http.Response example = Http.get(realm.adminUrl("/clients/" + console + "/evaluate-scopes/generate-example-access-token?scope=openid&userId=" + sue), admin);
        assertEquals(200, example.status(), example.describe());
        JsonNode claims = example.json();
        assertFalse(claims.path("realm_access").path("roles").toString().contains("super-user"), "the console token carries no super-user: " + claims);
        assertFalse(claims.path("resource_access").has("realm-management"), "nor manage-users: " + claims.path("resource_access"));

        long before = Database.count("select count(*) from ORG_API_TOKEN");
        Http.Response created = Http.postJson(realm.adminTokens(), admin, Tokens.body(Tokens.unique("escalation"), "super-user", List.of("*")));
        assertEquals(400, created.status(), created.describe());
        assertEquals("role", created.json().get("field").asText());
        assertTrue(created.json().get("error_description").asText().contains("composite"), created.describe());
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "nothing stored");
        assertEquals(201, Http.postJson(realm.adminTokens(), admin, Tokens.body(Tokens.unique("plain"), "observer", List.of("*"))).status(),
                "the plain roles work as ever");

        String log = KeycloakServer.server().log();
        String warning = "in realm '" + name + "' the realm role(s) super-user hold other roles";
        assertTrue(log.contains(warning), "the server log names the realm and the role");
        assertEquals(log.indexOf(warning), log.lastIndexOf(warning), "once");

        String master = Http.get(KeycloakServer.server().url() + "/admin/realms/master/clients?clientId=account-console", admin).json().get(0).get("id").asText();
        JsonNode masterScope = Http.get(KeycloakServer.server().url() + "/admin/realms/master/clients/" + master + "/scope-mappings/realm", admin).json();
        assertFalse(masterScope.toString().contains("\"super-user\""), "master's account console is left alone: " + masterScope);
    }

    /** A token made while super-user was plain: once an admin makes the role composite, its key is refused everywhere. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void anExistingTokensKeyIsRefusedOnceItsRoleHoldsOtherRoles(Grant grant) {
        String admin = TestRealm.masterAdminToken();
        TestRealm realm = newRealm("made-composite");
        Token token = Tokens.create(realm, "super-user", List.of("*"), Map.of());
        Token other = Tokens.create(realm, "observer", List.of("*"), Map.of());
        assertEquals(200, grant.withForm(realm, token.key()).status());

        String management = clientUuid(realm, "realm-management");
        JsonNode manageUsers = Http.get(realm.adminUrl("/clients/" + management + "/roles/manage-users"), admin).json();
        assertEquals(204, Http.postJson(realm.adminUrl("/roles/super-user/composites"), admin, List.of(manageUsers)).status());

        Http.Response login = grant.withForm(realm, token.key());
        assertEquals(401, login.status(), login.describe());
        assertFalse(login.body().contains("access_token"));
        assertEquals(401, Gateway.check(realm, "jwt=true", "Authorization", "Token " + token.key()).status());
        assertEquals(401, KeyLoginIT.gateway(realm, "Token " + token.key(), null).status());
        JsonNode errors = Http.get(realm.adminUrl("/events?type=LOGIN_ERROR&max=100"), admin).json();
        boolean named = false;
        for (JsonNode e : errors) {
            named |= token.id().equals(e.path("details").path("api_token_id").asText()) && "composite_role".equals(e.path("details").path("reason").asText());
        }
        assertTrue(named, "a login event with reason composite_role: " + Http.redact(errors.toString()));

        Http.Response promoted = Http.putJson(realm.adminTokens() + "/" + other.id(), admin, Map.of("role", "super-user"));
        assertEquals(400, promoted.status(), promoted.describe());
        assertEquals("role", promoted.json().get("field").asText());
        assertEquals(200, grant.withForm(realm, other.key()).status(), "the observer token is untouched");
    }

    static String clientUuid(TestRealm realm, String clientId) {
        return Http.get(realm.adminUrl("/clients?clientId=" + clientId), TestRealm.masterAdminToken()).json().get(0).get("id").asText();
    }

    static String realmScope(TestRealm realm, String clientUuid) {
        return Http.get(realm.adminUrl("/clients/" + clientUuid + "/scope-mappings/realm"), TestRealm.masterAdminToken()).body();
    }
}
