package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
        Assumptions.assumeFalse(Boolean.getBoolean("skip.ui"), "built with -Dskip.ui: no admin console page to test");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assertTrue(Files.isExecutable(Path.of(chromium)),
                chromium + " is missing: install Debian's Chromium (apt-get install chromium), as .ci/run does");
        assertTrue(Files.isDirectory(THEME.resolve("node_modules/playwright-core")), "run the Maven build first: it installs themes/admin");

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

        Path log = Path.of(System.getProperty("test.work.dir", "target/it")).resolve("console-e2e.log");
        ProcessBuilder node = new ProcessBuilder("node", "e2e/console.e2e.mjs")
                .directory(THEME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        node.environment().putAll(Map.of(
                "BASE_URL", base, "REALM", realm.name, "CHROMIUM", chromium,
                "SCREENSHOT_DIR", Path.of("target/screenshots").toAbsolutePath().toString(),
                "ADMIN_USER", KeycloakServer.ADMIN_USER, "ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD,
                "VIEWER_USER", "viewer", "VIEWER_PASSWORD", "pw-viewer",
                "OTHER_USER", "other", "OTHER_PASSWORD", "pw-other"));
        node.environment().put("ORGANIZATION_NAME", "ORG-E2E");
        Process process = node.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) process.destroyForcibly();
        String output = Http.redact(Files.readString(log));
        System.out.println("console end-to-end test:\n" + output);
        assertTrue(finished, "the browser test finished within 8 minutes");
        assertEquals(0, process.exitValue(), "browser test failed:\n" + output);
        assertTrue(output.contains("12 passed, 0 failed"), output);
    }
}
