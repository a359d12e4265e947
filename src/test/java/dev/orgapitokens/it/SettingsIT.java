package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The realm policy (SPEC §4 /settings): who may read and change it, and that each limit holds. */
class SettingsIT extends ServerTest {

    private static final long DAY = 86_400_000L;

    TestRealm realm;
    String admin;

    @BeforeEach
    void freshRealm() {
        realm = newRealm("policy");
        admin = TestRealm.masterAdminToken();
    }

    private String settings() {
        return realm.adminTokens() + "/settings";
    }

    private JsonNode put(Map<String, Object> body) {
        Http.Response r = Http.putJson(settings(), admin, body);
        assertEquals(200, r.status(), "PUT settings: " + r);
        return r.json();
    }

    private Http.Response create(String name, Long expiresAt) {
        Map<String, Object> body = Tokens.body(name, "observer", List.of("*"));
        if (expiresAt != null) body.put("expiresAt", expiresAt);
        return Http.postJson(realm.adminTokens(), admin, body);
    }

    /** A 400 invalid_request about {@code field}. */
    private static void assertInvalid(Http.Response r, String field) {
        assertEquals(400, r.status(), r.describe());
        assertEquals("invalid_request", r.json().get("error").asText(), r.describe());
        assertEquals(field, r.json().path("field").textValue(), "the field at fault: " + r.describe());
    }

    private static Map<String, Object> map(String field, Object value) {
        Map<String, Object> body = new HashMap<>();
        body.put(field, value);
        return body;
    }

    @Test
    void defaultsAreNoLifetimeLimitFiveThousandLoginsPerHourNoTokenLimitAndTheTwoManagementClients() {
        Http.Response r = Http.get(settings(), admin);
        assertEquals(200, r.status(), r.describe());
        assertEquals("{\"maxLifetimeDays\":null,\"loginRateLimitPerHour\":5000,\"maxTokens\":null,"
                + "\"managementClients\":[\"account-console\",\"admin-cli\"],"
                + "\"expiryNoticeDays\":[7,1],\"deleteUnusedAfterDays\":null,\"unusedNoticeDays\":7,\"noticeEmails\":[],\"usageRetentionDays\":90,\"usageCounting\":true}", r.body());
    }

    @Test
    void readersMayReadOnlyManagersMayWriteAndTheRealmDoorHasNoSettings() {
        String viewer = realm.userWithRoles("vic", List.of(), List.of("view-api-tokens"));
        String manager = realm.userWithRoles("max", List.of(), List.of("manage-api-tokens"));
        String superUser = realm.userWithRoles("sue", List.of("super-user"), List.of());

        assertEquals(200, Http.get(settings(), viewer).status());
        Http.Response refused = Http.putJson(settings(), viewer, Map.of("maxTokens", 5));
        assertEquals(403, refused.status(), refused.describe());
        assertEquals(401, Http.get(settings(), null).status());
        assertEquals(403, Http.get(settings(), superUser).status(), "super-users do not see the realm policy on the admin path");
        assertEquals(404, Http.get(realm.realmTokens() + "/settings", superUser).status(), "the realm door has no settings");

        assertEquals(5, Http.putJson(settings(), manager, Map.of("maxTokens", 5)).json().get("maxTokens").asInt());
        assertEquals(5, Http.get(settings(), viewer).json().get("maxTokens").asInt());
    }

