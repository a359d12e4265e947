package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.it.KeyLogin.Grant;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §3, §4, §5, §7: a rotation with a grace period. The old key keeps working until
 * previousKeyExpiresAt, with the same claims and an exp no later than that; at most two keys work
 * at any time; delete, expiry and a leak report of either key end both.
 */
class RotationGraceIT extends ServerTest {

    static TestRealm realm;
    static String admin;

    @BeforeAll
    static void setUp() {
        realm = newRealm("grace");
        admin = TestRealm.masterAdminToken();
    }

    static Http.Response rotate(Tokens.Token token, String body) {
        return Http.send("POST", realm.adminTokens() + "/" + token.id() + "/rotate", admin, "application/json", body);
    }

    static JsonNode read(Tokens.Token token) {
        return Http.get(realm.adminTokens() + "/" + token.id(), admin).json();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Grant.class)
    void theOldKeyKeepsWorkingForTheGracePeriodWithTheSameClaims(Grant grant) {
        Tokens.Token token = Tokens.create(realm, "network-admin", List.of("site-1"), Map.of());
        long before = System.currentTimeMillis();
        Http.Response rotated = rotate(token, "{\"previousKeyExpiresIn\": 3600}");
        assertEquals(200, rotated.status(), rotated.describe());
        String newKey = rotated.json().get("key").asText();
        assertEquals(token.json().get("keyHint"), rotated.json().get("previousKeyHint"), "the old key's hint");
        long until = rotated.json().get("previousKeyExpiresAt").asLong();
        assertTrue(until >= before + 3_600_000 && until <= System.currentTimeMillis() + 3_600_000, "an hour from the rotation: " + until);
        assertEquals(until, read(token).get("previousKeyExpiresAt").asLong(), "GET shows it while the old key works");
        Http.Response putBack = Http.putJson(realm.adminTokens() + "/" + token.id(), admin, read(token).toString());
        assertEquals(200, putBack.status(), "a GET body with the previous key's fields can be sent back as PUT (kcadm update): " + putBack.describe());

        for (String key : List.of(token.key(), newKey)) {
            Http.Response login = grant.withForm(realm, key);
            assertEquals(200, login.status(), login.describe());
            JsonNode claims = KeyLogin.accessTokenClaims(login);
            assertEquals(token.id(), claims.get("api_token_id").asText());
            assertEquals(List.of("network-admin"), TokensApiIT.strings(claims.get("realm_access").get("roles")));
            assertEquals(List.of("site-1"), TokensApiIT.strings(claims.get("sites")));
        }
        long exp = KeyLogin.accessTokenClaims(grant.withForm(realm, token.key())).get("exp").asLong();
        assertTrue(exp <= until / 1000, "an access token from the old key ends with it: exp " + exp + ", old key until " + until / 1000);
        assertEquals(200, gateway(token.key()).status(), "the gateway check takes the old key too");
    }

    @Test
    void loginEventsSayWhichKeyWasUsedAndTheTokenShowsWhenTheOldOneWasLastUsed() throws InterruptedException {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String newKey = rotate(token, "{\"previousKeyExpiresIn\": 600}").json().get("key").asText();
        assertTrue(read(token).get("previousKeyLastUsedAt").isNull(), "not used yet");
        assertEquals(200, KeyLogin.withForm(realm, token.key()).status());
        assertEquals(200, KeyLogin.withForm(realm, newKey).status());

        JsonNode logins = Http.get(realm.adminUrl("/events?type=LOGIN&max=1000"), admin).json();
        List<String> keys = new java.util.ArrayList<>();
        for (JsonNode e : logins) {
            if (token.id().equals(e.path("details").path("api_token_id").asText())) keys.add(e.get("details").get("key").asText());
        }
        assertTrue(keys.contains("previous") && keys.contains("current"), "key detail of each login: " + keys);

        JsonNode now = null;
        for (int i = 0; i < 40 && (now == null || now.get("previousKeyLastUsedAt").isNull()); i++) {
            Thread.sleep(250);
            now = read(token);
        }
        assertFalse(now.get("previousKeyLastUsedAt").isNull(), "the list and GET show when the old key was last used");
        assertTrue(Math.abs(now.get("previousKeyLastUsedAt").asLong() - System.currentTimeMillis()) < 60_000);
        JsonNode listed = Http.get(realm.adminTokens() + "?search=" + Http.enc(token.json().get("name").asText()), admin).json().get(0);
        assertEquals(now.get("previousKeyLastUsedAt"), listed.get("previousKeyLastUsedAt"));
    }

