package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-realm setup (new realms, existing realms at start-up) and cleanup on realm deletion. */
class RealmLifecycleIT extends ServerTest {

    @Test
    void aNewRealmGetsTheFourRolesAndTheAdminRoles() {
        TestRealm realm = newRealm("setup");
        String admin = TestRealm.masterAdminToken();
        for (String[] role : new String[][] {{"super-user", "Super User"}, {"network-admin", "Network Admin"},
                {"observer", "Observer"}, {"helpdesk", "Helpdesk"}}) {
            Http.Response r = Http.get(realm.adminUrl("/roles/" + role[0]), admin);
            assertEquals(200, r.status(), role[0] + ": " + r);
            assertEquals(role[1], r.json().get("description").asText());
        }
        String management = clientId(realm, "realm-management", admin);
        assertEquals(200, Http.get(realm.adminUrl("/clients/" + management + "/roles/view-api-tokens"), admin).status());
        List<String> manageIncludes = names(Http.get(realm.adminUrl("/clients/" + management + "/roles/manage-api-tokens/composites"), admin).json());
        assertEquals(List.of("view-api-tokens"), manageIncludes);
        List<String> realmAdminIncludes = names(Http.get(realm.adminUrl("/clients/" + management + "/roles/realm-admin/composites"), admin).json());
        assertTrue(realmAdminIncludes.contains("manage-api-tokens"), "realm-admin includes manage-api-tokens");

        // the master admin client of the realm has them too, for delegating to master-realm admins
        Http.Response masterClient = Http.get(KeycloakServer.server().url() + "/admin/realms/master/clients?clientId=" + realm.name + "-realm", admin);
        String masterClientId = masterClient.json().get(0).get("id").asText();
        assertEquals(200, Http.get(KeycloakServer.server().url() + "/admin/realms/master/clients/" + masterClientId + "/roles/manage-api-tokens", admin).status());

        assertEquals(List.of("super-user"), accountConsoleRealmScope(realm, admin), "the account console's tokens may carry super-user");
    }

    /** The realm roles in the account-console client's scope (full scope is off there). */
    static List<String> accountConsoleRealmScope(TestRealm realm, String admin) {
        String console = clientId(realm, "account-console", admin);
        return names(Http.get(realm.adminUrl("/clients/" + console + "/scope-mappings/realm"), admin).json());
    }

