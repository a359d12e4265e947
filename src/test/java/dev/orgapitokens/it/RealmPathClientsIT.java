package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4, from the attacker's side: a super-user's access token stolen from a low-trust client of
 * the realm (a third-party single-page app) cannot mint keys. The realm path takes only tokens
 * issued to one of the realm's {@code managementClients} that themselves carry super-user.
 */
class RealmPathClientsIT extends ServerTest {

    static TestRealm realm;
    /** alice, a super-user, signed in to a third-party app of the realm (full scope: her token carries super-user). */
    static String stolenFromApp;
    /** alice's token from a client with full scope off: it does not even carry super-user. */
    static String fromNarrowClient;
    /** alice's token from admin-cli, one of the default management clients. */
    static String fromAdminCli;

    @BeforeAll
    static void setUp() {
        realm = newRealm("clients");
        String admin = TestRealm.masterAdminToken();
        for (Map<String, Object> client : List.of(
                Map.<String, Object>of("clientId", "third-party-spa", "publicClient", true, "directAccessGrantsEnabled", true),
                Map.<String, Object>of("clientId", "narrow-app", "publicClient", true, "directAccessGrantsEnabled", true, "fullScopeAllowed", false))) {
            Http.Response created = Http.postJson(realm.adminUrl("/clients"), admin, client);
            assertEquals(201, created.status(), created.describe());
        }
        fromAdminCli = realm.userWithRoles("alice", List.of("super-user"), List.of());
        stolenFromApp = login("third-party-spa");
        fromNarrowClient = login("narrow-app");
    }

    static String login(String clientId) {
        Http.Response r = Http.postForm(KeyLogin.tokenEndpoint(realm), Map.of("grant_type", "password", "client_id", clientId,
                "username", "alice", "password", "pw-alice"));
        assertEquals(200, r.status(), r.describe());
        return r.json().get("access_token").asText();
    }

    @Test
    void aTokenFromAnotherClientOfTheRealmCannotMintKeys() {
        long before = Database.count("select count(*) from ORG_API_TOKEN");
        for (String stolen : List.of(stolenFromApp, fromNarrowClient)) {
            assertForbidden(Http.postJson(realm.realmTokens(), stolen, Tokens.body(Tokens.unique("minted"), "super-user", List.of("*"))));
            assertForbidden(Http.get(realm.realmTokens(), stolen));
        }
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "no key minted");
        assertEquals(200, Http.get(realm.realmTokens(), fromAdminCli).status(), "the same user through a management client");
    }

    @Test
    void managementClientsAreTheRealmsChoiceAndTheTokenMustCarrySuperUserItself() {
        String admin = TestRealm.masterAdminToken();
        String settings = realm.adminTokens() + "/settings";
        assertEquals(List.of("account-console", "admin-cli"), TokensApiIT.strings(Http.get(settings, admin).json().get("managementClients")));
        try {
            Http.Response widened = Http.putJson(settings, admin, Map.of("managementClients", List.of("third-party-spa", "narrow-app")));
            assertEquals(200, widened.status(), widened.describe());
            assertEquals(201, Http.postJson(realm.realmTokens(), stolenFromApp, Tokens.body(Tokens.unique("allowed"), "observer", List.of("*"))).status(),
                    "a client the realm lists may manage tokens");
            Http.Response narrow = Http.get(realm.realmTokens(), fromNarrowClient);
            assertForbidden(narrow);
            assertTrue(narrow.json().get("error_description").asText().contains("in the access token itself"), narrow.describe());
            assertForbidden(Http.get(realm.realmTokens(), fromAdminCli)); // admin-cli was left out of the list
        } finally {
            assertEquals(200, Http.putJson(settings, admin, Map.of("managementClients", List.of("account-console", "admin-cli"))).status());
        }
    }

    @Test
    void anUnknownClientIdIsA400NamingItAndChangesNothing() {
        String admin = TestRealm.masterAdminToken();
        String settings = realm.adminTokens() + "/settings";
        Http.Response r = Http.putJson(settings, admin, Map.of("managementClients", List.of("admin-cli", "no-such-client")));
        assertEquals(400, r.status(), r.describe());
        assertEquals("managementClients", r.json().get("field").asText());
        assertTrue(r.json().get("error_description").asText().contains("no-such-client"), r.describe());
        assertEquals(List.of("account-console", "admin-cli"), TokensApiIT.strings(Http.get(settings, admin).json().get("managementClients")));
    }

    private static void assertForbidden(Http.Response r) {
        assertEquals(403, r.status(), r.describe());
        assertEquals("forbidden", r.json().get("error").asText());
    }
}
