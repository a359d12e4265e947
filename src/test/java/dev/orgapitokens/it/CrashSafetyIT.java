package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.key.ApiKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC §7, "a crash never leaves half a token". A Keycloak of this test's own (its own copy of the
 * distribution, its own database of the kind -Dkeycloak.db selects) is killed with SIGKILL in the
 * middle of a burst of concurrent creates, rotates, role changes and deletes, then restarted on the
 * same database. Every token must then be whole (row, service identity holding the token's role,
 * a key that works) or absent, no service identity may be left without its token, and each token
 * must be as the last answer before the crash left it (or as its unanswered call would have).
 * Only the embedded H2 database dies with the JVM and may lose the last answered changes, each whole.
 */
@ExtendWith(OpenApi.Check.class)
class CrashSafetyIT {

    private static final String REALM = "crash";
    private static final List<String> ROLES = List.of("super-user", "network-admin", "observer", "helpdesk");
    private static final int WORKERS = 6;
    private static final int SEEDED_PER_WORKER = 3;
    /** Answered operations before the kill: enough that tokens have been rotated, re-roled and deleted, and writes flow steadily. */
    private static final int ANSWERED_BEFORE_KILL = 200;
    /** On H2 only: how long before the kill an answered change may have been that the kill undid. */
    private static final Duration H2_WRITE_DELAY_BOUND = Duration.ofSeconds(5);

    /** The flush interval of the usage test's server: short, so the test waits seconds, not the default minute. */
    private static final int USAGE_FLUSH_SECONDS = 5;

    /**
     * SPEC §10: usage counts reach the database once per flush interval (a minute by default), so a
     * crash loses at most the uses since the last flush, and a clean stop loses none (the last flush
     * runs at shutdown). Key uses through {@code /self}; the counts read through {@code GET /{id}/usage}.
     */
    @Test
    void aCrashLosesAtMostTheUsageSinceTheLastFlushAndACleanStopNone() {
        Path work = KeycloakServer.workDir().resolve("crash-usage");
        // read through the API only, so H2 can be opened as Keycloak's default URL opens it (closed by Keycloak at a clean stop)
        TestDatabase database = TestDatabase.createAsKeycloakOpensIt(work);
        try (KeycloakServer.DistributionServer server = KeycloakServer.DistributionServer
                .in(Path.of(KeycloakServer.required("keycloak.crash.home")), work)
                .extension(Path.of(KeycloakServer.required("extension.jar")))
                .database(database)
                .args("--spi-org-api-tokens-setup--org-api-tokens-usage--flush-interval-seconds=" + USAGE_FLUSH_SECONDS)
                .start()) {
            String realm = "crash-usage";
            Http.Response created = Http.postJson(server.url() + "/admin/realms", TestRealm.masterAdminToken(server.url()), Map.of("realm", realm, "enabled", true));
            assertEquals(201, created.status(), created.describe());
            Http.Response token = Http.postJson(server.url() + "/admin/realms/" + realm + "/org-api-tokens", TestRealm.masterAdminToken(server.url()),
                    Map.of("name", "counted", "role", "observer", "sites", List.of("*")));
            assertEquals(201, token.status(), token.describe());
            String id = token.json().get("id").asText();
            String key = token.json().get("key").asText();

            useKey(server.url(), realm, key, 3);
            awaitAdmitted(server.url(), realm, id, 3); // written by a flush
            if (TestDatabase.kind().equals("dev-file")) sleep(H2_WRITE_DELAY_BOUND); // H2 may lose its last commits to a kill
            useKey(server.url(), realm, key, 2);       // not yet written: the kill may take them
            server.kill();
            server.restart();
            long afterCrash = admitted(server.url(), realm, id);
            assertTrue(afterCrash >= 3 && afterCrash <= 5, "a crash keeps every flushed use and may lose the last 2: " + afterCrash);

            useKey(server.url(), realm, key, 4);
            server.restart(); // a clean stop (SIGTERM), then a start on the same database
            assertEquals(afterCrash + 4, admitted(server.url(), realm, id), "a clean stop writes the last counts");
        } finally {
            database.drop();
        }
    }

