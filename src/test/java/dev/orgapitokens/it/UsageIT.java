package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.it.KeyLogin.Grant;
import dev.orgapitokens.it.Tokens.Token;
import dev.orgapitokens.key.ApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage (SPEC §10) over HTTP: exact counts after a known mix of key uses on both paths, the
 * window, retention, a restart, and the call's own refusals. The suite's server writes usage every
 * second and purges every two ({@link KeycloakServer#FAST_USAGE}), instead of every minute and hour.
 */
class UsageIT extends ServerTest {

    private static final List<String> REASONS = List.of("rate_limited", "address_not_allowed", "expired", "previous_key_expired", "exposed");
    private static TestRealm realm;

    @BeforeAll
    static void realm() {
        realm = newRealm("usage");
    }

    private static Http.Response usage(String doorUrl, String bearer, String id, String query) {
        return Http.get(doorUrl + "/" + id + "/usage" + (query == null ? "" : "?" + query), bearer);
    }

    /** The usage answer once it satisfies {@code done} (writes are batched), else the last answer fails the test. */
    private static JsonNode awaitUsage(TestRealm in, String id, String query, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Http.Response r;
        do {
            r = usage(in.adminTokens(), TestRealm.masterAdminToken(), id, query);
            assertEquals(200, r.status(), r.describe());
            if (done.test(r.json())) return r.json();
            sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("usage did not reach what the test expects: " + r.body());
    }

    /** The sums over the window's days: admitted, token, gateway and each refusal reason. */
    private static Map<String, Long> totals(JsonNode usage) {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (String k : List.of("admitted", "token", "gateway")) totals.put(k, 0L);
        REASONS.forEach(r -> totals.put(r, 0L));
        for (JsonNode day : usage.get("daily")) {
            totals.merge("admitted", day.get("admitted").asLong(), Long::sum);
            totals.merge("token", day.get("byPath").get("token").asLong(), Long::sum);
            totals.merge("gateway", day.get("byPath").get("gateway").asLong(), Long::sum);
            for (String reason : REASONS) totals.merge(reason, day.get("refused").get(reason).asLong(), Long::sum);
        }
        return totals;
    }

    private static Map<String, Long> expected(long token, long gateway, Map<String, Long> refused) {
        Map<String, Long> totals = new LinkedHashMap<>();
        totals.put("admitted", token + gateway);
        totals.put("token", token);
        totals.put("gateway", gateway);
        REASONS.forEach(r -> totals.put(r, refused.getOrDefault(r, 0L)));
        return totals;
    }

    private static JsonNode awaitTotals(TestRealm in, String id, Map<String, Long> expected) {
        return awaitUsage(in, id, null, u -> totals(u).equals(expected));
    }

    private static void gateway(TestRealm in, String key, int expectedStatus) {
        assertEquals(expectedStatus, Gateway.check(in, null, "Authorization", "Token " + key).status());
    }

    private static void self(TestRealm in, String key, int expectedStatus) {
        assertEquals(expectedStatus, Gateway.get(in.realmTokens() + "/self", "X-API-Key", key).status());
    }

    private static void login(Grant grant, TestRealm in, String key, int expectedStatus) {
        assertEquals(expectedStatus, grant.withForm(in, key).status());
    }

    @Test
    void aKnownMixOfUsesIsCountedExactlyOnBothPaths() {
        TestRealm mix = newRealm("usage-mix");
        String token = TestRealm.masterAdminToken();
        assertEquals(200, Http.putJson(mix.adminTokens() + "/settings", token, Map.of("loginRateLimitPerHour", 4)).status());

        Token good = Tokens.create(mix, "observer", List.of("*"), Map.of());
        for (int i = 0; i < 2; i++) login(Grant.KEY_GRANT, mix, good.key(), 200);
        login(Grant.PASSWORD, mix, good.key(), 200);
        self(mix, good.key(), 200);

        Token busy = Tokens.create(mix, "observer", List.of("*"), Map.of());
        login(Grant.KEY_GRANT, mix, busy.key(), 200);
        login(Grant.PASSWORD, mix, busy.key(), 200);
        gateway(mix, busy.key(), 200);
        gateway(mix, busy.key(), 200);
        login(Grant.KEY_GRANT, mix, busy.key(), 429);
        gateway(mix, busy.key(), 429);
        self(mix, busy.key(), 429);

        Token fenced = Tokens.create(mix, "observer", List.of("*"), Map.of("allowedCidrs", List.of("203.0.113.0/24")));
        login(Grant.KEY_GRANT, mix, fenced.key(), 401);
        login(Grant.PASSWORD, mix, fenced.key(), 401);
        gateway(mix, fenced.key(), 401);

        Token leaked = Tokens.create(mix, "observer", List.of("*"), Map.of());
        gateway(mix, leaked.key(), 200);
        assertEquals(200, Http.postForm(mix.realmTokens() + "/revoke", Map.of("api_key", leaked.key())).status());
        login(Grant.KEY_GRANT, mix, leaked.key(), 401);
        gateway(mix, leaked.key(), 401);

        Token expiring = Tokens.create(mix, "observer", List.of("*"), Map.of("expiresAt", System.currentTimeMillis() + 2500));
        login(Grant.KEY_GRANT, mix, expiring.key(), 200);
        Token rotated = Tokens.create(mix, "observer", List.of("*"), Map.of());
        Http.Response rotation = Http.postJson(mix.adminTokens() + "/" + rotated.id() + "/rotate", token, Map.of("previousKeyExpiresIn", 1));
        assertEquals(200, rotation.status(), rotation.describe());
        String newKey = rotation.json().get("key").asText();
        sleep(2600);
        login(Grant.KEY_GRANT, mix, expiring.key(), 401);
        login(Grant.PASSWORD, mix, expiring.key(), 401);
        self(mix, expiring.key(), 401);
        login(Grant.PASSWORD, mix, rotated.key(), 401);
        gateway(mix, rotated.key(), 401);
        login(Grant.KEY_GRANT, mix, newKey, 200);

        // keys no token has: well-formed ones, mistyped ones, another realm's
        Token elsewhere = Tokens.create(realm, "observer", List.of("*"), Map.of());
        for (String stranger : List.of(ApiKeys.generate(), ApiKeys.generate(), "oat_mistyped", elsewhere.key())) {
            login(Grant.KEY_GRANT, mix, stranger, 401);
            login(Grant.PASSWORD, mix, stranger, 401);
            gateway(mix, stranger, 401);
        }

        awaitTotals(mix, good.id(), expected(3, 1, Map.of()));
        awaitTotals(mix, busy.id(), expected(2, 2, Map.of("rate_limited", 3L)));
        awaitTotals(mix, fenced.id(), expected(0, 0, Map.of("address_not_allowed", 3L)));
        awaitTotals(mix, leaked.id(), expected(0, 1, Map.of("exposed", 2L)));
        awaitTotals(mix, expiring.id(), expected(1, 0, Map.of("expired", 3L)));
        JsonNode rotatedUsage = awaitTotals(mix, rotated.id(), expected(1, 0, Map.of("previous_key_expired", 2L)));
        assertEquals(0, totals(usage(realm.adminTokens(), token, elsewhere.id(), null).json()).get("admitted"), "another realm's key refused here counts nowhere");

        // one entry for today (UTC), its admitted the sum of its paths; the address of every use
        JsonNode day = rotatedUsage.get("daily").get(rotatedUsage.get("daily").size() - 1);
        assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), day.get("day").asText());
        assertEquals(rotated.id(), rotatedUsage.get("tokenId").asText());
        assertEquals(30, rotatedUsage.get("days").asInt());
        JsonNode addresses = rotatedUsage.get("recentAddresses");
        assertEquals(1, addresses.size(), addresses.toString());
        assertEquals("127.0.0.1", addresses.get(0).get("ip").asText());
        assertEquals(3, addresses.get(0).get("uses").asLong(), "refused uses come from an address too");
        assertTrue(addresses.get(0).get("lastSeenAt").asLong() > System.currentTimeMillis() - 120_000);

        // only the six tokens used have rows: unknown keys leave none
        String realmId = Http.get(mix.adminUrl(""), token).json().get("id").asText();
        assertEquals(6, Database.count("select count(*) from ORG_API_TOKEN_USAGE where REALM_ID = ?", realmId));
        assertEquals(6, Database.count("select count(*) from ORG_API_TOKEN_ADDRESS where REALM_ID = ?", realmId));
    }

    @Test
    void recentAddressesAreTheLastFiveDistinctNewestFirst() throws Exception {
        Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        Path header = Files.createTempFile(KeycloakServer.workDir(), "usage-key", ".txt");
        try {
            Files.writeString(header, "X-API-Key: " + token.key()); // curl reads it from the file: never on a command line
            List<String> sources = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.6");
            for (String source : sources) {
                assertEquals(200, selfFrom(source, header));
                sleep(20); // distinct last-seen times
            }
        } finally {
            Files.deleteIfExists(header);
        }
        // Written once a second: wait for the last use (127.0.0.6's second), not for a write in between.
        JsonNode usage = awaitUsage(realm, token.id(), null, u -> u.get("recentAddresses").size() == 5
                && u.get("recentAddresses").get(0).get("ip").asText().equals("127.0.0.6")
                && u.get("recentAddresses").get(0).get("uses").asLong() == 2);
        List<String> ips = new ArrayList<>();
        usage.get("recentAddresses").forEach(a -> ips.add(a.get("ip").asText()));
        assertEquals(List.of("127.0.0.6", "127.0.0.7", "127.0.0.5", "127.0.0.4", "127.0.0.3"), ips);
        assertEquals(2, usage.get("recentAddresses").get(0).get("uses").asLong());
        assertEquals(expected(0, 7, Map.of()), totals(usage));
    }

    private static int selfFrom(String source, Path headerFile) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", source, "-H", "@" + headerFile,
                KeycloakServer.server().url() + "/realms/" + realm.name + "/org-api-tokens/self").redirectErrorStream(true).start();
        String status = new String(curl.getInputStream().readAllBytes()).trim();
        if (!curl.waitFor(60, TimeUnit.SECONDS)) curl.destroyForcibly();
        return Integer.parseInt(status);
    }

    @Test
    void theWindowAndTheRetentionHold() {
        String admin = TestRealm.masterAdminToken();
        Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String realmId = Http.get(realm.adminUrl(""), admin).json().get("id").asText();
        long today = LocalDate.now(ZoneOffset.UTC).toEpochDay();
        for (long ago : List.of(100L, 40L, 29L, 2L)) insertDay(realmId, token.id(), (int) (today - ago), ago);
        login(Grant.KEY_GRANT, realm, token.key(), 200);

        // the 100-day-old row goes with the default retention (90 days)
        awaitRows(token.id(), 4);
        JsonNode month = awaitUsage(realm, token.id(), null, u -> u.get("daily").size() == 3);
        assertEquals(List.of(LocalDate.ofEpochDay(today - 29).toString(), LocalDate.ofEpochDay(today - 2).toString(),
                LocalDate.ofEpochDay(today).toString()), days(month), "days=30: today and the 29 before, oldest first");
        assertEquals(29, month.get("daily").get(0).get("admitted").asLong());
        assertEquals(29, month.get("daily").get(0).get("refused").get("exposed").asLong());
        assertEquals(4, days(awaitUsage(realm, token.id(), "days=90", u -> true)).size());
        assertEquals(List.of(LocalDate.ofEpochDay(today).toString()), days(awaitUsage(realm, token.id(), "days=1", u -> true)));
        assertEquals(2, days(awaitUsage(realm, token.id(), "days=3", u -> true)).size());

        // a shorter retention, set in the realm's policy
        Http.Response set = Http.putJson(realm.adminTokens() + "/settings", admin, Map.of("usageRetentionDays", 3));
        assertEquals(200, set.status(), set.describe());
        assertEquals(3, set.json().get("usageRetentionDays").asInt(), set.describe());
        awaitRows(token.id(), 2);
        assertEquals(2, days(awaitUsage(realm, token.id(), "days=90", u -> true)).size());
        for (Object bad : List.of(0, 3651, "3", 1.5)) {
            Http.Response refused = Http.putJson(realm.adminTokens() + "/settings", admin, Map.of("usageRetentionDays", bad));
            assertEquals(400, refused.status(), refused.describe());
            assertEquals("usageRetentionDays", refused.json().get("field").asText(), refused.describe());
        }
        Http.Response nulled = Http.putJson(realm.adminTokens() + "/settings", admin, java.util.Collections.singletonMap("usageRetentionDays", null));
        assertEquals(400, nulled.status(), "usage is never kept forever: " + nulled.describe());
        assertEquals(3, Http.get(realm.adminTokens() + "/settings", admin).json().get("usageRetentionDays").asInt(), "a refused change loses nothing");
        assertEquals(200, Http.putJson(realm.adminTokens() + "/settings", admin, Map.of("usageRetentionDays", 90)).status());
    }

    private static List<String> days(JsonNode usage) {
        List<String> days = new ArrayList<>();
        usage.get("daily").forEach(d -> days.add(d.get("day").asText()));
        return days;
    }

    private static void insertDay(String realmId, String tokenId, int epochDay, long n) {
        try (var c = Database.open(); var s = c.prepareStatement("insert into ORG_API_TOKEN_USAGE (TOKEN_ID, EPOCH_DAY, REALM_ID, ADMITTED_TOKEN,"
                + " ADMITTED_GATEWAY, RATE_LIMITED, ADDRESS_NOT_ALLOWED, EXPIRED, PREVIOUS_KEY_EXPIRED, EXPOSED) values (?, ?, ?, ?, 0, 0, 0, 0, 0, ?)")) {
            s.setString(1, tokenId);
            s.setInt(2, epochDay);
            s.setString(3, realmId);
            s.setLong(4, n);
            s.setLong(5, n);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitRows(String tokenId, long rows) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long found;
        do {
            found = Database.count("select count(*) from ORG_API_TOKEN_USAGE where TOKEN_ID = ?", tokenId);
            if (found == rows) return;
            sleep(300);
        } while (System.nanoTime() < deadline);
        assertEquals(rows, found, "usage rows of the token");
    }

    @Test
    void countsSurviveARestart() {
        Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        login(Grant.KEY_GRANT, realm, token.key(), 200);
        gateway(realm, token.key(), 200);
        awaitTotals(realm, token.id(), expected(1, 1, Map.of()));
        login(Grant.PASSWORD, realm, token.key(), 200);
        // written before the stop: the suite's H2 (AUTO_SERVER, so the tests can read it) closes itself at JVM exit,
        // racing Keycloak's last write at shutdown; CrashSafetyIT proves that write on a database opened as Keycloak opens it
        awaitTotals(realm, token.id(), expected(2, 1, Map.of()));
        KeycloakServer.server().restart();
        awaitTotals(realm, token.id(), expected(2, 1, Map.of()));
        login(Grant.KEY_GRANT, realm, token.key(), 200);
        awaitTotals(realm, token.id(), expected(3, 1, Map.of()));
    }

    @Test
    void aRealmThatTurnsCountingOffRecordsNothing() {
        TestRealm quiet = newRealm("usage-off");
        String admin = TestRealm.masterAdminToken();
        Http.Response off = Http.putJson(quiet.adminTokens() + "/settings", admin, Map.of("usageCounting", false));
        assertEquals(200, off.status(), off.describe());
        assertFalse(off.json().get("usageCounting").asBoolean(), off.describe());
        Token token = Tokens.create(quiet, "observer", List.of("*"), Map.of());
        login(Grant.KEY_GRANT, quiet, token.key(), 200);
        gateway(quiet, token.key(), 200);
        self(quiet, token.key(), 200);

        assertEquals(200, Http.putJson(quiet.adminTokens() + "/settings", admin, Map.of("usageCounting", true)).status());
        login(Grant.KEY_GRANT, quiet, token.key(), 200);
        // exact: the three uses made while counting was off are in no flush, not this one nor a later one
        JsonNode usage = awaitTotals(quiet, token.id(), expected(1, 0, Map.of()));
        assertEquals(1, usage.get("recentAddresses").get(0).get("uses").asLong(), usage.toString());
        sleep(2500); // two more flushes of the suite server (1 s)
        assertEquals(expected(1, 0, Map.of()), totals(usage(quiet.adminTokens(), admin, token.id(), null).json()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"days=0", "days=91", "days=-1", "days=abc", "days=1.5", "days="})
    void aWindowOutsideOneToNinetyDaysIsA400(String query) {
        String admin = TestRealm.masterAdminToken();
        Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        if (query.equals("days=")) {
            assertEquals(30, usage(realm.adminTokens(), admin, token.id(), query).json().get("days").asInt(), "an empty days is the default");
            return;
        }
        for (String door : List.of(realm.adminTokens(), realm.realmTokens())) {
            String bearer = door.equals(realm.adminTokens()) ? admin : superUser();
            Http.Response r = usage(door, bearer, token.id(), query);
            assertEquals(400, r.status(), r.describe());
            assertEquals("days", r.json().get("field").asText(), r.describe());
        }
    }

    private static String superUserName;

    /** A fresh access token of the realm's super-user (created once). */
    private static String superUser() {
        if (superUserName == null) {
            String name = Tokens.unique("su");
            String token = realm.userWithRoles(name, List.of("super-user"), List.of());
            superUserName = name;
            return token;
        }
        return TestRealm.password(realm.name, superUserName, "pw-" + superUserName);
    }

    @Test
    void bothDoorsAnswerAsGetDoes() {
        String admin = TestRealm.masterAdminToken();
        Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        assertEquals(200, usage(realm.adminTokens(), admin, token.id(), "days=1").status());
        Http.Response realmDoor = usage(realm.realmTokens(), superUser(), token.id(), "days=90");
        assertEquals(200, realmDoor.status(), realmDoor.describe());
        assertEquals(90, realmDoor.json().get("days").asInt());
        assertEquals("[]", realmDoor.json().get("daily").toString(), "a token never used has no days");
        assertEquals("[]", realmDoor.json().get("recentAddresses").toString());

        String viewer = realm.userWithRoles(Tokens.unique("viewer"), List.of(), List.of("view-api-tokens"));
        assertEquals(200, usage(realm.adminTokens(), viewer, token.id(), null).status(), "read rights suffice");
        String nobody = realm.userWithRoles(Tokens.unique("nobody"), List.of("observer"), List.of());
        assertEquals(403, usage(realm.adminTokens(), nobody, token.id(), null).status());
        assertEquals(403, usage(realm.realmTokens(), nobody, token.id(), null).status());
        assertEquals(401, usage(realm.realmTokens(), null, token.id(), null).status());

        TestRealm other = newRealm("usage-other");
        Token foreign = Tokens.create(other, "observer", List.of("*"), Map.of());
        for (String id : List.of("no-such-token", foreign.id())) {
            assertEquals(404, usage(realm.adminTokens(), admin, id, null).status(), id);
            assertEquals(404, usage(realm.realmTokens(), superUser(), id, null).status(), id);
        }
        assertEquals(204, Http.delete(realm.adminTokens() + "/" + token.id(), admin).status());
        assertEquals(404, usage(realm.adminTokens(), admin, token.id(), null).status(), "a deleted token");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
