package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.it.Tokens.Token;
import dev.orgapitokens.key.ApiKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §5 "Forward authentication for reverse proxies": {@code GET /authorize} as a proxy's
 * sub-request sees it, over HTTP: the headers of a good key, the one 401 of every bad key, 403 for
 * an unmet role or site, 429, the JWT of {@code jwt=true} and its reuse, and every token change
 * holding at the very next check.
 */
class GatewayIT extends ServerTest {

    static TestRealm realm;

    @BeforeAll
    static void setUp() {
        realm = newRealm("gateway");
    }

    static Token create(String role, List<String> sites) {
        return Tokens.create(realm, role, sites, Map.of());
    }

    static Http.Response check(String query, String key) {
        return Gateway.check(realm, query, "Authorization", "Token " + key);
    }

    static void assertUnauthorized(Http.Response r, String what) {
        assertEquals(401, r.status(), what + ": " + r.describe());
        assertEquals("Token realm=\"" + realm.name + "\"", r.header("WWW-Authenticate"), what);
        assertEquals("", r.body(), what + ": empty body");
        assertEquals("no-store", r.header("Cache-Control"), what);
        assertNull(r.header("X-Api-Token-Id"), what);
    }

    @Test
    void aGoodKeyInAnyOfItsThreePlacesGetsAnEmpty200WithTheTokensHeaders() {
        Token token = create("network-admin", List.of("site-1", "site-2"));
        List<Http.Response> answers = List.of(
                Gateway.check(realm, null, "Authorization", "Token " + token.key()),
                Gateway.check(realm, null, "Authorization", "Bearer " + token.key()),
                Gateway.check(realm, null, "X-API-Key", token.key()));
        for (Http.Response r : answers) {
            assertEquals(200, r.status(), r.describe());
            assertEquals("", r.body());
            assertEquals("no-store", r.header("Cache-Control"));
            assertEquals(token.id(), r.header("X-Api-Token-Id"));
            assertEquals("network-admin", r.header("X-Api-Token-Role"));
            assertEquals("site-1,site-2", r.header("X-Api-Token-Sites"));
            assertEquals("api-token-" + token.id(), r.header("X-Api-Token-Subject"));
            assertNull(r.header("X-Api-Token-Organization"), "a realm-wide token has no organization");
            assertNull(r.header("X-Access-Token"), "no JWT unless asked for");
        }
    }

    @Test
    void everyBadKeyGetsTheSameEmpty401WithWwwAuthenticate() {
        Token token = create("observer", List.of("*"));
        Token denied = Tokens.create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        String jwt = KeyLogin.Grant.KEY_GRANT.accessToken(realm, token.key());
        String mistyped = token.key().substring(0, 10) + (token.key().charAt(10) == 'a' ? 'b' : 'a') + token.key().substring(11);
        Map<String, Http.Response> refusals = new java.util.LinkedHashMap<>();
        refusals.put("no key", Gateway.check(realm, null));
        refusals.put("never issued", check(null, ApiKeys.generate()));
        refusals.put("mistyped", check(null, mistyped));
        refusals.put("garbage", check(null, "oat_x"));
        refusals.put("a JWT is not a key", Gateway.check(realm, null, "Authorization", "Bearer " + jwt));
        refusals.put("address not allowed", check(null, denied.key()));
        refusals.put("another realm's key", Gateway.check(newRealm("other"), null, "Authorization", "Token " + token.key()));
        refusals.forEach((what, r) -> {
            if (what.equals("another realm's key")) assertEquals(401, r.status(), r.describe());
            else assertUnauthorized(r, what);
        });
        Http.Response deleted = Http.delete(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken());
        assertEquals(204, deleted.status());
        assertUnauthorized(check(null, token.key()), "deleted");
    }