    private static void useKey(String base, String realm, String key, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(200, Gateway.get(base + "/realms/" + realm + "/org-api-tokens/self", "X-API-Key", key).status());
        }
    }

    private static long admitted(String base, String realm, String id) {
        Http.Response usage = Http.get(base + "/admin/realms/" + realm + "/org-api-tokens/" + id + "/usage", TestRealm.masterAdminToken(base));
        assertEquals(200, usage.status(), usage.describe());
        long admitted = 0;
        for (JsonNode day : usage.json().get("daily")) admitted += day.get("admitted").asLong();
        return admitted;
    }

    private static void awaitAdmitted(String base, String realm, String id, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(6L * USAGE_FLUSH_SECONDS).toNanos();
        long seen;
        while ((seen = admitted(base, realm, id)) != expected) {
            if (System.nanoTime() > deadline) fail("usage not written within " + 6 * USAGE_FLUSH_SECONDS + " s: " + seen + " admitted, not " + expected);
            sleep(Duration.ofMillis(200));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKilledServerLeavesEveryTokenWholeOrAbsent() throws Exception {
        Path work = KeycloakServer.workDir().resolve("crash-safety");
        try (KeycloakServer.DistributionServer server = KeycloakServer.DistributionServer
                .in(Path.of(KeycloakServer.required("keycloak.crash.home")), work)
                .extension(Path.of(KeycloakServer.required("extension.jar")))
                .start()) {
            String base = server.url();
            Http.Response realm = Http.postJson(base + "/admin/realms", TestRealm.masterAdminToken(base), Map.of("realm", REALM, "enabled", true));
            assertEquals(201, realm.status(), realm.describe());

            Burst burst = new Burst(base);
            long burstStart = System.nanoTime();
            burst.run();
            burst.awaitAnswered(ANSWERED_BEFORE_KILL, Duration.ofMinutes(5)); // minutes: other builds may share the cores
            long killedAt = System.nanoTime();
            server.kill();
            burst.awaitWorkersEnd(Duration.ofMinutes(1));
            System.out.printf("CrashSafetyIT (%s): killed Keycloak %d ms into the burst, after %d answered operations on %d tokens;"
                    + " %d requests were cut off in flight, %d refused after%n", TestDatabase.kind(), Duration.ofNanos(killedAt - burstStart).toMillis(),
                    burst.answered.get(), burst.tokens().size(), burst.cutOffBefore(killedAt), burst.connectionErrors.size() - burst.cutOffBefore(killedAt));
            assertTrue(burst.unexpected.isEmpty(), "unexpected answers during the burst: " + burst.unexpected);
            assertTrue(burst.cutOffBefore(killedAt) > 0, "the kill must interrupt requests in flight, or this test proves nothing");

            server.restart();
            base = server.url();
            String admin = TestRealm.masterAdminToken(base);
            String realmId = Http.get(base + "/admin/realms/" + REALM, admin).json().get("id").asText();
            Map<String, String> roleIds = new HashMap<>();
            for (String role : ROLES) roleIds.put(Http.get(base + "/admin/realms/" + REALM + "/roles/" + role, admin).json().get("id").asText(), role);

            // First what the client was told before the crash, before anything below rotates keys.
            boolean embedded = TestDatabase.kind().equals("dev-file");
            List<Long> lostAnsweredMillisBeforeKill = new ArrayList<>();
            for (Tracked token : burst.tokens()) {
                State now = token.observe(base, admin);
                if (now.equals(token.last()) || now.equals(token.unanswered)) continue;
                // Only an embedded database dies with the JVM, and then the token must be as it was at an earlier answer.
                int answer = token.answered.lastIndexOf(now);
                assertTrue(embedded && answer >= 0, "token " + token.id + " is " + now
                        + " after the restart; the client was told " + token.answered + (token.unanswered == null ? "" : ", then sent " + token.unanswered));
                long beforeKill = Duration.ofNanos(killedAt - token.answeredAt.get(answer + 1)).toMillis();
                assertTrue(beforeKill < H2_WRITE_DELAY_BOUND.toMillis(), "H2 lost the change to " + token.answered.get(answer + 1)
                        + " of token " + token.id + ", answered " + beforeKill + " ms before the kill");
                lostAnsweredMillisBeforeKill.add(beforeKill);
            }
            if (!lostAnsweredMillisBeforeKill.isEmpty()) {
                // Keycloak's dev-file H2 writes commits to its file in the background (H2's WRITE_DELAY,
                // 500 ms by default): a killed JVM loses its last acknowledged changes, each whole.
                System.out.printf("CrashSafetyIT: the embedded H2 database lost the last answered change of %d tokens, answered at most %d ms"
                        + " before the kill%n", lostAnsweredMillisBeforeKill.size(), Collections.max(lostAnsweredMillisBeforeKill));
            }

            List<List<String>> rows = Database.rows(server, "select ID, ROLE, SERVICE_USER_ID from ORG_API_TOKEN where REALM_ID = ?", realmId);
            assertFalse(rows.isEmpty(), "tokens survived the crash");
            Set<String> identities = new HashSet<>();
            Map<String, Long> oldKeysUntil = new HashMap<>();
            for (List<String> row : rows) {
                String id = row.get(0);
                String role = row.get(1);
                String identity = row.get(2);
                assertTrue(identities.add(identity), "token " + id + " shares its service identity with another token");
                assertEquals(1, Database.rows(server, "select ID from USER_ENTITY where ID = ? and REALM_ID = ?", identity, realmId).size(),
                        "token " + id + " has its service identity");
                List<String> heldRoles = Database.rows(server, "select ROLE_ID from USER_ROLE_MAPPING where USER_ID = ?", identity).stream()
                        .map(r -> roleIds.get(r.get(0))).filter(r -> r != null).toList();
                assertEquals(List.of(role), heldRoles, "the service identity of token " + id + " holds exactly the token's role");
                assertEquals(List.of(List.of(id)), Database.rows(server,
                        "select VALUE from USER_ATTRIBUTE where USER_ID = ? and NAME = 'org_api_token_id'", identity),
                        "the service identity of token " + id + " names it");

                Http.Response read = Http.get(base + "/admin/realms/" + REALM + "/org-api-tokens/" + id, admin);
                assertEquals(200, read.status(), "token " + id + " answers GET: " + read.describe());
                Http.Response rotated = Http.send("POST", base + "/admin/realms/" + REALM + "/org-api-tokens/" + id + "/rotate", admin, null, null);
                assertEquals(200, rotated.status(), "token " + id + " rotates: " + rotated.describe());
                // and once more with a short grace: both keys work until previousKeyExpiresAt, then only the new one
                Http.Response graceful = Http.send("POST", base + "/admin/realms/" + REALM + "/org-api-tokens/" + id + "/rotate", admin,
                        "application/json", "{\"previousKeyExpiresIn\": 3}");
                assertEquals(200, graceful.status(), "token " + id + " rotates with grace: " + graceful.describe());
                oldKeysUntil.put(rotated.json().get("key").asText(), graceful.json().get("previousKeyExpiresAt").asLong());
                Http.Response login = KeyLogin.withForm(base, REALM, graceful.json().get("key").asText());
                assertEquals(200, login.status(), "token " + id + " logs in with its new key: " + login.describe());
                assertEquals(200, KeyLogin.withForm(base, REALM, rotated.json().get("key").asText()).status(), "and with its previous key");
                JsonNode claims = KeyLogin.accessTokenClaims(login);
                assertEquals(id, claims.get("api_token_id").asText());
                assertTrue(TokensApiIT.strings(claims.get("realm_access").get("roles")).contains(role), "the key login carries role " + role);
            }
            long lastEnd = Collections.max(oldKeysUntil.values());
            Thread.sleep(Math.max(0, lastEnd - System.currentTimeMillis()) + 300);
            for (Map.Entry<String, Long> old : oldKeysUntil.entrySet()) {
                assertEquals(401, KeyLogin.withForm(base, REALM, old.getKey()).status(), "a previous key works past its time");
            }
            assertEquals(rows.size(), Http.get(base + "/admin/realms/" + REALM + "/org-api-tokens?max=1000", admin).json().size(),
                    "the API lists every token row");

            // No service identity without its token, however it is found.
            assertEquals(List.of(), Database.rows(server, "select u.USERNAME from USER_ENTITY u join USER_ATTRIBUTE a on a.USER_ID = u.ID"
                    + " where u.REALM_ID = ? and a.NAME = 'org_api_token_id' and not exists (select 1 from ORG_API_TOKEN t where t.ID = a.VALUE)",
                    realmId), "service identities whose token is gone");
            assertEquals(List.of(), Database.rows(server, "select u.USERNAME from USER_ENTITY u where u.REALM_ID = ? and u.USERNAME like 'api-token-%'"
                    + " and not exists (select 1 from ORG_API_TOKEN t where t.SERVICE_USER_ID = u.ID)", realmId),
                    "service identities no token points to");

            String log = server.log();
            assertFalse(Leaks.anyIn(log, Leaks.issuedSecrets()), "a key issued in this run is in the server log");
        }
    }

    /**
     * A token as the client knows it: absent, or present with its n-th key (-1: one the client never
     * saw), the previous key a graceful rotation left working (-1: none), and a role.
     */
    record State(boolean exists, int keyNumber, int previousKeyNumber, String role) {
        static final State ABSENT = new State(false, -1, -1, null);

        @Override
        public String toString() {
            return !exists ? "absent" : role + " with " + (keyNumber < 0 ? "a key never answered" : "key #" + (keyNumber + 1))
                    + (previousKeyNumber < 0 ? "" : " and previous key #" + (previousKeyNumber + 1));
        }
    }

    /** One token's answered history, in order (one worker changes it, one call at a time), and the call the kill left unanswered. */
    private static final class Tracked {
        final String id;
        /** Every key the client got for this token, so State can name keys without holding them. */
        final List<String> keys = new ArrayList<>();
        /** ABSENT first (before the create), then one state per answered call. */
        final List<State> answered = new ArrayList<>(List.of(State.ABSENT));
        final List<Long> answeredAt = new ArrayList<>(List.of(0L));
        /** What the token is if the unanswered call happened; null when every call was answered. */
        State unanswered;

        Tracked(String id, String key, String role) {
            this.id = id;
            keys.add(key);
            answer(new State(true, 0, -1, role));
        }

        State last() {
            return answered.get(answered.size() - 1);
        }

        void answer(State state) {
            answered.add(state);
            answeredAt.add(System.nanoTime());
            unanswered = null;
        }

        int addKey(String key) {
            keys.add(key);
            return keys.size() - 1;
        }

        /**
         * What the restarted server says: the role, which of the client's keys logs in, and which is
         * the previous key (by the hint GET shows). At most two keys work: the current one and the
         * previous one.
         */
        State observe(String base, String admin) {
            Http.Response read = Http.get(base + "/admin/realms/" + REALM + "/org-api-tokens/" + id, admin);
            if (read.status() == 404) {
                for (String key : keys) assertEquals(401, KeyLogin.withForm(base, REALM, key).status(), "a key of absent token " + id + " works");
                return State.ABSENT;
            }
            assertEquals(200, read.status(), read.describe());
            String role = read.json().get("role").asText();
            String previousHint = read.json().get("previousKeyHint").isNull() ? null : read.json().get("previousKeyHint").asText();
            int working = -1;
            int previous = -1;
            for (int n = 0; n < keys.size(); n++) {
                Http.Response login = KeyLogin.withForm(base, REALM, keys.get(n));
                boolean isPrevious = ApiKeys.hint(keys.get(n)).equals(previousHint);
                if (login.status() == 401) {
                    assertFalse(isPrevious, "the previous key of token " + id + " is shown but refused before its time");
                    continue;
                }
                assertEquals(200, login.status(), login.describe());
                JsonNode claims = KeyLogin.accessTokenClaims(login);
                assertEquals(id, claims.get("api_token_id").asText());
                assertTrue(TokensApiIT.strings(claims.get("realm_access").get("roles")).contains(role), "the key login of " + id + " carries " + role);
                if (isPrevious) {
                    previous = n;
                } else {
                    assertEquals(-1, working, "two current keys of token " + id + " work");
                    working = n;
                }
            }
            return new State(true, working, previous, role);
        }
    }

    /**
     * Worker threads, each creating and changing only its own tokens one call at a time, so the
     * order of answers for a token is the order the server applied them. A worker stops at its
     * first connection error: the server is gone.
     */
    private static final class Burst {
        private final String tokensUrl;
        private final String base;
        private final List<Thread> workers = new ArrayList<>();
        private final ConcurrentLinkedQueue<Tracked> tracked = new ConcurrentLinkedQueue<>();
        final AtomicInteger answered = new AtomicInteger();
        /** Send times (System.nanoTime) of the requests that ended in a connection error. */
        final ConcurrentLinkedQueue<Long> connectionErrors = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        private volatile String adminToken;
        private volatile long adminTokenAt;

        Burst(String base) {
            this.base = base;
            this.tokensUrl = base + "/admin/realms/" + REALM + "/org-api-tokens";
        }

        List<Tracked> tokens() {
            return List.copyOf(tracked);
        }

        long cutOffBefore(long nanoTime) {
            return connectionErrors.stream().filter(sent -> sent < nanoTime).count();
        }

        void run() {
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                Thread thread = new Thread(() -> work(worker), "crash-burst-" + w);
                thread.setDaemon(true);
                workers.add(thread);
                thread.start();
            }
        }

        void awaitAnswered(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (answered.get() < count) {
                if (System.nanoTime() > deadline) fail("only " + answered.get() + " operations answered within " + timeout);
                if (workers.stream().noneMatch(Thread::isAlive)) fail("the burst ended before the kill: " + unexpected + " " + connectionErrors);
                Thread.sleep(20);
            }
        }

        void awaitWorkersEnd(Duration timeout) throws InterruptedException {
            for (Thread worker : workers) {
                worker.join(timeout.toMillis());
                assertFalse(worker.isAlive(), worker.getName() + " still runs after the kill");
            }
        }

        /** The master admin token lives 60 s; the burst renews it well before. */
        private synchronized String admin() {
            if (adminToken == null || System.nanoTime() - adminTokenAt > Duration.ofSeconds(30).toNanos()) {
                try {
                    adminToken = TestRealm.masterAdminToken(base);
                } catch (IllegalStateException e) {
                    if (e.getCause() instanceof IOException) throw new ServerGone();
                    throw e;
                }
                adminTokenAt = System.nanoTime();
            }
            return adminToken;
        }

        private void work(int worker) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            List<Tracked> mine = new ArrayList<>();
            try {
                for (int n = 0; ; n++) {
                    String admin = admin();
                    List<Tracked> live = mine.stream().filter(t -> t.last().exists()).toList();
                    int dice = random.nextInt(100);
                    if (n < SEEDED_PER_WORKER || live.size() < 2 || dice < 35) {
                        String role = ROLES.get(random.nextInt(ROLES.size()));
                        Map<String, Object> body = Map.of("name", "w" + worker + "-" + n, "role", role, "sites", List.of("*"));
                        Http.Response r = call(() -> Http.postJson(tokensUrl, admin, body));
                        if (expect(r, 201, "create")) {
                            Tracked token = new Tracked(r.json().get("id").asText(), r.json().get("key").asText(), role);
                            mine.add(token);
                            tracked.add(token);
                        }
                        continue;
                    }
                    Tracked token = live.get(random.nextInt(live.size()));
                    State now = token.last();
                    if (dice < 70) {
                        // half of the rotations keep the old key for an hour (longer than the test)
                        boolean graceful = random.nextBoolean();
                        int previous = graceful ? now.keyNumber() : -1;
                        token.unanswered = new State(true, -1, previous, now.role());
                        String body = graceful ? "{\"previousKeyExpiresIn\": 3600}" : "";
                        Http.Response r = call(() -> Http.send("POST", tokensUrl + "/" + token.id + "/rotate", admin, "application/json", body));
                        if (expect(r, 200, "rotate")) {
                            token.answer(new State(true, token.addKey(r.json().get("key").asText()), previous, now.role()));
                        }
                    } else if (dice < 85) {
                        String role = ROLES.get(random.nextInt(ROLES.size()));
                        token.unanswered = new State(true, now.keyNumber(), now.previousKeyNumber(), role);
                        Http.Response r = call(() -> Http.putJson(tokensUrl + "/" + token.id, admin, Map.of("role", role)));
                        if (expect(r, 200, "role change")) token.answer(token.unanswered);
                    } else {
                        token.unanswered = State.ABSENT;
                        Http.Response r = call(() -> Http.delete(tokensUrl + "/" + token.id, admin));
                        if (expect(r, 204, "delete")) token.answer(State.ABSENT);
                    }
                }
            } catch (ServerGone e) {
                // the kill: this worker's last call (token.unanswered, or a create) may or may not have happened
            } catch (RuntimeException | AssertionError e) {
                unexpected.add(Thread.currentThread().getName() + ": " + e);
            }
        }

        private static final class ServerGone extends RuntimeException {
        }

        private Http.Response call(java.util.function.Supplier<Http.Response> request) {
            long sent = System.nanoTime();
            try {
                return request.get();
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof IOException)) throw e;
                connectionErrors.add(sent);
                throw new ServerGone();
            }
        }

        private boolean expect(Http.Response r, int status, String what) {
            if (r.status() == status) {
                answered.incrementAndGet();
                return true;
            }
            unexpected.add(what + ": " + r.describe());
            return false;
        }
    }
}
