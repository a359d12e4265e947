package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.key.ApiKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.orgapitokens.it.KeyLogin.Grant;
import dev.orgapitokens.it.Tokens.Token;

/**
 * SPEC §5: logging in with a key, the gateway check and the leaked-key report, over HTTP. Every
 * login test is a row run for both grants (the key grant and the password form): one table, two columns.
 */
class KeyLoginIT extends ServerTest {

    static TestRealm realm;
    /** A resource server of the realm that introspects key tokens: named their audience the Keycloak way (docs/api.md "Audience"). */
    static final String API_CLIENT = "inventory-api";
    static final String API_SECRET = "inventory-secret";

    @BeforeAll
    static void setUp() {
        realm = newRealm("login");
        String admin = TestRealm.masterAdminToken();
        Http.Response api = Http.postJson(realm.adminUrl("/clients"), admin, Map.of("clientId", API_CLIENT, "publicClient", false,
                "secret", API_SECRET, "standardFlowEnabled", false, "serviceAccountsEnabled", true));
        assertEquals(201, api.status(), api.describe());
        String loginClient = Http.get(realm.adminUrl("/clients?clientId=org-api-tokens"), admin).json().get(0).get("id").asText();
        Http.Response audience = Http.postJson(realm.adminUrl("/clients/" + loginClient + "/protocol-mappers/models"), admin, Map.of(
                "name", "inventory-api audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", API_CLIENT, "access.token.claim", "true", "introspection.token.claim", "true")));
        assertEquals(201, audience.status(), audience.describe());
    }

    static boolean active(String accessToken) {
        return KeyLogin.introspect(realm, API_CLIENT, API_SECRET, accessToken).get("active").asBoolean();
    }

    static Token create(TestRealm realm, String role, List<String> sites, Map<String, Object> extra) {
        return Tokens.create(realm, role, sites, extra);
    }

    static Token create(String role, List<String> sites) {
        return Tokens.create(realm, role, sites, Map.of());
    }

    static void assertRefused(Http.Response r, String what) {
        assertEquals(401, r.status(), what + ": " + r.describe());
        assertEquals("invalid_grant", r.json().get("error").asText(), what);
        assertEquals("Invalid API key", r.json().get("error_description").asText(), what);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void aKeyInTheFormOrTheHeaderGivesAnAccessTokenWithTheTokensRoleSitesAndId(Grant grant) {
        Token token = create("network-admin", List.of("site-1", "site-2"));
        String serviceUserId = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + token.id()), TestRealm.masterAdminToken())
                .json().get(0).get("id").asText();
        for (Http.Response login : List.of(grant.withForm(realm, token.key()), grant.withHeader(realm, token.key()))) {
            assertEquals(200, login.status(), login.describe());
            assertFalse(login.json().has("refresh_token"), "no refresh token");
            JsonNode claims = KeyLogin.accessTokenClaims(login);
            assertEquals(serviceUserId, claims.get("sub").asText());
            assertEquals("api-token-" + token.id(), claims.get("preferred_username").asText());
            assertEquals(token.id(), claims.get("api_token_id").asText());
            assertEquals(List.of("site-1", "site-2"), TokensApiIT.strings(claims.get("sites")));
            List<String> roles = TokensApiIT.strings(claims.get("realm_access").get("roles"));
            assertTrue(roles.contains("network-admin"), "roles " + roles);
            assertFalse(roles.contains("super-user") || roles.contains("offline_access"), "only the token's role: " + roles);
            assertEquals("org-api-tokens", claims.get("azp").asText());
        }
        Token all = create("observer", List.of("*"));
        assertEquals(List.of("*"), TokensApiIT.strings(KeyLogin.accessTokenClaims(grant.withForm(realm, all.key())).get("sites")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void everyBadKeyGetsTheSame401(Grant grant) {
        Token live = create("observer", List.of("*"));
        String typo = live.key().substring(0, 10) + (live.key().charAt(10) == 'a' ? 'b' : 'a') + live.key().substring(11);
        assertRefused(grant.withForm(realm, ApiKeys.generate()), "unknown key");
        assertRefused(grant.withForm(realm, "oat_short"), "malformed key");
        assertRefused(grant.withForm(realm, typo), "checksum-broken key");
        assertRefused(grant.withForm(realm, "ghp_" + live.key().substring(4)), "other prefix");
        assertRefused(grant.withForm(realm, ""), "empty key");
        assertRefused(grant.withForm(realm, null), "no key");
        assertRefused(grant.withHeader(realm, typo), "checksum-broken key in the header");

        Token deleted = create("observer", List.of("*"));
        assertEquals(204, Http.delete(realm.adminTokens() + "/" + deleted.id(), TestRealm.masterAdminToken()).status());
        assertRefused(grant.withForm(realm, deleted.key()), "deleted");

        Token rotated = create("observer", List.of("*"));
        Http.Response rotation = Http.send("POST", realm.adminTokens() + "/" + rotated.id() + "/rotate", TestRealm.masterAdminToken(), null, null);
        assertRefused(grant.withForm(realm, rotated.key()), "rotated-out");
        assertEquals(200, grant.withForm(realm, rotation.json().get("key").asText()).status(), "the new key works");

        Token denied = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24", "2001:db8::/32")));
        assertRefused(grant.withForm(realm, denied.key()), "address not allowed");
        Token allowed = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24", "127.0.0.0/8", "::1/128")));
        assertEquals(200, grant.withForm(realm, allowed.key()).status(), "allowed address");

        assertEquals(200, grant.withForm(realm, live.key()).status(), "the live key still works after all that");
    }

    /**
     * SPEC §7, issue 22: an IPv4-mapped network admits exactly the IPv4 network it maps. The attack: a
     * token bound to {@code ::ffff:10.0.0.0/104} used from 127.0.0.1; and an admin's {@code /8} on a
     * mapped address, which used to admit every IPv4 client, is a 400 that changes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void aMappedNetworkAdmitsOnlyItsOwnIpv4Clients(Grant grant) {
        String admin = TestRealm.masterAdminToken();
        Token tenNet = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("::ffff:10.0.0.0/104")));
        assertRefused(grant.withForm(realm, tenNet.key()), "127.0.0.1 is outside ::ffff:10.0.0.0/104");
        assertEquals(401, gateway(realm, "Token " + tenNet.key(), null).status());
        Token loopback = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("::ffff:127.0.0.0/104")));
        assertEquals(200, grant.withForm(realm, loopback.key()).status(), "127.0.0.1 is inside ::ffff:127.0.0.0/104");

        Map<String, Object> wide = Tokens.body(Tokens.unique("mapped"), "observer", List.of("*"));
        wide.put("allowedCidrs", List.of("::ffff:10.0.0.0/8"));
        Http.Response created = Http.postJson(realm.adminTokens(), admin, wide);
        assertEquals(400, created.status(), created.describe());
        assertEquals("allowedCidrs", created.json().get("field").asText());
        Http.Response edited = Http.putJson(realm.adminTokens() + "/" + tenNet.id(), admin, Map.of("allowedCidrs", List.of("::ffff:0:0/8")));
        assertEquals(400, edited.status(), edited.describe());
        assertEquals("allowedCidrs", edited.json().get("field").asText());
        assertEquals(List.of("::ffff:10.0.0.0/104"), TokensApiIT.strings(Http.get(realm.adminTokens() + "/" + tenNet.id(), admin).json().get("allowedCidrs")),
                "the refused edit changed nothing");
        assertRefused(grant.withForm(realm, tenNet.key()), "still refused");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void anExpiredKeyIsRefused(Grant grant) throws InterruptedException {
        Token expiring = create(realm, "observer", List.of("*"), Map.of("expiresAt", System.currentTimeMillis() + 3000));
        assertEquals(200, grant.withForm(realm, expiring.key()).status());
        Thread.sleep(3500);
        assertRefused(grant.withForm(realm, expiring.key()), "expired");
        // moving the expiry brings it back
        Http.Response extended = Http.putJson(realm.adminTokens() + "/" + expiring.id(), TestRealm.masterAdminToken(),
                Map.of("expiresAt", System.currentTimeMillis() + 3_600_000));
        assertEquals(200, extended.status());
        assertEquals(200, grant.withForm(realm, expiring.key()).status());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void roleAndSiteChangesTakeEffectAtTheNextLogin(Grant grant) {
        Token token = create("observer", List.of("site-1"));
        assertTrue(TokensApiIT.strings(KeyLogin.accessTokenClaims(grant.withForm(realm, token.key())).get("realm_access").get("roles")).contains("observer"));
        Http.Response changed = Http.putJson(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken(),
                Map.of("role", "helpdesk", "sites", List.of("site-9")));
        assertEquals(200, changed.status());
        JsonNode claims = KeyLogin.accessTokenClaims(grant.withForm(realm, token.key()));
        List<String> roles = TokensApiIT.strings(claims.get("realm_access").get("roles"));
        assertTrue(roles.contains("helpdesk") && !roles.contains("observer"), "roles " + roles);
        assertEquals(List.of("site-9"), TokensApiIT.strings(claims.get("sites")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void aKeyOfOneRealmDoesNotWorkInAnother(Grant grant) {
        Token token = create("observer", List.of("*"));
        TestRealm other = newRealm("login-other");
        assertRefused(grant.withForm(other, token.key()), "key of another realm");
        assertEquals(401, gateway(other, "Token " + token.key(), null).status());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void fiftyConcurrentLoginsWithOneKeyAllSucceedAndLastUsedIsRecorded(Grant grant) throws Exception {
        Token token = create("observer", List.of("*"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> logins = new ArrayList<>();
            for (int i = 0; i < 50; i++) logins.add(() -> grant.withForm(realm, token.key()).status());
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(logins)) statuses.add(f.get());
            assertEquals(50, statuses.stream().filter(s -> s == 200).count(), "statuses " + statuses);
        } finally {
            pool.shutdownNow();
        }
        JsonNode read = null;
        for (int i = 0; i < 40; i++) {
            read = Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json();
            if (!read.get("lastUsedAt").isNull()) break;
            Thread.sleep(250);
        }
        assertFalse(read.get("lastUsedAt").isNull(), "lastUsedAt is recorded shortly after a login");
        assertTrue(Math.abs(read.get("lastUsedAt").asLong() - System.currentTimeMillis()) < 60_000);
        assertTrue(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "::1").contains(read.get("lastUsedIp").asText()), read.get("lastUsedIp").asText());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void lastUsedIsWrittenAtMostOncePerMinute(Grant grant) throws InterruptedException {
        Token token = create("observer", List.of("*"));
        assertEquals(200, grant.withForm(realm, token.key()).status());
        long first = awaitLastUsed(token.id());
        Thread.sleep(50);
        for (int i = 0; i < 3; i++) assertEquals(200, grant.withForm(realm, token.key()).status());
        assertEquals(200, gateway(realm, "Token " + token.key(), null).status());
        Thread.sleep(1500); // longer than the asynchronous write takes
        assertEquals(first, Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json().get("lastUsedAt").asLong(),
                "later uses within the minute write nothing");
    }

    private static long awaitLastUsed(String id) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            JsonNode read = Http.get(realm.adminTokens() + "/" + id, TestRealm.masterAdminToken()).json();
            if (!read.get("lastUsedAt").isNull()) return read.get("lastUsedAt").asLong();
            Thread.sleep(250);
        }
        throw new AssertionError("lastUsedAt was never written");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void keyLoginsKeepNoSessionRows(Grant grant) {
        Token token = create("observer", List.of("*"));
        for (int i = 0; i < 5; i++) assertEquals(200, grant.withForm(realm, token.key()).status());
        String userId = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + token.id()), TestRealm.masterAdminToken())
                .json().get(0).get("id").asText();
        assertEquals(0, Database.count("select count(*) from OFFLINE_USER_SESSION where USER_ID = ?", userId));
        assertEquals(0, Http.get(realm.adminUrl("/users/" + userId + "/sessions"), TestRealm.masterAdminToken()).json().size());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void bruteForceProtectionDoesNotLockServiceIdentitiesOut(Grant grant) {
        TestRealm guarded = newRealm("bruteforce");
        String admin = TestRealm.masterAdminToken();
        assertEquals(204, Http.putJson(guarded.adminUrl(""), admin, Map.of("bruteForceProtected", true, "failureFactor", 2,
                "permanentLockout", false, "maxFailureWaitSeconds", 900, "waitIncrementSeconds", 600)).status());
        Token token = create(guarded, "observer", List.of("*"), Map.of());
        Token denied = create(guarded, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        // an attacker guesses passwords for the identity, and hammers a key from a denied address
        for (int i = 0; i < 6; i++) {
            Http.postForm(KeyLogin.tokenEndpoint(guarded), Map.of("grant_type", "password", "client_id", "admin-cli",
                    "username", "api-token-" + token.id(), "password", "guess-" + i));
            assertRefused(grant.withForm(guarded, denied.key()), "denied address");
            assertRefused(grant.withForm(guarded, ApiKeys.generate()), "unknown key");
        }
        assertEquals(200, grant.withForm(guarded, token.key()).status(), "the key still logs in");
        assertEquals(200, Http.putJson(guarded.adminTokens() + "/" + denied.id(), admin, Map.of("allowedCidrs", List.of())).status());
        assertEquals(200, grant.withForm(guarded, denied.key()).status(), "failed attempts did not lock the identity");
    }

    @Test
    void serviceIdentitiesCannotLogInWithAPassword() {
        Token token = create("super-user", List.of("*"));
        String username = "api-token-" + token.id();
        for (String client : List.of("admin-cli", "org-api-tokens")) {
            Http.Response r = Http.postForm(KeyLogin.tokenEndpoint(realm), Map.of("grant_type", "password", "client_id", client,
                    "username", username, "password", "anything"));
            assertTrue(r.status() == 400 || r.status() == 401, client + ": " + r.describe());
            assertEquals("invalid_grant", r.json().get("error").asText());
            assertFalse(r.json().has("access_token"));
        }
    }

    /**
     * SPEC §7, issue 22: a service identity logs in with its key only. The attack: an administrator
     * sets a password on {@code api-token-<id>} and logs in as it by password grant (admin-cli) or in
     * the browser. Keycloak, to which the identity is a service account, stores no credential for it,
     * and its password grant refuses it as a service account before looking at any password; no access
     * token is issued. The identity has no verified e-mail an identity provider could match, and it
     * stays out of the Users list and search.
     */
    @Test
    void aServiceIdentityLogsInWithItsKeyOnlyAndStaysOutOfTheUsersList() throws Exception {
        String admin = TestRealm.masterAdminToken();
        Token token = create("super-user", List.of("*"));
        String username = "api-token-" + token.id();
        JsonNode identity = Http.get(realm.adminUrl("/users?exact=true&username=" + username), admin).json().get(0);
        assertFalse(identity.path("emailVerified").asBoolean(), "e-mail not verified: " + identity);
        assertTrue(identity.path("email").isMissingNode() || identity.path("email").isNull(), "no e-mail at all: " + identity);

        // Keycloak refuses credentials for a service account outright: neither way of setting a password takes
        String user = realm.adminUrl("/users/" + identity.get("id").asText());
        Http.Response reset = Http.putJson(user + "/reset-password", admin, Map.of("type", "password", "value", "second-way-in", "temporary", false));
        assertEquals(400, reset.status(), reset.describe());
        Http.Response update = Http.putJson(user, admin, Map.of("credentials", List.of(Map.of("type", "password", "value", "second-way-in"))));
        assertEquals(400, update.status(), update.describe());
        assertEquals(0, Http.get(user + "/credentials", admin).json().size(), "no credential was stored");
        for (String client : List.of("admin-cli", "org-api-tokens")) {
            Http.Response r = Http.postForm(KeyLogin.tokenEndpoint(realm), Map.of("grant_type", "password", "client_id", client,
                    "username", username, "password", "second-way-in"));
            assertTrue(r.status() == 400 || r.status() == 401, client + ": " + r.describe());
            assertEquals("invalid_grant", r.json().get("error").asText(), client);
            assertFalse(r.json().has("access_token"), client);
        }
        boolean refusedAsServiceAccount = false;
        for (JsonNode e : Http.get(realm.adminUrl("/events?type=LOGIN_ERROR&client=admin-cli&max=1000"), admin).json()) {
            refusedAsServiceAccount |= username.equals(e.path("details").path("username").asText())
                    && "User is a service account".equals(e.path("details").path("reason").asText());
        }
        assertTrue(refusedAsServiceAccount, "Keycloak refused the identity as a service account, whatever the password");
        assertFalse(BrowserLogin.succeeds(realm, username, "second-way-in"), "no browser login");
        realm.userWithRoles("bella", List.of(), List.of());
        assertTrue(BrowserLogin.succeeds(realm, "bella", "pw-bella"), "the same browser login works for a person");

        for (String list : List.of("/users?max=1000", "/users?search=api-token&max=1000", "/users?search=" + token.id() + "&max=1000",
                "/users?search=*api-token*&max=1000", "/users?briefRepresentation=true&max=1000")) {
            Http.Response users = Http.get(realm.adminUrl(list), admin);
            assertEquals(200, users.status(), users.describe());
            assertFalse(users.body().contains("api-token-"), list + " shows no service identity");
        }
        assertEquals(200, KeyLogin.withForm(realm, token.key()).status(), "the key logs in");
        assertEquals(200, Grant.PASSWORD.withForm(realm, token.key()).status(), "also by the password form");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void anAccessTokenFromAKeyCannotManageTokens(Grant grant) {
        Token token = create("super-user", List.of("*"));
        String accessToken = grant.withForm(realm, token.key()).json().get("access_token").asText();
        long before = Database.count("select count(*) from ORG_API_TOKEN");
        for (String url : List.of(realm.realmTokens(), realm.adminTokens())) {
            for (Http.Response r : List.of(Http.get(url, accessToken),
                    Http.postJson(url, accessToken, Map.of("name", "minted", "role", "super-user", "sites", List.of("*"))),
                    Http.send("POST", url + "/" + token.id() + "/rotate", accessToken, null, null))) {
                assertTrue(r.status() == 401 || r.status() == 403, url + " -> " + r.describe());
            }
        }
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "no key minted with a key");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void failedLoginsAreLoginEventsWithTheTokenIdAndNeverTheKey(Grant grant) {
        Token denied = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        assertRefused(grant.withForm(realm, denied.key()), "address not allowed");
        Token ok = create("observer", List.of("*"));
        assertEquals(200, grant.withForm(realm, ok.key()).status());

        JsonNode errors = Http.get(realm.adminUrl("/events?type=LOGIN_ERROR&max=1000"), TestRealm.masterAdminToken()).json();
        JsonNode failure = find(errors, denied.id());
        assertEquals("address_not_allowed", failure.get("details").get("reason").asText());
        assertEquals("invalid_user_credentials", failure.get("error").asText());
        JsonNode logins = Http.get(realm.adminUrl("/events?type=LOGIN&max=1000"), TestRealm.masterAdminToken()).json();
        assertEquals("org-api-tokens", find(logins, ok.id()).get("clientId").asText());
        String all = errors.toString() + logins;
        assertFalse(all.contains(denied.key().substring(4)) || all.contains(ok.key().substring(4)), "no key in login events");
    }

    private static JsonNode find(JsonNode events, String tokenId) {
        for (JsonNode e : events) {
            if (e.has("details") && tokenId.equals(e.get("details").path("api_token_id").asText())) return e;
        }
        throw new AssertionError("no event for token " + tokenId + " in " + Http.redact(events.toString()));
    }

    static Http.Response gateway(TestRealm realm, String authorization, String apiKeyHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(realm.realmTokens() + "/self")).GET();
        if (authorization != null) request.header("Authorization", authorization);
        if (apiKeyHeader != null) request.header("X-API-Key", apiKeyHeader);
        return Http.send(request.build());
    }

    @Test
    void gatewayCheckAnswersWithTheTokenOrTheSame401() {
        Token token = create("helpdesk", List.of("site-3"));
        for (Http.Response r : List.of(gateway(realm, "Token " + token.key(), null), gateway(realm, null, token.key()))) {
            assertEquals(200, r.status(), r.describe());
            assertEquals(token.id(), r.json().get("id").asText());
            assertEquals("helpdesk", r.json().get("role").asText());
            assertFalse(r.json().has("key"), "never the key");
        }
        Token denied = create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        List<Http.Response> refusals = List.of(gateway(realm, "Token " + ApiKeys.generate(), null), gateway(realm, "Token oat_x", null),
                gateway(realm, null, null), gateway(realm, "Bearer " + token.key(), null), gateway(realm, "Token " + denied.key(), null));
        for (Http.Response r : refusals) {
            assertEquals(401, r.status(), r.describe());
            assertEquals(refusals.get(0).body(), r.body(), "constant shape");
        }
        assertEquals("Invalid API key", refusals.get(0).json().get("error_description").asText());
    }

    /**
     * SPEC §5, issue 22: a key's finder asks {@code /self} who made the key and which addresses it
     * works from, to know what to forge. The answer says what the key is, never that.
     */
    @Test
    void selfTellsAKeyHolderWhatTheKeyIsButNotWhoMadeItNorWhereItWorks() throws InterruptedException {
        Token token = create(realm, "network-admin", List.of("site-1"), Map.of("allowedCidrs", List.of("127.0.0.0/8", "203.0.113.0/24"),
                "expiresAt", System.currentTimeMillis() + 3_600_000));
        assertEquals(200, gateway(realm, "Token " + token.key(), null).status());
        awaitLastUsed(token.id());
        JsonNode self = gateway(realm, "Token " + token.key(), null).json();
        for (String hidden : List.of("createdBy", "allowedCidrs", "lastUsedIp", "key")) {
            assertFalse(self.has(hidden), hidden + " is not shown to a key holder: " + Http.redact(self.toString()));
        }
        assertFalse(self.toString().contains("203.0.113") || self.toString().contains("127.0.0"), "no address at all");
        self.fields().forEachRemaining(f -> assertFalse(f.getValue().asText().equals(KeycloakServer.ADMIN_USER), "nor the creator: " + f.getKey()));
        assertEquals(token.id(), self.get("id").asText());
        assertEquals(token.json().get("name").asText(), self.get("name").asText());
        assertEquals("network-admin", self.get("role").asText());
        assertEquals(List.of("site-1"), TokensApiIT.strings(self.get("sites")));
        assertTrue(self.has("organizationId") && self.has("previousKeyHint") && self.has("previousKeyExpiresAt"));
        assertEquals(token.json().get("keyHint").asText(), self.get("keyHint").asText());
        assertEquals(token.json().get("expiresAt").asLong(), self.get("expiresAt").asLong());
        assertEquals(token.json().get("createdAt").asLong(), self.get("createdAt").asLong());
        assertFalse(self.get("lastUsedAt").isNull());
        assertTrue(self.has("updatedAt"));
        // the admin still sees everything
        JsonNode full = Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json();
        assertEquals(KeycloakServer.ADMIN_USER, full.get("createdBy").asText());
        assertEquals(2, full.get("allowedCidrs").size());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void aReportedKeyStopsWorkingUntilRotated(Grant grant) {
        Token token = create("observer", List.of("*"));
        Http.Response bogus = Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", ApiKeys.generate()));
        Http.Response garbage = Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", "hello"));
        Http.Response real = Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", token.key()));
        assertEquals(200, real.status(), real.describe());
        assertEquals(real.body(), bogus.body(), "the answer reveals nothing");
        assertEquals(real.body(), garbage.body());
        assertEquals(200, bogus.status());

        assertRefused(grant.withForm(realm, token.key()), "exposed");
        assertEquals(401, gateway(realm, "Token " + token.key(), null).status());
        JsonNode read = Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json();
        assertTrue(read.get("exposed").asBoolean());

        Http.Response rotated = Http.send("POST", realm.adminTokens() + "/" + token.id() + "/rotate", TestRealm.masterAdminToken(), null, null);
        assertFalse(rotated.json().get("exposed").asBoolean(), "rotation clears the exposed flag");
        String newKey = rotated.json().get("key").asText();
        assertNotEquals(token.key(), newKey);
        assertEquals(200, grant.withForm(realm, newKey).status());
    }

    /** SPEC §5 "Issued access tokens follow the token": each change, and whether tokens issued before it stay active. */
    enum Change {
        RENAME(true), ROLE(false), SITES(false), ROTATE(false), REPORT(false), DELETE(false),
        /** Issue 22: an expiry set (earlier than never), and CIDRs narrowed to the client's own address. */
        EXPIRY_EARLIER(false), CIDRS_NARROWED(false);

        final boolean issuedTokensStayActive;

        Change(boolean issuedTokensStayActive) {
            this.issuedTokensStayActive = issuedTokensStayActive;
        }

        /** Applies the change; returns the key that works afterwards (null: none). */
        String apply(Token token) {
            String admin = TestRealm.masterAdminToken();
            String url = realm.adminTokens() + "/" + token.id();
            Http.Response r = switch (this) {
                case RENAME -> Http.putJson(url, admin, Map.of("name", "renamed-" + token.id()));
                case ROLE -> Http.putJson(url, admin, Map.of("role", "helpdesk"));
                case SITES -> Http.putJson(url, admin, Map.of("sites", List.of("site-2")));
                case ROTATE -> Http.send("POST", url + "/rotate", admin, null, null);
                case REPORT -> Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", token.key()));
                case DELETE -> Http.delete(url, admin);
                case EXPIRY_EARLIER -> Http.putJson(url, admin, Map.of("expiresAt", System.currentTimeMillis() + 3_600_000));
                case CIDRS_NARROWED -> Http.putJson(url, admin, Map.of("allowedCidrs", List.of("127.0.0.0/8", "::1/128")));
            };
            assertTrue(r.status() == 200 || r.status() == 204, this + ": " + r.describe());
            return switch (this) {
                case ROTATE -> r.json().get("key").asText();
                case REPORT, DELETE -> null;
                default -> token.key();
            };
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> grantsAndChanges() {
        return java.util.Arrays.stream(Grant.values()).flatMap(g -> java.util.Arrays.stream(Change.values())
                .map(c -> org.junit.jupiter.params.provider.Arguments.of(g, c)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @org.junit.jupiter.params.provider.MethodSource("grantsAndChanges")
    void issuedAccessTokensFollowTheToken(Grant grant, Change change) {
        Token token = create("observer", List.of("site-1"));
        String issued = grant.accessToken(realm, token.key());
        assertTrue(active(issued), "a fresh key token introspects as active for the API in its audience");
        String workingKey = change.apply(token);
        assertEquals(change.issuedTokensStayActive, active(issued), "a token issued before " + change);
        if (workingKey != null) {
            assertTrue(active(grant.accessToken(realm, workingKey)), "a login right after " + change + " gives an active token");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void anAccessTokenNeverOutlivesItsApiToken(Grant grant) {
        long expiresAt = System.currentTimeMillis() + 90_000;
        Token token = create(realm, "observer", List.of("*"), Map.of("expiresAt", expiresAt));
        Http.Response login = grant.withForm(realm, token.key());
        long exp = KeyLogin.accessTokenClaims(login).get("exp").asLong();
        assertTrue(exp <= expiresAt / 1000, "exp " + exp + " is not after the token's expiry " + expiresAt / 1000);
        assertTrue(login.json().get("expires_in").asLong() <= 90, "expires_in follows: " + login.json().get("expires_in"));
    }

    @Test
    void theKeyGrantIsRefusedToClientsNotAllowedToUseIt() {
        Token token = create("observer", List.of("*"));
        Http.Response r = Http.postForm(KeyLogin.tokenEndpoint(realm), Map.of("grant_type", Grant.KEY_GRANT.grantType,
                "client_id", "admin-cli", "api_key", token.key()));
        assertEquals(400, r.status(), r.describe());
        assertEquals("unauthorized_client", r.json().get("error").asText());
        assertFalse(r.json().has("access_token"));
    }

    /**
     * SPEC §2 and issue 15: a service identity has no other way in. The attack: an administrator with
     * manage-users gives the identity a password (Keycloak refuses: it is a service account) or links
     * it to an identity provider to log in as it elsewhere; from then on its key is refused
     * everywhere, with a warning naming the token, until the link is removed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void aServiceIdentityThatGainedAnotherWayInIsRefused(Grant grant) {
        String admin = TestRealm.masterAdminToken();
        Token token = create("network-admin", List.of("*"));
        String identity = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + token.id()), admin).json().get(0).get("id").asText();
        assertEquals(200, grant.withForm(realm, token.key()).status());
        assertEquals(400, Http.putJson(realm.adminUrl("/users/" + identity + "/reset-password"), admin,
                Map.of("type", "password", "value", "second-way-in", "temporary", false)).status(), "no password for a service account");
        assertEquals(200, grant.withForm(realm, token.key()).status());

        String alias = "corp-" + token.id().substring(0, 6);
        Http.Response idp = Http.postJson(realm.adminUrl("/identity-provider/instances"), admin, Map.of("alias", alias,
                "providerId", "oidc", "enabled", true, "config", Map.of("authorizationUrl", "https://idp.example.test/auth",
                        "tokenUrl", "https://idp.example.test/token", "clientId", "kc", "clientSecret", "s", "clientAuthMethod", "client_secret_post")));
        assertEquals(201, idp.status(), idp.describe());
        Http.Response link = Http.postJson(realm.adminUrl("/users/" + identity + "/federated-identity/" + alias), admin,
                Map.of("identityProvider", alias, "userId", "external-" + token.id(), "userName", "external"));
        assertEquals(204, link.status(), link.describe());
        assertRefused(grant.withForm(realm, token.key()), "identity with an identity-provider link");
        assertEquals(401, gateway(realm, "Token " + token.key(), null).status());
        assertTrue(KeycloakServer.server().log().contains("API token " + token.id() + " of realm " + realm.name + " refused"),
                "a warning names the token");

        assertEquals(204, Http.delete(realm.adminUrl("/users/" + identity + "/federated-identity/" + alias), admin).status());
        assertEquals(200, grant.withForm(realm, token.key()).status(), "the key works again once the link is gone");
    }

    /**
     * SPEC §7, issue 22: an identity-provider link is no way in either. Keycloak's broker logs in a
     * user already linked to a provider without an authentication flow; the attack: an administrator
     * links a service identity to an account at another realm acting as an OIDC provider, and logs in
     * through it in the browser. The extension's required action refuses the login; the same login of
     * a linked person goes through.
     */
    @Test
    void aServiceIdentityLinkedToAnIdentityProviderCannotLogInThroughIt() throws Exception {
        String admin = TestRealm.masterAdminToken();
        TestRealm upstream = newRealm("idp-upstream");
        upstream.userWithRoles("ext", List.of(), List.of());
        upstream.userWithRoles("pat", List.of(), List.of());
        assertEquals(201, Http.postJson(upstream.adminUrl("/clients"), admin, Map.of("clientId", "downstream", "publicClient", false,
                "secret", "broker-secret", "standardFlowEnabled", true, "redirectUris", List.of("*"))).status());
        TestRealm linked = newRealm("idp-linked");
        String issuer = KeycloakServer.server().url() + "/realms/" + upstream.name + "/protocol/openid-connect";
        Http.Response idp = Http.postJson(linked.adminUrl("/identity-provider/instances"), admin, Map.of("alias", "upstream",
                "providerId", "oidc", "enabled", true, "config", Map.of("authorizationUrl", issuer + "/auth", "tokenUrl", issuer + "/token",
                        "clientId", "downstream", "clientSecret", "broker-secret", "clientAuthMethod", "client_secret_post",
                        "defaultScope", "openid", "validateSignature", "false", "syncMode", "IMPORT")));
        assertEquals(201, idp.status(), idp.describe());
        Token token = create(linked, "super-user", List.of("*"), Map.of());
        String identity = Http.get(linked.adminUrl("/users?exact=true&username=api-token-" + token.id()), admin).json().get(0).get("id").asText();
        linked.userWithRoles("petra", List.of(), List.of());
        String petra = Http.get(linked.adminUrl("/users?exact=true&username=petra"), admin).json().get(0).get("id").asText();
        for (String[] link : List.of(new String[] {identity, "ext"}, new String[] {petra, "pat"})) {
            String upstreamId = Http.get(upstream.adminUrl("/users?exact=true&username=" + link[1]), admin).json().get(0).get("id").asText();
            Http.Response made = Http.postJson(linked.adminUrl("/users/" + link[0] + "/federated-identity/upstream"), admin,
                    Map.of("identityProvider", "upstream", "userId", upstreamId, "userName", link[1]));
            assertEquals(204, made.status(), made.describe());
        }
        assertTrue(BrowserLogin.throughIdentityProvider(linked, "upstream", "pat", "pw-pat"), "a linked person logs in through the provider");
        assertFalse(BrowserLogin.throughIdentityProvider(linked, "upstream", "ext", "pw-ext"), "the linked service identity does not");
        assertRefused(KeyLogin.withForm(linked, token.key()), "and its key is refused while the link exists");
    }

    /** Issue 15: every accepted leak report is an admin event of the token, with the reporter's address and never the key. */
    /** A scanner or script that reports a leaked key as JSON is heard too; other bodies get the same answer and kill nothing. */
    @Test
    void aLeakReportAsJsonKillsTheKeyToo() {
        Token token = create("observer", List.of("*"));
        Token bystander = create("observer", List.of("*"));
        Http.Response notJson = Http.send("POST", realm.realmTokens() + "/revoke", null, "application/json", "api_key=" + bystander.key());
        Http.Response wrongField = Http.postJson(realm.realmTokens() + "/revoke", null, Map.of("key", bystander.key()));
        Http.Response json = Http.postJson(realm.realmTokens() + "/revoke", null, Map.of("api_key", token.key()));
        for (Http.Response r : List.of(notJson, wrongField, json)) {
            assertEquals(200, r.status(), r.describe());
            assertEquals(json.body(), r.body(), "the answer reveals nothing");
        }
        assertRefused(Grant.KEY_GRANT.withForm(realm, token.key()), "exposed");
        assertTrue(Http.get(realm.adminTokens() + "/" + token.id(), TestRealm.masterAdminToken()).json().get("exposed").asBoolean());
        assertEquals(200, Grant.KEY_GRANT.withForm(realm, bystander.key()).status(), "a body that names no api_key kills nothing");
    }

    @Test
    void aLeakReportIsAnAdminEventWithTheReportersAddress() {
        Token token = create("observer", List.of("*"));
        assertEquals(200, Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", token.key())).status());
        Http.Response events = Http.get(realm.adminUrl("/admin-events?resourcePath=" + Http.enc("org-api-tokens/" + token.id() + "/revoke")),
                TestRealm.masterAdminToken());
        assertEquals(200, events.status(), events.describe());
        assertEquals(1, events.json().size(), Http.redact(events.body()));
        JsonNode event = events.json().get(0);
        assertEquals("ACTION", event.get("operationType").asText());
        assertEquals("ORG_API_TOKEN", event.get("resourceType").asText());
        assertTrue(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "::1").contains(event.get("authDetails").get("ipAddress").asText()), event.toString());
        assertTrue(event.get("representation").asText().contains("\"exposed\":true"), "the token as it is now");
        assertFalse(event.toString().contains(token.key().substring(4)), "never the key");
        // a second report of the same key, and reports of bogus keys, record nothing more
        Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", token.key()));
        Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", ApiKeys.generate()));
        assertEquals(1, Http.get(realm.adminUrl("/admin-events?resourcePath=" + Http.enc("org-api-tokens/" + token.id() + "/revoke")),
                TestRealm.masterAdminToken()).json().size());
    }

    /**
     * Issue 14: the key grant honours Keycloak's client policies, of service-account token requests.
     * A realm whose policy accepts only confidential clients there refuses the (public) login client.
     */
    @Test
    void theKeyGrantHonoursClientPolicies() {
        TestRealm strict = newRealm("policies");
        String admin = TestRealm.masterAdminToken();
        Token token = create(strict, "observer", List.of("*"), Map.of());
        assertEquals(200, KeyLogin.withForm(strict, token.key()).status(), "no policy yet");

        Http.Response profiles = Http.putJson(strict.adminUrl("/client-policies/profiles"), admin, Map.of("profiles", List.of(Map.of(
                "name", "confidential-only", "executors", List.of(Map.of("executor", "confidential-client", "configuration", Map.of()))))));
        assertEquals(204, profiles.status(), profiles.describe());
        Http.Response policies = Http.putJson(strict.adminUrl("/client-policies/policies"), admin, Map.of("policies", List.of(Map.of(
                "name", "every-client", "enabled", true, "conditions", List.of(Map.of("condition", "any-client", "configuration", Map.of())),
                "profiles", List.of("confidential-only")))));
        assertEquals(204, policies.status(), policies.describe());

        Http.Response refused = KeyLogin.withForm(strict, token.key());
        assertEquals(400, refused.status(), refused.describe());
        assertEquals("invalid_client", refused.json().get("error").asText(), refused.describe());
        assertFalse(refused.json().has("access_token"));
    }
}
