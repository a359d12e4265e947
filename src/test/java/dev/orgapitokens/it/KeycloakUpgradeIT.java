package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator upgrades Keycloak itself with the extension installed (SPEC §1): the oldest supported
 * line (26.4.7) runs the current JAR on PostgreSQL and issues keys (a plain token, one rotated with a
 * grace period that outlasts the upgrade, one rotated with a short grace that ends around it, and
 * an organization's token); then the same database is started with the line under test
 * ({@code keycloak.version}). Every key still logs in by the key grant and passes the gateway check,
 * and each grace period ends when its token said, not when the new server came up.
 */
@ExtendWith(OpenApi.Check.class)
class KeycloakUpgradeIT {

    private static final String REALM = "lines";
    /** Long enough to outlast a Keycloak upgrade on a slow machine; short enough to wait out in a test. */
    private static final int SHORT_GRACE_SECONDS = 150;

    record Issued(String name, String id, String key, String oldKey, long oldKeyEndsAt) {
    }

    @Test
    void keysIssuedOnTheOldestLineWorkAfterKeycloakIsUpgraded() throws Exception {
        if (!TestDatabase.kind().equals("postgres")) {
            String message = "SKIPPED KeycloakUpgradeIT: the Keycloak upgrade runs on the PostgreSQL leg only (-Dkeycloak.db=postgres), not on "
                    + TestDatabase.kind() + ": the embedded H2 of one line is not a supported database for another";
            System.out.println(message);
            Assumptions.abort(message);
        }
        String from = KeycloakServer.required("keycloak.from.version");
        Path work = KeycloakServer.workDir().resolve("keycloak-upgrade");
        Path jar = Path.of(KeycloakServer.required("extension.jar"));
        TestDatabase database = TestDatabase.create(work);
        try {
            Issued plain;
            Issued longGrace;
            Issued shortGrace;
            Issued organizations;
            try (KeycloakServer.DistributionServer old = KeycloakServer.DistributionServer
                    .in(Path.of(KeycloakServer.required("keycloak.from.home")), work).extension(jar).database(database).name("from").start()) {
                String base = old.url();
                String admin = TestRealm.masterAdminToken(base);
                assertEquals(201, Http.postJson(base + "/admin/realms", admin,
                        Map.of("realm", REALM, "enabled", true, "organizationsEnabled", true)).status());
                String tokens = base + "/admin/realms/" + REALM + "/org-api-tokens";
                plain = issued(Tokens.create(tokens, admin, Tokens.body("plain", "network-admin", List.of("site-1"))));
                longGrace = rotated(base, admin, Tokens.create(tokens, admin, Tokens.body("long-grace", "observer", List.of("*"))), 3600);
                shortGrace = rotated(base, admin, Tokens.create(tokens, admin, Tokens.body("short-grace", "helpdesk", List.of("*"))),
                        SHORT_GRACE_SECONDS);
                Http.Response org = Http.postJson(base + "/admin/realms/" + REALM + "/organizations", admin,
                        Map.of("name", "Acme", "alias", "acme", "domains", List.of(Map.of("name", "acme.example.test"))));
                assertEquals(201, org.status(), org.describe());
                Map<String, Object> orgBody = Tokens.body("acme-script", "observer", List.of("*"));
                orgBody.put("organizationId", TestRealm.lastSegment(org.header("Location")));
                organizations = issued(Tokens.create(tokens, admin, orgBody));
                for (Issued token : List.of(plain, longGrace, shortGrace, organizations)) {
                    assertAdmitted(base, token.name(), token.id(), token.key(), from);
                }
                assertAdmitted(base, "long-grace (old key)", longGrace.id(), longGrace.oldKey(), from);
            }

            try (KeycloakServer.DistributionServer upgraded = KeycloakServer.DistributionServer
                    .in(Path.of(KeycloakServer.required("keycloak.upgrade.home")), work).extension(jar).database(database).name("to").start()) {
                String base = upgraded.url();
                String to = KeycloakServer.required("keycloak.version");
                for (Issued token : List.of(plain, longGrace, shortGrace, organizations)) {
                    assertAdmitted(base, token.name(), token.id(), token.key(), to);
                }
                JsonNode read = Http.get(base + "/admin/realms/" + REALM + "/org-api-tokens/" + longGrace.id(),
                        TestRealm.masterAdminToken(base)).json();
                assertEquals(longGrace.oldKeyEndsAt(), read.get("previousKeyExpiresAt").asLong(), "the grace period is the one set before the upgrade");
                assertAdmitted(base, "long-grace (old key)", longGrace.id(), longGrace.oldKey(), to);

                // The short grace: still running when the upgraded server answers (then it must work until
                // its end, and stop right after), or already over (then the old key must be refused).
                long untilEnd = shortGrace.oldKeyEndsAt() - System.currentTimeMillis();
                if (untilEnd > 3000) {
                    assertAdmitted(base, "short-grace (old key, before its end)", shortGrace.id(), shortGrace.oldKey(), to);
                    Thread.sleep(shortGrace.oldKeyEndsAt() - System.currentTimeMillis() + 1500);
                } else if (untilEnd > 0) {
                    Thread.sleep(untilEnd + 1500);
                }
                assertEquals(401, KeyLogin.withForm(base, REALM, shortGrace.oldKey()).status(), "the old key stops when its grace period ends");
                assertEquals(401, gateway(base, shortGrace.oldKey()).status(), "the gateway refuses it too");
                assertAdmitted(base, "short-grace (new key)", shortGrace.id(), shortGrace.key(), to);
                assertFalse(upgraded.log().contains(plain.key().substring(4)), "no key in the server log");
            }
        } finally {
            database.drop();
        }
    }

    private static Issued issued(Tokens.Token token) {
        return new Issued(token.json().get("name").asText(), token.id(), token.key(), null, 0);
    }

    private static Issued rotated(String base, String admin, Tokens.Token token, int graceSeconds) {
        Http.Response r = Http.send("POST", base + "/admin/realms/" + REALM + "/org-api-tokens/" + token.id() + "/rotate", admin,
                "application/json", "{\"previousKeyExpiresIn\": " + graceSeconds + "}");
        assertEquals(200, r.status(), r.describe());
        String newKey = r.json().get("key").asText();
        Http.remember(newKey);
        return new Issued(token.json().get("name").asText(), token.id(), newKey, token.key(), r.json().get("previousKeyExpiresAt").asLong());
    }

    private static Http.Response gateway(String base, String key) {
        return Gateway.get(Gateway.authorizeUrl(base, REALM, ""), "Authorization", "Token " + key);
    }

    private static void assertAdmitted(String base, String what, String id, String key, String version) {
        Http.Response login = KeyLogin.withForm(base, REALM, key);
        assertEquals(200, login.status(), what + " logs in on Keycloak " + version + ": " + login.describe());
        assertEquals(id, KeyLogin.claims(login.json().get("access_token").asText()).get("api_token_id").asText());
        Http.Response check = gateway(base, key);
        assertEquals(200, check.status(), what + " passes /authorize on Keycloak " + version);
        assertEquals(id, check.header("X-Api-Token-Id"));
        assertTrue(login.json().get("refresh_token") == null, "no refresh token on Keycloak " + version);
    }
}
