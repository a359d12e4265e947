package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgapitokens.key.ApiKeys;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6, issue 8 and issue 23: a flood of bad keys writes nothing to the database and reads nothing
 * by key: keys whose format or checksum is wrong are refused by their form, well-formed keys that no
 * token has by the node's filter of known keys. Measured on the real server: row counts of every
 * table and the token rows before and after, and the extension's key-lookup counter (every database
 * read by key digest counts in it).
 */
class BadKeysIT extends ServerTest {

    private static final int MALFORMED = 5_000;
    private static final int UNKNOWN = 5_000;

    @Test
    void tenThousandBadKeysWriteNothingAndChecksumBrokenKeysReadNothing() throws Exception {
        TestRealm realm = newRealm("flood");
        String admin = TestRealm.masterAdminToken();
        // Keycloak's own login-event store is the operator's choice; off (its default), nothing may be written.
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("eventsEnabled", false)).status());
        String realKey = Tokens.create(realm, "observer", List.of("*"), Map.of()).key();
        assertEquals(200, KeyLogin.withForm(realm, realKey).status());
        Thread.sleep(1500); // the first login's last-used write runs after the response

        Map<String, Long> rowsBefore = rowCounts();
        List<List<String>> tokensBefore = tokenRows();
        double lookupsBefore = metric("org_api_tokens_key_lookups_total");

        List<String> badKeys = new ArrayList<>();
        for (int i = 0; i < MALFORMED; i++) {
            String key = ApiKeys.generate();
            // a mistyped character (checksum broken), a truncated key, or the real key with one character changed
            badKeys.add(switch (i % 3) {
                case 0 -> key.substring(0, 20) + (key.charAt(20) == 'a' ? 'b' : 'a') + key.substring(21);
                case 1 -> key.substring(0, key.length() - 1);
                default -> realKey.substring(0, 30) + (realKey.charAt(30) == 'a' ? 'b' : 'a') + realKey.substring(31);
            });
        }
        for (int i = 0; i < UNKNOWN; i++) badKeys.add(ApiKeys.generate()); // well-formed, never issued
        java.util.Collections.shuffle(badKeys);

        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String key : badKeys) {
                done.add(pool.submit(() -> {
                    Http.Response r = Http.send("POST", KeyLogin.tokenEndpoint(realm), null, "application/x-www-form-urlencoded",
                            "grant_type=password&client_id=org-api-tokens&api_key=" + Http.enc(key));
                    answers.computeIfAbsent(r.status() + " " + r.body(), k -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, answers.size(), "every bad key gets the same answer: " + answers.keySet());
        String answer = answers.keySet().iterator().next();
        assertTrue(answer.startsWith("401 ") && answer.contains("\"error_description\":\"Invalid API key\""), answer);
        assertEquals(0, metric("org_api_tokens_key_lookups_total") - lookupsBefore, 0.0,
                "no bad key was looked up: checksum-broken ones are refused by their format, well-formed ones no token has from memory");
        assertEquals(rowsBefore, rowCounts(), "no table gained or lost rows");
        assertEquals(tokensBefore, tokenRows(), "no token row changed");
        assertEquals(200, KeyLogin.withForm(realm, realKey).status(), "the real key still works");
    }

    /**
     * Issue 23 at every door a key comes through: both login forms (form field and header), the
     * gateway check, {@code /self} and the leaked-key report. A well-formed key no token has costs no
     * database read at any of them, while a key created a moment ago is admitted at its first use.
     */
    @Test
    void wellFormedKeysNoTokenHasAreRefusedWithoutALookupAtEveryDoor() {
        TestRealm realm = newRealm("unknown");
        Tokens.create(realm, "observer", List.of("*"), Map.of());
        assertTrue(metric("org_api_tokens_known_key_digests") >= 1, "the node answers unknown keys from memory");
        double lookupsBefore = metric("org_api_tokens_key_lookups_total");
        String base = KeycloakServer.server().url() + "/realms/" + realm.name + "/org-api-tokens";
        for (int i = 0; i < 40; i++) {
            String key = ApiKeys.generate(); // checksum right, never issued
            assertEquals(401, KeyLogin.Grant.KEY_GRANT.withForm(realm, key).status());
            assertEquals(401, KeyLogin.Grant.KEY_GRANT.withHeader(realm, key).status());
            assertEquals(401, KeyLogin.Grant.PASSWORD.withForm(realm, key).status());
            assertEquals(401, Gateway.check(realm, "", "X-API-Key", key).status());
            assertEquals(401, Gateway.check(realm, "", "Authorization", "Bearer " + key).status());
            assertEquals(401, Gateway.get(base + "/self", "Authorization", "Token " + key).status());
            assertEquals(200, Http.postForm(base + "/revoke", Map.of("api_key", key)).status());
        }
        assertEquals(0, metric("org_api_tokens_key_lookups_total") - lookupsBefore, 0.0, "280 unknown keys, no database read");

        for (int i = 0; i < 5; i++) {
            Tokens.Token fresh = Tokens.create(realm, "observer", List.of("*"), Map.of());
            assertEquals(200, (i % 2 == 0 ? KeyLogin.Grant.KEY_GRANT : KeyLogin.Grant.PASSWORD).withForm(realm, fresh.key()).status(),
                    "a key created a moment ago works at its first use");
            Tokens.Token other = Tokens.create(realm, "helpdesk", List.of("*"), Map.of());
            assertEquals(200, Gateway.check(realm, "", "X-API-Key", other.key()).status(), "and at the gateway check");
        }
    }

    /** Rows per table, for every table of Keycloak's database. */
    private static Map<String, Long> rowCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = Database.open()) {
            for (String table : Database.tables(c)) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Every column of every token row. */
    private static List<List<String>> tokenRows() {
        return Database.rows(KeycloakServer.server(), "select * from ORG_API_TOKEN order by ID");
    }

    private static double metric(String name) {
        return Prometheus.counter(Http.get(KeycloakServer.server().metricsUrl(), null).body(), name);
    }
}
