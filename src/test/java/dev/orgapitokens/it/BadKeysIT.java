package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgapitokens.key.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * SPEC §6 and issue 8: a flood of bad keys writes nothing to the database, and keys whose format
 * or checksum is wrong are not even looked up. Measured on the real server: row counts of every
 * table and the token rows before and after, and the extension's key-lookup counter.
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
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String key : badKeys) {
                done.add(pool.submit(() -> {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(KeyLogin.tokenEndpoint(realm)))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=org-api-tokens&api_key=" + Http.enc(key)))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    answers.computeIfAbsent(r.statusCode() + " " + r.body(), k -> new AtomicInteger()).incrementAndGet();
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
        assertEquals(UNKNOWN, metric("org_api_tokens_key_lookups_total") - lookupsBefore, 0.0,
                "only the well-formed keys were looked up; checksum-broken ones never reached the database");
        assertEquals(rowsBefore, rowCounts(), "no table gained or lost rows");
        assertEquals(tokensBefore, tokenRows(), "no token row changed");
        assertEquals(200, KeyLogin.withForm(realm, realKey).status(), "the real key still works");
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
