package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The account console's API tokens page (SPEC §5 "Self-service"), end to end in headless Chromium
 * (themes/account/e2e/account.e2e.mjs, driven by playwright-core): an organization's super-user
 * creates a token, reads the key once, logs in with it (role and organization claim), edits,
 * rotates and deletes it; another organization's super-user sees none of it; a super-user of two
 * organizations picks one; an observer gets no page. Screenshots: target/screenshots/account-*.
 */
class AccountConsoleIT extends ServerTest {

    static final Path THEME = Path.of("themes/account");

    @Test
    void aSuperUserManagesTheOrganizationsTokensInTheAccountConsole() throws Exception {
        BrowserTest.chromium(THEME);
        TestRealm realm = newRealm("account");
        String admin = TestRealm.masterAdminToken();
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("accountTheme", "org-api-tokens", "organizationsEnabled", true)).status());
        String orgA = organization(realm, admin, "ORG-A", "org-a");
        String orgB = organization(realm, admin, "ORG-B", "org-b");
        String orgC = organization(realm, admin, "ORG-C", "org-c");
        realm.userWithRoles("alice", List.of("super-user"), List.of());
        realm.userWithRoles("bob", List.of("super-user"), List.of());
        realm.userWithRoles("dana", List.of("super-user"), List.of());
        realm.userWithRoles("olga", List.of("observer"), List.of());
        member(realm, admin, orgA, "alice");
        member(realm, admin, orgB, "bob");
        member(realm, admin, orgA, "dana");
        member(realm, admin, orgC, "dana");
        member(realm, admin, orgA, "olga");
        for (String[] token : new String[][] {{"seen-by-org-a", orgA}, {"seen-in-org-b", orgB}}) {
            Http.Response created = Http.postJson(realm.adminTokens(), admin,
                    Map.of("name", token[0], "role", "observer", "sites", List.of("*"), "organizationId", token[1]));
            assertEquals(201, created.status(), created.describe());
        }

        Map<String, String> environment = new HashMap<>(Map.of(
                "REALM", realm.name, "ORG_A_NAME", "ORG-A", "ORG_A_ALIAS", "org-a", "ORG_C_NAME", "ORG-C"));
        environment.putAll(Map.of(
                "SUPER_A_USER", "alice", "SUPER_A_PASSWORD", "pw-alice",
                "SUPER_B_USER", "bob", "SUPER_B_PASSWORD", "pw-bob",
                "SUPER_AC_USER", "dana", "SUPER_AC_PASSWORD", "pw-dana",
                "OBSERVER_USER", "olga", "OBSERVER_PASSWORD", "pw-olga"));
        BrowserTest.run(THEME, "e2e/account.e2e.mjs", environment, 12);
    }

    private static String organization(TestRealm realm, String admin, String name, String alias) {
        Http.Response r = Http.postJson(realm.adminUrl("/organizations"), admin,
                Map.of("name", name, "alias", alias, "domains", List.of(Map.of("name", alias + ".example.test"))));
        assertEquals(201, r.status(), r.describe());
        return TestRealm.lastSegment(r.header("Location"));
    }

    private static void member(TestRealm realm, String admin, String organizationId, String username) {
        String userId = Http.get(realm.adminUrl("/users?exact=true&username=" + username), admin).json().get(0).get("id").asText();
        Http.Response r = Http.postJson(realm.adminUrl("/organizations/" + organizationId + "/members"), admin, "\"" + userId + "\"");
        assertEquals(201, r.status(), r.describe());
    }
}
