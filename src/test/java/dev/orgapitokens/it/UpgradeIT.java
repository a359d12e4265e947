package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upgrade path: Keycloak starts with the first released JAR (releases/), which creates the
 * schema with the first released changelog and issues a key; then the operator drops in the
 * current JAR and restarts on the same database. The old token and key keep working.
 * Runs on its own copy of the distribution, on the database -Dkeycloak.db selects.
 */
@ExtendWith(OpenApi.Check.class)
class UpgradeIT {

    @Test
    void tokensFromTheFirstReleaseKeepWorkingAfterAnUpgrade() throws Exception {
        Path release = Path.of(KeycloakServer.required("release.jar"));
        Path current = Path.of(KeycloakServer.required("extension.jar"));
        assertTrue(Files.exists(release), "the first released JAR is kept in releases/");
        Path work = KeycloakServer.workDir().resolve("upgrade");

        try (KeycloakServer.DistributionServer server = KeycloakServer.DistributionServer.start(
                Path.of(KeycloakServer.required("keycloak.upgrade.home")), work, release)) {
            String base = server.url();
            OpenApi.otherRelease(base); // the first release answers as it did, not as docs/openapi.yaml says
            String admin = TestRealm.masterAdminToken(base);
            assertEquals(201, Http.postJson(base + "/admin/realms", admin, Map.of("realm", "upgrade", "enabled", true)).status());
            Tokens.Token created = Tokens.create(base + "/admin/realms/upgrade/org-api-tokens", admin,
                    Tokens.body("from-the-first-release", "network-admin", List.of("site-1")));
            String id = created.id();
            String key = created.key();
            // the first release has the password form only; the key grant came later
            assertEquals(200, KeyLogin.Grant.PASSWORD.withForm(base, "upgrade", key).status(), "the key works on the release it was issued by");
            assertTrue(loginClientScopes(base, admin).contains("roles"), "the first release gave the login client Keycloak's roles scope");

            server.replaceExtension(current);
            server.restart();

            OpenApi.thisRelease(base);
            base = server.url();
            OpenApi.thisRelease(base);
            admin = TestRealm.masterAdminToken(base);
            Http.Response read = Http.get(base + "/admin/realms/upgrade/org-api-tokens/" + id, admin);
            assertEquals(200, read.status(), read.describe());
            assertEquals("from-the-first-release", read.json().get("name").asText());
            assertEquals(created.json().get("keyHint"), read.json().get("keyHint"));
            assertEquals(200, KeyLogin.Grant.PASSWORD.withForm(base, "upgrade", key).status(), "the password form still works after the upgrade");
            // changeset 1.3 (issue 22): the first release's identity is a service account now, without its verified placeholder e-mail
            JsonNode identity = Http.get(base + "/admin/realms/upgrade/users?exact=true&username=api-token-" + id, admin).json().get(0);
            assertFalse(identity.path("emailVerified").asBoolean(), identity.toString());
            assertTrue(identity.path("email").isMissingNode() || identity.path("email").isNull(), identity.toString());
            assertFalse(Http.get(base + "/admin/realms/upgrade/users?max=100", admin).body().contains("api-token-"), "out of the Users list");
            Http.Response login = KeyLogin.withForm(base, "upgrade", key);
            assertEquals(200, login.status(), "the old key works with the key grant after the upgrade: " + login.describe());
            JsonNode claims = KeyLogin.claims(login.json().get("access_token").asText());
            assertEquals(id, claims.get("api_token_id").asText());
            assertEquals(List.of("network-admin"), TokensApiIT.strings(claims.get("realm_access").get("roles")));
            // the claims mapper writes the role and organization claims itself now: the login client loses
            // Keycloak's scopes for them at the first start (docs/operators.md "Upgrading")
            List<String> scopes = loginClientScopes(base, admin);
            assertFalse(scopes.contains("roles") || scopes.contains("organization"), "default scopes after the upgrade: " + scopes);
            Tokens.create(base + "/admin/realms/upgrade/org-api-tokens", admin, Tokens.body("after-the-upgrade", "observer", List.of("*")));
            assertFalse(server.log().contains(key.substring(4)), "no key in the server log");
        }
    }

    private static List<String> loginClientScopes(String base, String admin) {
        String client = Http.get(base + "/admin/realms/upgrade/clients?clientId=org-api-tokens", admin).json().get(0).get("id").asText();
        List<String> names = new java.util.ArrayList<>();
        Http.get(base + "/admin/realms/upgrade/clients/" + client + "/default-client-scopes", admin).json()
                .forEach(scope -> names.add(scope.get("name").asText()));
        return names;
    }
}