    @Test
    void rolesAndSitesAreRequiredByQueryOrHeaderAndEveryRequirementMustHold() {
        Token token = create("helpdesk", List.of("site-1", "site-2"));
        Token everywhere = create("observer", List.of("*"));
        assertEquals(200, check("role=helpdesk", token.key()).status());
        assertEquals(200, check("role=observer,helpdesk", token.key()).status(), "one of the roles");
        assertEquals(200, check("role=helpdesk&site=site-2", token.key()).status());
        assertEquals(200, check("site=site-99", everywhere.key()).status(), "[\"*\"] reaches every site");

        for (Http.Response r : List.of(check("role=network-admin,super-user", token.key()), check("site=site-3", token.key()),
                check("role=helpdesk&site=site-3", token.key()), check("role=super-user", everywhere.key()))) {
            assertEquals(403, r.status(), r.describe());
            assertEquals("", r.body());
            assertNull(r.header("X-Api-Token-Id"), "a 403 tells the proxy nothing about the token");
        }

        String key = "Token " + token.key();
        assertEquals(200, Gateway.check(realm, null, "Authorization", key, "X-Required-Role", "helpdesk", "X-Required-Site", "site-1").status());
        assertEquals(403, Gateway.check(realm, null, "Authorization", key, "X-Required-Role", "observer").status());
        assertEquals(403, Gateway.check(realm, null, "Authorization", key, "X-Required-Site", "site-3").status());
        assertEquals(403, Gateway.check(realm, "role=helpdesk", "Authorization", key, "X-Required-Role", "observer").status(),
                "a header cannot lift the location's query requirement, nor the reverse");
    }

    @Test
    void jwtTrueGivesTheAccessTokenAKeyLoginGivesSignedByTheRealmAndReusesIt() {
        Token token = create("network-admin", List.of("site-7"));
        Http.Response first = check("jwt=true", token.key());
        assertEquals(200, first.status(), first.describe());
        String jwt = first.header("X-Access-Token");
        assertNotNull(jwt);
        JsonNode claims = Gateway.verified(KeycloakServer.server().url(), realm.name, jwt);
        JsonNode login = KeyLogin.accessTokenClaims(KeyLogin.withForm(realm, token.key()));
        for (String claim : List.of("iss", "sub", "azp", "api_token_id", "sites", "realm_access", "preferred_username", "typ", "scope")) {
            assertEquals(login.get(claim), claims.get(claim), claim + " as in a key login's access token");
        }
        assertEquals(List.of("network-admin"), roles(claims));
        assertFalse(claims.has("sid"), "a transient session");
        assertEquals(jwt, check("jwt=true", token.key()).header("X-Access-Token"), "reused while valid");
        assertEquals(jwt, check("jwt=true&role=network-admin", token.key()).header("X-Access-Token"));

        long expiresAt = System.currentTimeMillis() + 120_000;
        assertEquals(200, Http.putJson(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken(), Map.of("expiresAt", expiresAt)).status());
        String capped = check("jwt=true", token.key()).header("X-Access-Token");
        assertTrue(Gateway.verified(KeycloakServer.server().url(), realm.name, capped).get("exp").asLong() <= expiresAt / 1000,
                "after the token's expiry moved earlier, the JWT handed out never outlives it");
    }