    @Test
    void setupRunsForExistingRealmsAtStartUpAndIsIdempotent() {
        TestRealm realm = newRealm("restart");
        String admin = TestRealm.masterAdminToken();
        String management = clientId(realm, "realm-management", admin);
        JsonNode token = Http.postJson(realm.adminTokens(), admin, Map.of("name", "survivor", "role", "observer", "sites", List.of("site-7"),
                "allowedCidrs", List.of("127.0.0.0/8", "::1"))).json();
        // an admin deletes what the extension created
        String console = clientId(realm, "account-console", admin);
        assertEquals(204, Http.send("DELETE", realm.adminUrl("/clients/" + console + "/scope-mappings/realm"), admin,
                "application/json", Http.toJson(List.of(Http.get(realm.adminUrl("/roles/super-user"), admin).json()))).status());
        assertEquals(List.of(), accountConsoleRealmScope(realm, admin));
        // an operator names their API as the audience of key tokens (docs/api.md "Audience") and makes full scope on
        String loginClient = clientId(realm, "org-api-tokens", admin);
        assertEquals(201, Http.postJson(realm.adminUrl("/clients"), admin, Map.of("clientId", "inventory-api", "publicClient", false,
                "secret", "inventory-secret", "standardFlowEnabled", false, "serviceAccountsEnabled", true)).status());
        assertEquals(201, Http.postJson(realm.adminUrl("/clients/" + loginClient + "/protocol-mappers/models"), admin, Map.of(
                "name", "inventory-api audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", "inventory-api", "access.token.claim", "true", "introspection.token.claim", "true"))).status());
        JsonNode loginClientRep = Http.get(realm.adminUrl("/clients/" + loginClient), admin).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) loginClientRep).put("fullScopeAllowed", true);
        assertEquals(204, Http.putJson(realm.adminUrl("/clients/" + loginClient), admin, loginClientRep).status());
        assertEquals(204, Http.delete(realm.adminUrl("/roles/helpdesk"), admin).status());
        assertEquals(204, Http.delete(realm.adminUrl("/roles/network-admin"), admin).status());

        KeycloakServer.server().restart();

        String after = TestRealm.masterAdminToken();
        assertEquals(200, Http.get(realm.adminUrl("/roles/helpdesk"), after).status(), "re-created at start-up");
        assertEquals(200, Http.get(realm.adminUrl("/roles/network-admin"), after).status());
        assertEquals(1, Database.count("select count(*) from KEYCLOAK_ROLE r join REALM m on r.REALM_ID = m.ID where m.NAME = ? and r.NAME = 'observer'", realm.name),
                "no duplicate roles after a restart");
        assertEquals(1, Database.count("select count(*) from KEYCLOAK_ROLE where NAME = 'manage-api-tokens' and CLIENT = ?", management));
        assertEquals(List.of("super-user"), accountConsoleRealmScope(realm, after), "the account console's scope is put back");
        Http.Response read = Http.get(realm.adminTokens() + "/" + token.get("id").asText(), after);
        assertEquals(200, read.status(), "tokens survive a restart: " + read);
        assertEquals(token.get("keyHint"), read.json().get("keyHint"));
        assertEquals(token.get("allowedCidrs"), read.json().get("allowedCidrs"));
        Http.Response login = KeyLogin.withForm(realm, token.get("key").asText());
        assertEquals(200, login.status(), "the key still works after a restart: " + login);
        assertEquals(List.of("site-7"), TokensApiIT.strings(KeyLogin.accessTokenClaims(login).get("sites")));
        // start-up setup keeps the operator's audience, and puts back what the contract needs (full scope off)
        JsonNode aud = KeyLogin.accessTokenClaims(login).get("aud");
        assertTrue(aud != null && (aud.isArray() ? TokensApiIT.strings(aud).contains("inventory-api") : aud.asText().equals("inventory-api")),
                "the audience mapper is kept: aud " + aud);
        assertTrue(KeyLogin.introspect(realm, "inventory-api", "inventory-secret", login.json().get("access_token").asText()).get("active").asBoolean(),
                "the API introspects key tokens as active");
        assertFalse(Http.get(realm.adminUrl("/clients/" + loginClient), after).json().get("fullScopeAllowed").asBoolean(), "full scope is off again");
        assertEquals(1, Database.count("select count(*) from CLIENT c join REALM m on c.REALM_ID = m.ID where m.NAME = ? and c.CLIENT_ID = 'org-api-tokens'", realm.name),
                "one login client after a restart");
        assertEquals(1, Database.count("select count(*) from AUTHENTICATION_FLOW f join REALM m on f.REALM_ID = m.ID where m.NAME = ? and f.ALIAS = 'org-api-tokens direct grant'", realm.name),
                "one login flow after a restart");
    }

    @Test
    void deletingARealmWithTokensWorksAndLeavesNoRows() {
        TestRealm realm = newRealm("doomed");
        String admin = TestRealm.masterAdminToken();
        for (int i = 0; i < 3; i++) {
            assertEquals(201, Http.postJson(realm.adminTokens(), admin, Map.of("name", "t" + i, "role", "observer", "sites", List.of("*"))).status());
        }
        String realmId = Http.get(realm.adminUrl(""), admin).json().get("id").asText();
        assertEquals(3, Database.count("select count(*) from ORG_API_TOKEN where REALM_ID = ?", realmId));

        assertEquals(204, Http.delete(KeycloakServer.server().url() + "/admin/realms/" + realm.name, admin).status());
        assertEquals(0, Database.count("select count(*) from ORG_API_TOKEN where REALM_ID = ?", realmId));
        assertEquals(0, Database.count("select count(*) from USER_ENTITY where REALM_ID = ?", realmId));
    }

    private static String clientId(TestRealm realm, String clientId, String admin) {
        return Http.get(realm.adminUrl("/clients?clientId=" + clientId), admin).json().get(0).get("id").asText();
    }

    private static List<String> names(JsonNode roles) {
        List<String> names = new ArrayList<>();
        roles.forEach(r -> names.add(r.get("name").asText()));
        return names;
    }
}
