package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin console page, end to end in headless Chromium (themes/admin/e2e/console.e2e.mjs,
 * driven by playwright-core): create, read the key once, log in with it, edit, a validation error,
 * rotate, delete, an organization's token and the organization filter, a view-only admin and an
 * admin without rights. Screenshots: target/screenshots/.
 */
class ConsoleIT extends ServerTest {

    static final Path THEME = Path.of("themes/admin");

    @Test
    void theApiTokensPageWorksEndToEnd() throws Exception {
        BrowserTest.chromium(THEME);
        TestRealm realm = newRealm("console");
        String admin = TestRealm.masterAdminToken();
        String base = KeycloakServer.server().url();
        // The master console (used by master admins) and the realm's own console both use the page's theme.
        for (String r : List.of("master", realm.name)) {
            Http.Response themed = Http.putJson(base + "/admin/realms/" + r, admin, Map.of("adminTheme", "org-api-tokens"));
            assertEquals(204, themed.status(), themed.describe());
        }
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        Http.Response org = Http.postJson(realm.adminUrl("/organizations"), admin,
                Map.of("name", "ORG-E2E", "alias", "org-e2e", "domains", List.of(Map.of("name", "org-e2e.example.test"))));
        assertEquals(201, org.status(), org.describe());
        realm.userWithRoles("viewer", List.of(), List.of("view-realm"));
        realm.userWithRoles("other", List.of(), List.of("view-users"));
        assertEquals(201, Http.postJson(realm.adminTokens(), admin, Map.of("name", "seen-by-viewer", "role", "observer", "sites", List.of("*"))).status());

        BrowserTest.run(THEME, "e2e/console.e2e.mjs", Map.of(
                "REALM", realm.name, "ADMIN_USER", KeycloakServer.ADMIN_USER, "ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD,
                "VIEWER_USER", "viewer", "VIEWER_PASSWORD", "pw-viewer",
                "OTHER_USER", "other", "OTHER_PASSWORD", "pw-other", "ORGANIZATION_NAME", "ORG-E2E"), 13);
    }
}