    /** A change to the token, and what the next check must see. */
    enum Change {
        ROLE, SITES, ROTATE, REPORT, DELETE, EXPIRY
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Change.class)
    void everyChangeHoldsAtTheNextCheckAndAReusedJwtIsNeverServedAfterIt(Change change) throws InterruptedException {
        Token token = create("observer", List.of("site-1"));
        String jwt = check("jwt=true", token.key()).header("X-Access-Token");
        assertEquals(jwt, check("jwt=true", token.key()).header("X-Access-Token"), "warm: the JWT is reused");
        String admin = TestRealm.masterAdminToken();
        String url = realm.adminTokens() + "/" + token.id();
        switch (change) {
            case ROLE -> assertEquals(200, Http.putJson(url, admin, Map.of("role", "helpdesk")).status());
            case SITES -> assertEquals(200, Http.putJson(url, admin, Map.of("sites", List.of("site-2"))).status());
            case ROTATE -> {
                Http.Response rotated = Http.send("POST", url + "/rotate", admin, null, null);
                assertEquals(200, rotated.status());
                Http.Response withNew = check("jwt=true", rotated.json().get("key").asText());
                assertEquals(200, withNew.status());
                assertNotEquals(jwt, withNew.header("X-Access-Token"), "the new key gets a JWT of its own");
            }
            case REPORT -> assertEquals(200, Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", token.key())).status());
            case DELETE -> assertEquals(204, Http.delete(url, admin).status());
            case EXPIRY -> {
                assertEquals(200, Http.putJson(url, admin, Map.of("expiresAt", System.currentTimeMillis() + 1500)).status());
                Thread.sleep(2000);
            }
        }
        Http.Response next = check("jwt=true", token.key());
        switch (change) {
            case ROLE, SITES -> {
                assertEquals(200, next.status(), next.describe());
                JsonNode claims = Gateway.verified(KeycloakServer.server().url(), realm.name, next.header("X-Access-Token"));
                assertNotEquals(jwt, next.header("X-Access-Token"), "a JWT minted before the change is not served after it");
                if (change == Change.ROLE) {
                    assertEquals("helpdesk", next.header("X-Api-Token-Role"));
                    assertEquals(List.of("helpdesk"), roles(claims));
                } else {
                    assertEquals("site-2", next.header("X-Api-Token-Sites"));
                    assertEquals("[\"site-2\"]", claims.get("sites").toString());
                }
                assertEquals(403, check("site=site-1&role=observer", token.key()).status(), "the old role and site no longer pass");
            }
            default -> assertUnauthorized(next, change.toString());
        }
    }

    @Test
    void aCheckCountsTowardTheRateLimitAndGets429WithRetryAfter() {
        TestRealm limited = newRealm("gw-limit");
        assertEquals(200, Http.putJson(limited.adminTokens() + "/settings", TestRealm.masterAdminToken(),
                Map.of("loginRateLimitPerHour", 3)).status());
        Token token = Tokens.create(limited, "observer", List.of("*"), Map.of());
        assertEquals(200, KeyLogin.withForm(limited, token.key()).status(), "a key login draws on the same allowance");
        assertEquals(200, Gateway.check(limited, null, "X-API-Key", token.key()).status());
        assertEquals(200, Gateway.check(limited, "jwt=true", "X-API-Key", token.key()).status());
        Http.Response over = Gateway.check(limited, null, "X-API-Key", token.key());
        assertEquals(429, over.status(), over.describe());
        assertEquals("", over.body());
        long retryAfter = Long.parseLong(over.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    @Test
    void aCheckUpdatesLastUsedAndIsALoginEventWithoutTheKey() throws InterruptedException {
        Token token = create("observer", List.of("*"));
        assertEquals(200, check("role=observer", token.key()).status());
        assertEquals(403, check("role=super-user", token.key()).status());
        assertEquals(401, check(null, ApiKeys.generate()).status());
        JsonNode read = null;
        for (int i = 0; i < 50; i++) { // written after the answer, in its own transaction
            read = Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json();
            if (!read.get("lastUsedAt").isNull()) break;
            Thread.sleep(100);
        }
        assertFalse(read.get("lastUsedAt").isNull(), "lastUsedAt is set by a gateway check");

        JsonNode events = Http.get(realm.adminUrl("/events?client=org-api-tokens&max=1000"), TestRealm.masterAdminToken()).json();
        List<String> seen = new ArrayList<>();
        for (JsonNode e : events) {
            if (!"authorize".equals(e.path("details").path("gateway").asText())) continue;
            String tokenId = e.path("details").path("api_token_id").asText(null);
            seen.add(e.get("type").asText() + " " + e.path("error").asText("") + " " + e.path("details").path("reason").asText("")
                    + (token.id().equals(tokenId) ? " (token)" : tokenId == null ? " (no token)" : " (other)"));
        }
        assertTrue(seen.contains("LOGIN   (token)"), seen.toString());
        assertTrue(seen.contains("LOGIN_ERROR not_allowed role_not_met (token)"), seen.toString());
        assertTrue(seen.contains("LOGIN_ERROR invalid_user_credentials unknown (no token)"), seen.toString());
    }

    @Test
    void anOrganizationsTokenNamesTheOrganizationsAlias() {
        TestRealm orgs = newRealm("gw-orgs");
        String admin = TestRealm.masterAdminToken();
        assertEquals(204, Http.putJson(orgs.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        Http.Response org = Http.postJson(orgs.adminUrl("/organizations"), admin,
                Map.of("name", "Acme", "alias", "acme", "domains", List.of(Map.of("name", "acme.example.test"))));
        assertEquals(201, org.status(), org.describe());
        Token token = Tokens.create(orgs, "observer", List.of("*"), Map.of("organizationId", TestRealm.lastSegment(org.header("Location"))));
        Http.Response r = Gateway.check(orgs, "jwt=true", "Authorization", "Token " + token.key());
        assertEquals(200, r.status(), r.describe());
        assertEquals("acme", r.header("X-Api-Token-Organization"));
        assertTrue(Gateway.verified(KeycloakServer.server().url(), orgs.name, r.header("X-Access-Token")).has("organization"),
                "the JWT carries the organization claim, as a key login's does");
    }

    @Test
    void envoyStyleChecksWithTheOriginalPathAppendedAreAnsweredToo() {
        Token token = create("observer", List.of("*"));
        Http.Response r = Gateway.get(Gateway.authorizeUrl(KeycloakServer.server().url(), realm.name, null) + "/api/v1/items?role=observer",
                "X-API-Key", token.key());
        assertEquals(200, r.status(), r.describe());
        assertEquals(token.id(), r.header("X-Api-Token-Id"));
        Http.Response post = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        Gateway.authorizeUrl(KeycloakServer.server().url(), realm.name, null) + "/api/v1/items?role=helpdesk"))
                .header("X-API-Key", token.key()).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"ignored\":true}")).build());
        assertEquals(403, post.status(), "the client's method is kept by Envoy, and answered alike: " + post.describe());
    }

