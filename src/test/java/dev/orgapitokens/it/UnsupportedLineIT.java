package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JAR never stops Keycloak from starting (SPEC §1): a line older than the supported ones
 * (26.0.7) starts with it installed and serves everything of its own; the extension logs one ERROR
 * naming the supported lines, and its realm door answers 503 with that message.
 */
@ExtendWith(OpenApi.Check.class)
class UnsupportedLineIT {

    @Test
    void anOlderKeycloakStartsAndServesWithTheJarInstalled() {
        if (!TestDatabase.kind().equals("dev-file")) {
            String message = "SKIPPED UnsupportedLineIT: it does not depend on the database and runs on the embedded-database leg only";
            System.out.println(message);
            Assumptions.abort(message);
        }
        Path work = KeycloakServer.workDir().resolve("unsupported-line");
        try (KeycloakServer.DistributionServer server = KeycloakServer.DistributionServer.start(
                Path.of(KeycloakServer.required("keycloak.unsupported.home")), work, Path.of(KeycloakServer.required("extension.jar")))) {
            String base = server.url();
            assertEquals(200, Http.get(base + "/realms/master", null).status(), "Keycloak's own realm endpoint answers");
            String admin = TestRealm.masterAdminToken(base);
            Http.Response realm = Http.get(base + "/admin/realms/master", admin);
            assertEquals(200, realm.status(), "Keycloak's admin API answers: " + realm.describe());
            assertEquals(200, Http.get(base + "/admin/realms/master/users?max=1", admin).status());

            for (String path : new String[] {"/realms/master/org-api-tokens/authorize", "/realms/master/org-api-tokens/self",
                    "/realms/master/org-api-tokens/openapi.json"}) {
                Http.Response ours = Http.get(base + path, null);
                assertEquals(503, ours.status(), path + ": " + ours.describe());
                assertEquals("unsupported_keycloak_version", ours.json().get("error").asText());
                assertTrue(ours.json().get("error_description").asText().contains("26.4.x, 26.5.x, 26.6.x and 26.7.x"), ours.describe());
            }
            Http.Response key = Http.send("POST", base + "/realms/master/protocol/openid-connect/token", null,
                    "application/x-www-form-urlencoded", "grant_type=urn:org-api-tokens:grant-type:api-key&client_id=org-api-tokens&api_key=x");
            assertTrue(key.status() >= 400 && key.status() < 500, "no key login on an unsupported line: " + key.describe());

            String log = server.log();
            Matcher errors = Pattern.compile("(?m)^\\S+ \\S+ ERROR .*$").matcher(log);
            int count = 0;
            while (errors.find()) {
                count++;
                assertTrue(errors.group().contains("org-api-tokens supports Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x"),
                        "the only ERROR is ours, naming the supported lines: " + errors.group());
            }
            assertEquals(1, count, "exactly one ERROR in the log");
            assertFalse(log.contains("Exception"), "no stack trace at boot");
        }
    }
}