    @Test
    void atMostTwoKeysWorkAndAPlainRotationEndsThePreviousKeyAtOnce() {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String second = rotate(token, "{\"previousKeyExpiresIn\": 3600}").json().get("key").asText();
        String third = rotate(token, "{\"previousKeyExpiresIn\": 3600}").json().get("key").asText();
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, token.key()), "a second rotation ends the first key");
        assertEquals(200, KeyLogin.withForm(realm, second).status(), "the key before the last rotation works on");
        assertEquals(200, KeyLogin.withForm(realm, third).status());

        Http.Response plain = rotate(token, "");
        assertEquals(200, plain.status(), plain.describe());
        assertTrue(plain.json().get("previousKeyHint").isNull() && plain.json().get("previousKeyExpiresAt").isNull());
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, second), "a plain rotation ends the previous key too");
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, third), "and the key it replaced");
        assertEquals(200, KeyLogin.withForm(realm, plain.json().get("key").asText()).status());
    }

    @Test
    void theOldKeyStopsExactlyAtItsTime() throws InterruptedException {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        Http.Response rotated = rotate(token, "{\"previousKeyExpiresIn\": 2}");
        long until = rotated.json().get("previousKeyExpiresAt").asLong();
        assertEquals(200, KeyLogin.withForm(realm, token.key()).status());
        Thread.sleep(Math.max(0, until - System.currentTimeMillis()) + 300);
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, token.key()), "after previousKeyExpiresAt");
        assertEquals(401, gateway(token.key()).status());
        JsonNode now = read(token);
        assertTrue(now.get("previousKeyHint").isNull() && now.get("previousKeyExpiresAt").isNull(), "the token no longer shows it: " + now);
        assertEquals(200, KeyLogin.withForm(realm, rotated.json().get("key").asText()).status());
    }

    @ParameterizedTest(name = "reported: {0} key")
    @ValueSource(strings = {"old", "new"})
    void aReportOfEitherKeyEndsBoth(String which) {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String newKey = rotate(token, "{\"previousKeyExpiresIn\": 3600}").json().get("key").asText();
        assertEquals(200, Http.postForm(realm.realmTokens() + "/revoke", Map.of("api_key", which.equals("old") ? token.key() : newKey)).status());
        assertTrue(read(token).get("exposed").asBoolean());
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, token.key()), "old key after the report");
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, newKey), "new key after the report");
        // rotating an exposed token never keeps its leaked key alive, whatever the body asks
        Http.Response rotated = rotate(token, "{\"previousKeyExpiresIn\": 3600}");
        assertTrue(rotated.json().get("previousKeyHint").isNull(), "no grace for a leaked key");
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, newKey), "the reported key stays dead");
    }

    @Test
    void deleteAndExpiryEndBothKeys() throws InterruptedException {
        Tokens.Token deleted = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String deletedNew = rotate(deleted, "{\"previousKeyExpiresIn\": 3600}").json().get("key").asText();
        assertEquals(204, Http.delete(realm.adminTokens() + "/" + deleted.id(), admin).status());
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, deleted.key()), "old key of a deleted token");
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, deletedNew), "new key of a deleted token");

        Tokens.Token expiring = Tokens.create(realm, "observer", List.of("*"), Map.of("expiresAt", System.currentTimeMillis() + 2500));
        String expiringNew = rotate(expiring, "{\"previousKeyExpiresIn\": 3600}").json().get("key").asText();
        assertEquals(200, KeyLogin.withForm(realm, expiring.key()).status());
        Thread.sleep(3000);
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, expiring.key()), "old key of an expired token");
        KeyLoginIT.assertRefused(KeyLogin.withForm(realm, expiringNew), "new key of an expired token");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"previousKeyExpiresIn\": 0}", "{\"previousKeyExpiresIn\": 604801}", "{\"previousKeyExpiresIn\": \"1h\"}",
            "{\"previousKeyExpiresIn\": 1.5}", "{\"previousKeyExpiresIn\": null}", "{\"previousKeyExpiresIn\": -60}"})
    void aBadGracePeriodIsA400NamingItsFieldAndChangesNothing(String body) {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        Http.Response r = rotate(token, body);
        assertEquals(400, r.status(), r.describe());
        assertEquals("previousKeyExpiresIn", r.json().get("field").asText(), r.describe());
        assertEquals(token.json().get("keyHint"), read(token).get("keyHint"), "no rotation happened");
        assertEquals(200, KeyLogin.withForm(realm, token.key()).status(), "the key still works");
    }

    @Test
    void sevenDaysIsTheLongestGrace() {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        Http.Response rotated = rotate(token, "{\"previousKeyExpiresIn\": 604800}");
        assertEquals(200, rotated.status(), rotated.describe());
        assertTrue(rotated.json().get("previousKeyExpiresAt").asLong() > System.currentTimeMillis() + 604_000_000L);
    }

    static Http.Response gateway(String key) {
        return Http.send(HttpRequest.newBuilder(URI.create(realm.realmTokens() + "/self")).header("X-API-Key", key).GET().build());
    }
}