    static List<String> roles(JsonNode claims) {
        List<String> roles = new ArrayList<>();
        claims.path("realm_access").path("roles").forEach(n -> roles.add(n.asText()));
        return roles;
    }

    /**
     * SPEC §5, issue 22: Keycloak's token endpoint refuses keys while the realm or the login client is
     * disabled; the attack is to use the gateway check and {@code /self} instead, and a JWT the check
     * kept for reuse. Every key use is refused, no JWT is handed out, and enabling again restores them.
     */
    @Test
    void aDisabledLoginClientOrRealmRefusesEveryKeyUse() {
        String admin = TestRealm.masterAdminToken();
        TestRealm closing = newRealm("gateway-disabled");
        Token token = Tokens.create(closing, "observer", List.of("*"), Map.of());
        Http.Response kept = Gateway.check(closing, "jwt=true", "Authorization", "Token " + token.key());
        assertEquals(200, kept.status(), kept.describe());
        assertNotNull(kept.header("X-Access-Token"), "a JWT is now kept for reuse");
        String client = Http.get(closing.adminUrl("/clients?clientId=org-api-tokens"), admin).json().get(0).get("id").asText();

        for (String off : List.of("client", "realm")) {
            Http.Response disabled = off.equals("client")
                    ? Http.putJson(closing.adminUrl("/clients/" + client), admin, Map.of("clientId", "org-api-tokens", "enabled", false))
                    : Http.putJson(closing.adminUrl(""), admin, Map.of("enabled", false));
            assertEquals(204, disabled.status(), off + ": " + disabled.describe());
            for (String query : new String[] {null, "jwt=true", "role=observer&jwt=true"}) {
                Http.Response r = Gateway.check(closing, query, "Authorization", "Token " + token.key());
                assertEquals(401, r.status(), off + " disabled, authorize?" + query + ": " + r.describe());
                assertNull(r.header("X-Access-Token"), "no kept JWT");
                assertNull(r.header("X-Api-Token-Id"));
            }
            assertEquals(401, KeyLoginIT.gateway(closing, "Token " + token.key(), null).status(), off + " disabled: /self");
            for (KeyLogin.Grant grant : KeyLogin.Grant.values()) {
                Http.Response login = grant.withForm(closing, token.key());
                // Keycloak's token endpoint answers a disabled client 401 and a disabled realm 403
                assertTrue(login.status() == 401 || login.status() == 403, off + " disabled, " + grant + ": " + login.describe());
                assertFalse(login.body().contains("access_token"), off + " disabled, " + grant);
            }
            Http.Response enabled = off.equals("client")
                    ? Http.putJson(closing.adminUrl("/clients/" + client), admin, Map.of("clientId", "org-api-tokens", "enabled", true))
                    : Http.putJson(closing.adminUrl(""), admin, Map.of("enabled", true));
            assertEquals(204, enabled.status(), enabled.describe());
            assertEquals(200, Gateway.check(closing, "jwt=true", "Authorization", "Token " + token.key()).status(), "enabled again");
            assertEquals(200, KeyLogin.withForm(closing, token.key()).status());
        }
    }
}