    /** Three rows over HTTP: body, field at fault (null: the body as a whole), rule. Every bad settings body is in TokenInputTest. */
    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"maxTokens\": 0}", "maxTokens", "maxTokens must be a whole number from 1 to 1000000"),
                Arguments.of("{\"rateLimit\": 10}", "rateLimit", "Unknown field 'rateLimit'"),
                Arguments.of("{\"expiryNoticeDays\": [0]}", "expiryNoticeDays", "from 1 to 365"),
                Arguments.of("{\"deleteUnusedAfterDays\": 0}", "deleteUnusedAfterDays", "from 1 to 3650"),
                Arguments.of("{", null, "Malformed JSON"));
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @MethodSource("badBodies")
    void badBodiesAreRefusedWithTheirFieldAndChangeNothing(String body, String field, String description) {
        put(Map.of("maxTokens", 7));
        Http.Response r = Http.send("PUT", settings(), admin, "application/json", body);
        assertInvalid(r, field);
        assertTrue(r.json().get("error_description").asText().contains(description), r.describe());
        assertEquals("{\"maxLifetimeDays\":null,\"loginRateLimitPerHour\":5000,\"maxTokens\":7,\"managementClients\":[\"account-console\",\"admin-cli\"],"
                + "\"expiryNoticeDays\":[7,1],\"deleteUnusedAfterDays\":null,\"unusedNoticeDays\":7,\"noticeEmails\":[],\"usageRetentionDays\":90,\"usageCounting\":true}", Http.get(settings(), admin).body());
    }

    @Test
    void absentFieldsKeepTheirValueAndNullMeansNoLimit() {
        put(Map.of("maxLifetimeDays", 30, "maxTokens", 10));
        JsonNode changed = put(map("loginRateLimitPerHour", null));
        assertEquals(30, changed.get("maxLifetimeDays").asInt());
        assertEquals(10, changed.get("maxTokens").asInt());
        assertTrue(changed.get("loginRateLimitPerHour").isNull(), "null turns the login rate limit off, not back to the default");
        assertTrue(Http.get(settings(), admin).json().get("loginRateLimitPerHour").isNull());
    }

    @Test
    void aChangeIsAnAdminEventWithTheNewPolicy() {
        put(Map.of("maxLifetimeDays", 90));
        Http.Response events = Http.get(realm.adminUrl("/admin-events?resourcePath=org-api-tokens/settings"), admin);
        assertEquals(200, events.status());
        assertEquals(1, events.json().size(), events.body());
        JsonNode event = events.json().get(0);
        assertEquals("UPDATE", event.get("operationType").asText());
        assertEquals("ORG_API_TOKEN_SETTINGS", event.get("resourceType").asText());
        assertTrue(event.get("representation").asText().contains("\"maxLifetimeDays\":90"), event.toString());
    }

    @Test
    void maxLifetimeDaysRefusesTokensWithoutAnExpiryInsideIt() {
        String earlyId = Tokens.created(create("made-before-the-policy", null)).id();
        put(Map.of("maxLifetimeDays", 30));
        long now = System.currentTimeMillis();

        Http.Response noExpiry = create("no-expiry", null);
        assertInvalid(noExpiry, "expiresAt");
        assertTrue(noExpiry.json().get("error_description").asText().contains("expire within 30 days"), noExpiry.describe());
        assertInvalid(create("too-late", now + 31 * DAY), "expiresAt");
        assertEquals(201, create("in-time", now + 29 * DAY).status());
        assertEquals(1, Http.get(realm.adminTokens() + "?search=in-time", admin).json().size());
        assertEquals(0, Http.get(realm.adminTokens() + "?search=no-expiry", admin).json().size(), "a refused create stores nothing");

        // An edit must bring an older token inside the policy; the refused edit changes nothing.
        Http.Response rename = Http.putJson(realm.adminTokens() + "/" + earlyId, admin, Map.of("name", "renamed"));
        assertInvalid(rename, "expiresAt");
        assertEquals("made-before-the-policy", Http.get(realm.adminTokens() + "/" + earlyId, admin).json().get("name").asText());
        Http.Response fixed = Http.putJson(realm.adminTokens() + "/" + earlyId, admin, Map.of("name", "renamed", "expiresAt", now + 10 * DAY));
        assertEquals(200, fixed.status(), fixed.describe());

        put(map("maxLifetimeDays", null));
        assertEquals(201, create("no-expiry", null).status(), "no limit once the policy is lifted");
    }

    /**
     * SPEC §4: a rotation is a new lease, so it honours maxLifetimeDays. The attack: keeping a
     * never-expiring key alive past the policy by rotating a token made before it.
     */
    @Test
    void aRotationMustBringAnOlderTokenInsideTheLifetimePolicy() {
        Tokens.Token early = Tokens.created(create("rotated-after-the-policy", null));
        put(Map.of("maxLifetimeDays", 30));
        String rotate = realm.adminTokens() + "/" + early.id() + "/rotate";
        long now = System.currentTimeMillis();
        for (String body : List.of("", "{}", "{\"expiresAt\":" + (now + 31 * DAY) + "}")) {
            Http.Response refused = Http.send("POST", rotate, admin, "application/json", body);
            assertInvalid(refused, "expiresAt");
            assertFalse(refused.body().contains("oat_"), "a refused rotation issues no key");
        }
        assertEquals(early.json().get("keyHint"), Http.get(realm.adminTokens() + "/" + early.id(), admin).json().get("keyHint"), "the key is unchanged");
        assertEquals(200, KeyLogin.withForm(realm, early.key()).status(), "and still works");
        assertInvalid(Http.send("POST", rotate, admin, "application/json", "{\"colour\":1}"), "colour");

        Http.Response rotated = Http.send("POST", rotate, admin, "application/json", "{\"expiresAt\":" + (now + 10 * DAY) + "}");
        assertEquals(200, rotated.status(), rotated.describe());
        assertEquals(now + 10 * DAY, rotated.json().get("expiresAt").asLong());
        assertEquals(401, KeyLogin.withForm(realm, early.key()).status(), "the old key stopped");
        assertEquals(200, KeyLogin.withForm(realm, rotated.json().get("key").asText()).status());
    }

    @Test
    void maxTokensHoldsUnderConcurrentCreates() throws Exception {
        put(Map.of("maxTokens", 3));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "racer-" + i;
                results.add(pool.submit(() -> create(name, null)));
            }
            int created = 0;
            int refused = 0;
            for (Future<Http.Response> result : results) {
                Http.Response r = result.get();
                if (r.status() == 201) created++;
                if (r.status() == 409) {
                    refused++;
                    assertEquals("limit_reached", r.json().get("error").asText(), r.describe());
                }
            }
            assertEquals(3, created, "exactly the limit is created");
            assertEquals(5, refused);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, Http.get(realm.adminTokens(), admin).json().size());
        String anyId = Http.get(realm.adminTokens(), admin).json().get(0).get("id").asText();
        assertEquals(204, Http.delete(realm.adminTokens() + "/" + anyId, admin).status());
        assertEquals(201, create("after-a-delete", null).status(), "deleting a token frees its place");
    }

    @Test
    void overTheLoginRateLimitKeyLoginsAndGatewayChecksGet429WithRetryAfter() {
        put(Map.of("loginRateLimitPerHour", 3));
        Tokens.Token limited = Tokens.created(create("limited", null));
        Tokens.Token other = Tokens.created(create("other", null));
        String key = limited.key();

        for (int i = 0; i < 2; i++) assertEquals(200, KeyLogin.withForm(realm, key).status());
        assertEquals(200, Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(realm.realmTokens() + "/self"))
                .header("X-API-Key", key).GET().build()).status(), "a gateway check counts too");

        Http.Response over = KeyLogin.withForm(realm, key);
        assertEquals(429, over.status(), over.describe());
        long retryAfter = Long.parseLong(over.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After is when the hour's allowance renews: " + retryAfter);
        assertEquals("too_many_requests", over.json().get("error").asText());
        Http.Response gateway = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(realm.realmTokens() + "/self"))
                .header("Authorization", "Token " + key).GET().build());
        assertEquals(429, gateway.status(), gateway.describe());
        assertTrue(gateway.header("Retry-After") != null);

        assertEquals(200, KeyLogin.withForm(realm, other.key()).status(), "each token has its own allowance");
        assertEquals(401, KeyLogin.withForm(realm, key.substring(0, key.length() - 1) + "x").status(),
                "a bad key is still refused as a bad key");

        Http.Response events = Http.get(realm.adminUrl("/events?type=LOGIN_ERROR"), admin);
        assertTrue(events.body().contains("\"error\":\"slow_down\""), "a refused login is a login event: " + events.body());
        assertTrue(events.body().contains(limited.id()), "the event names the token");

        put(map("loginRateLimitPerHour", null));
        assertEquals(200, KeyLogin.withForm(realm, key).status(), "no limit once the policy is lifted");
        put(Map.of("loginRateLimitPerHour", 1000));
        assertEquals(200, KeyLogin.withForm(realm, key).status(), "a higher limit lets the key in again at once");
    }
}
