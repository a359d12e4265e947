package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgapitokens.key.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC §7 on a cluster: "delete, rotate, role change and expiry take effect on the very next login,
 * on every node". Two Keycloak nodes on 127.0.0.1 with the production cache setup (embedded
 * Infinispan, {@code --cache=ispn}, JGroups with JDBC_PING discovery) share one PostgreSQL
 * database; changes made on node A must hold on node B at once, and node B must keep serving key
 * logins while node A leaves. PostgreSQL leg only ({@code -Dkeycloak.db=postgres}).
 */
@ExtendWith(OpenApi.Check.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String REALM = "cluster";
    /** "ISPN000094: Received new cluster view for channel ISPN: [node-a|1] (2) [node-a, node-b]" */
    private static final Pattern CLUSTER_VIEW = Pattern.compile("Received new cluster view for channel ISPN: \\[[^\\]]*\\] \\((\\d+)\\) \\[([^\\]]*)\\]");

    private TestDatabase database;
    private KeycloakServer.DistributionServer nodeA;
    private KeycloakServer.DistributionServer nodeB;

    @BeforeAll
    void startTwoNodes() {
        if (!TestDatabase.kind().equals("postgres")) {
            String message = "SKIPPED ClusterIT: the cluster test runs on the PostgreSQL leg only (-Dkeycloak.db=postgres), not on "
                    + TestDatabase.kind() + ": its nodes discover each other through the shared database (JDBC_PING)";
            System.out.println(message);
            Assumptions.abort(message);
        }
        Path work = KeycloakServer.workDir().resolve("cluster");
        database = TestDatabase.create(work);
        // One distribution for both nodes: node A builds it (the first start re-augments), node B starts
        // only once A is up, with the same build options, so it never rebuilds under A.
        nodeA = node(work, "node-a");
        nodeB = node(work, "node-b");
        Http.Response realm = Http.postJson(nodeA.url() + "/admin/realms", admin(nodeA), Map.of("realm", REALM, "enabled", true));
        assertEquals(201, realm.status(), realm.describe());
    }

    private KeycloakServer.DistributionServer node(Path work, String name) {
        return KeycloakServer.DistributionServer.in(Path.of(KeycloakServer.required("keycloak.cluster.home")), work)
                .extension(Path.of(KeycloakServer.required("extension.jar")))
                .database(database)
                .name(name)
                .args("--cache=ispn", "--cache-stack=jdbc-ping",
                        "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=" + jgroupsPort(),
                        "--spi-cache-embedded--default--node-name=" + name)
                .args(KeycloakServer.FAST_USAGE)
                .start();
    }

    @AfterAll
    void stopNodes() {
        for (KeycloakServer.DistributionServer node : new KeycloakServer.DistributionServer[] {nodeB, nodeA}) {
            if (node != null) node.close();
        }
        if (database != null) database.drop();
    }

    @Test
    @Order(1)
    void theNodesFormOneCluster() throws InterruptedException {
        for (KeycloakServer.DistributionServer node : List.of(nodeA, nodeB)) {
            List<String> members = awaitView(node, 2, Duration.ofSeconds(60));
            assertEquals(List.of("node-a", "node-b"), members.stream().sorted().toList());
        }
    }

    @Test
    @Order(2)
    void aKeyIssuedOnOneNodeWorksOnTheOther() {
        Tokens.Token token = create("issued-on-a", "observer");
        assertLogsInWithRole(nodeB, token.key(), token.id(), "observer");
    }

    @Test
    @Order(3)
    void changesOnNodeAHoldOnNodeBAtTheVeryNextLogin() {
        Tokens.Token token = create("changed-on-a", "observer");
        // B has now logged the identity in, so its caches hold the token's user and role.
        assertLogsInWithRole(nodeB, token.key(), token.id(), "observer");

        Http.Response edited = Http.putJson(tokens(nodeA) + "/" + token.id(), admin(nodeA), Map.of("role", "network-admin"));
        assertEquals(200, edited.status(), edited.describe());
        JsonNode claims = assertLogsInWithRole(nodeB, token.key(), token.id(), "network-admin");
        assertFalse(TokensApiIT.strings(claims.get("realm_access").get("roles")).contains("observer"), "node B still grants the old role");

        Http.Response rotated = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin(nodeA), null, null);
        assertEquals(200, rotated.status(), rotated.describe());
        String newKey = rotated.json().get("key").asText();
        assertEquals(401, KeyLogin.withForm(nodeB.url(), REALM, token.key()).status(), "node B refuses the rotated-out key");
        assertLogsInWithRole(nodeB, newKey, token.id(), "network-admin");

        assertEquals(204, Http.delete(tokens(nodeA) + "/" + token.id(), admin(nodeA)).status());
        Http.Response afterDelete = KeyLogin.withForm(nodeB.url(), REALM, newKey);
        assertEquals(401, afterDelete.status(), "node B refuses the key of a deleted token: " + afterDelete.describe());
        assertEquals(404, Http.get(tokens(nodeB) + "/" + token.id(), admin(nodeB)).status(), "node B no longer has the token");
    }

    /**
     * Issue 23: node B answers well-formed keys it does not know from memory, so a key created on
     * node A must be known to B before A's answer hands it out. Each key is used first on B, by the
     * key grant or at the gateway check.
     */
    @Test
    @Order(2)
    void keysCreatedOnAAreAdmittedOnBAtTheirFirstUse() {
        for (int i = 0; i < 10; i++) {
            Tokens.Token granted = create("first-use-grant-" + i, "observer");
            assertLogsInWithRole(nodeB, granted.key(), granted.id(), "observer");
            Tokens.Token checked = create("first-use-gateway-" + i, "observer");
            Http.Response check = Gateway.get(Gateway.authorizeUrl(nodeB.url(), REALM, ""), "X-API-Key", checked.key());
            assertEquals(200, check.status(), "first use on B at the gateway check: " + check.describe());
            assertEquals(checked.id(), check.header("X-Api-Token-Id"));
        }
    }

    /** Issue 23: a rotation on A, without and with a grace period: the new key works on B at once, the previous one while its grace lasts. */
    @Test
    @Order(2)
    void keysRotatedOnAWorkOnBAtOnce() {
        Tokens.Token token = create("rotated-first-use", "observer");
        String check = Gateway.authorizeUrl(nodeB.url(), REALM, "");

        Http.Response plain = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin(nodeA), null, null);
        assertEquals(200, plain.status(), plain.describe());
        String second = plain.json().get("key").asText();
        assertEquals(200, Gateway.get(check, "X-API-Key", second).status(), "B admits the rotated key at its first use, at the gateway");
        assertLogsInWithRole(nodeB, second, token.id(), "observer");
        assertEquals(401, KeyLogin.withForm(nodeB.url(), REALM, token.key()).status(), "and refuses the key rotated out");

        Http.Response graceful = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin(nodeA), "application/json",
                "{\"previousKeyExpiresIn\": 600}");
        assertEquals(200, graceful.status(), graceful.describe());
        String third = graceful.json().get("key").asText();
        assertLogsInWithRole(nodeB, third, token.id(), "observer"); // first use by the key grant this time
        assertEquals(200, Gateway.get(check, "X-API-Key", third).status());
        for (KeycloakServer.DistributionServer node : List.of(nodeB, nodeA)) {
            assertLogsInWithRole(node, second, token.id(), "observer"); // the previous key, in its grace period
            assertEquals(200, Gateway.get(Gateway.authorizeUrl(node.url(), REALM, ""), "X-API-Key", second).status());
        }
    }

    /** Issue 23: well-formed keys no token has are refused on both nodes, and neither reads the database for them. */
    @Test
    @Order(2)
    void unknownKeysAreRefusedOnBothNodesWithoutADatabaseRead() {
        for (KeycloakServer.DistributionServer node : List.of(nodeA, nodeB)) {
            assertUnknownKeysCostNoRead(node);
        }
    }

    private void assertUnknownKeysCostNoRead(KeycloakServer.DistributionServer node) {
        create(Tokens.unique("known"), "observer"); // so that the node's set holds a digest at least (its gauge is 0 while it is off)
        assertTrue(metric(node, "org_api_tokens_known_key_digests") >= 1, node.url() + " answers unknown keys from memory");
        double lookups = metric(node, "org_api_tokens_key_lookups_total");
        for (int i = 0; i < 25; i++) {
            String key = ApiKeys.generate(); // checksum right, no token has it
            assertEquals(401, KeyLogin.withForm(node.url(), REALM, key).status());
            assertEquals(401, Gateway.get(Gateway.authorizeUrl(node.url(), REALM, ""), "X-API-Key", key).status());
        }
        assertEquals(lookups, metric(node, "org_api_tokens_key_lookups_total"), 0.0, "50 unknown keys, no database read on " + node.url());
    }

    private static double metric(KeycloakServer.DistributionServer node, String name) {
        return Prometheus.counter(Http.get(node.metricsUrl(), null).body(), name);
    }

    /**
     * SPEC §5 "Forward authentication": node B's gateway check holds a snapshot of the token and a
     * reused JWT; a change on node A holds on node B at the next check, and B never hands on the JWT
     * it minted before the change.
     */
    @Test
    @Order(3)
    void aChangeOnNodeAHoldsAtNodeBsNextGatewayCheckAndItsReusedJwtIsNotServed() {
        Tokens.Token token = create("checked-on-b", "observer");
        String check = Gateway.authorizeUrl(nodeB.url(), REALM, "jwt=true");
        Http.Response first = Gateway.get(check, "X-API-Key", token.key());
        assertEquals(200, first.status(), first.describe());
        String jwt = first.header("X-Access-Token");
        assertEquals(jwt, Gateway.get(check, "X-API-Key", token.key()).header("X-Access-Token"), "node B reuses its JWT");

        assertEquals(200, Http.putJson(tokens(nodeA) + "/" + token.id(), admin(nodeA), Map.of("role", "helpdesk")).status());
        Http.Response afterEdit = Gateway.get(check, "X-API-Key", token.key());
        assertEquals(200, afterEdit.status(), afterEdit.describe());
        assertEquals("helpdesk", afterEdit.header("X-Api-Token-Role"), "node B sees the role set on node A");
        assertNotEquals(jwt, afterEdit.header("X-Access-Token"), "node B does not serve the JWT minted before the change");
        assertEquals("[\"helpdesk\"]", Gateway.verified(nodeB.url(), REALM, afterEdit.header("X-Access-Token"))
                .get("realm_access").get("roles").toString());

        Http.Response rotated = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin(nodeA), null, null);
        assertEquals(200, rotated.status());
        assertEquals(401, Gateway.get(check, "X-API-Key", token.key()).status(), "node B refuses the rotated-out key");
        String newKey = rotated.json().get("key").asText();
        assertEquals(200, Gateway.get(check, "X-API-Key", newKey).status());
        assertEquals(200, Http.postForm(nodeA.url() + "/realms/" + REALM + "/org-api-tokens/revoke", Map.of("api_key", newKey)).status());
        assertEquals(401, Gateway.get(check, "X-API-Key", newKey).status(), "node B refuses a key reported on node A");
    }

    /** SPEC §5: access tokens issued on node B stop introspecting as active on B the moment the token changes on A. */
    @Test
    @Order(3)
    void issuedAccessTokensFollowAChangeOnTheOtherNode() {
        String admin = admin(nodeA);
        Http.Response api = Http.postJson(nodeA.url() + "/admin/realms/" + REALM + "/clients", admin, Map.of("clientId", "cluster-api",
                "publicClient", false, "secret", "cluster-secret", "standardFlowEnabled", false, "serviceAccountsEnabled", true));
        assertEquals(201, api.status(), api.describe());
        String loginClient = Http.get(nodeA.url() + "/admin/realms/" + REALM + "/clients?clientId=org-api-tokens", admin).json().get(0).get("id").asText();
        assertEquals(201, Http.postJson(nodeA.url() + "/admin/realms/" + REALM + "/clients/" + loginClient + "/protocol-mappers/models", admin,
                Map.of("name", "cluster-api audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.client.audience", "cluster-api", "access.token.claim", "true", "introspection.token.claim", "true"))).status());

        Tokens.Token token = create("followed-on-b", "observer");
        String issued = KeyLogin.withForm(nodeB.url(), REALM, token.key()).json().get("access_token").asText();
        assertTrue(activeOnB(issued), "a fresh key token introspects as active on node B");
        assertEquals(200, Http.putJson(tokens(nodeA) + "/" + token.id(), admin, Map.of("role", "helpdesk")).status());
        assertFalse(activeOnB(issued), "after a role change on A, B answers inactive for the token issued before");

        String second = KeyLogin.withForm(nodeB.url(), REALM, token.key()).json().get("access_token").asText();
        assertTrue(activeOnB(second));
        Http.Response rotated = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin, null, null);
        assertEquals(200, rotated.status(), rotated.describe());
        assertFalse(activeOnB(second), "after a rotation on A");

        String third = KeyLogin.withForm(nodeB.url(), REALM, rotated.json().get("key").asText()).json().get("access_token").asText();
        assertTrue(activeOnB(third));
        assertEquals(204, Http.delete(tokens(nodeA) + "/" + token.id(), admin).status());
        assertFalse(activeOnB(third), "after a delete on A");
    }

    /** SPEC §7: a rotation with grace on node A: both keys work on B; at previousKeyExpiresAt the old key stops on both nodes. */
    @Test
    @Order(3)
    void aGracefulRotationOnAHoldsOnBothNodesUntilItsTime() throws InterruptedException {
        Tokens.Token token = create("graceful-on-a", "observer");
        assertLogsInWithRole(nodeB, token.key(), token.id(), "observer"); // B's caches hold the token now
        Http.Response rotated = Http.send("POST", tokens(nodeA) + "/" + token.id() + "/rotate", admin(nodeA), "application/json",
                "{\"previousKeyExpiresIn\": 4}");
        assertEquals(200, rotated.status(), rotated.describe());
        String newKey = rotated.json().get("key").asText();
        long until = rotated.json().get("previousKeyExpiresAt").asLong();
        for (KeycloakServer.DistributionServer node : List.of(nodeB, nodeA)) {
            assertLogsInWithRole(node, token.key(), token.id(), "observer");
            assertLogsInWithRole(node, newKey, token.id(), "observer");
        }
        Thread.sleep(Math.max(0, until - System.currentTimeMillis()) + 300);
        for (KeycloakServer.DistributionServer node : List.of(nodeB, nodeA)) {
            assertEquals(401, KeyLogin.withForm(node.url(), REALM, token.key()).status(), "the old key stopped on " + node.url());
            assertLogsInWithRole(node, newKey, token.id(), "observer");
        }
    }

    private boolean activeOnB(String accessToken) {
        Http.Response r = Http.postForm(nodeB.url() + "/realms/" + REALM + "/protocol/openid-connect/token/introspect",
                Map.of("client_id", "cluster-api", "client_secret", "cluster-secret", "token", accessToken));
        assertEquals(200, r.status(), r.describe());
        return r.json().get("active").asBoolean();
    }

    /** Usage (SPEC §10): each node writes its own counts, adding to the same day row; the answer is their sum on either node. */
    @Test
    @Order(3)
    void theUsageCountsOfBothNodesAddUp() {
        Tokens.Token token = create("counted-on-both", "observer");
        for (int i = 0; i < 3; i++) assertEquals(200, KeyLogin.withForm(nodeA.url(), REALM, token.key()).status());
        for (int i = 0; i < 4; i++) assertEquals(200, KeyLogin.withForm(nodeB.url(), REALM, token.key()).status());
        assertEquals(200, Gateway.get(Gateway.authorizeUrl(nodeB.url(), REALM, null), "X-API-Key", token.key()).status());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode usage;
        do {
            usage = Http.get(tokens(nodeB) + "/" + token.id() + "/usage?days=1", admin(nodeB)).json();
            if (usage.get("daily").size() == 1 && usage.get("daily").get(0).get("admitted").asLong() == 8) break;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        JsonNode day = usage.get("daily").get(0);
        assertEquals(8, day.get("admitted").asLong(), usage.toString());
        assertEquals(7, day.get("byPath").get("token").asLong(), usage.toString());
        assertEquals(1, day.get("byPath").get("gateway").asLong(), usage.toString());
        assertEquals(usage, Http.get(tokens(nodeA) + "/" + token.id() + "/usage?days=1", admin(nodeA)).json(), "either node answers the same");
    }

    /**
     * The realm policy set on node A holds on node B at once (realm cache invalidation), and the
     * per-token allowance is one for the cluster: logins spread over both nodes draw on it together.
     */
    @Test
    @Order(4)
    void theLoginRateLimitIsCountedAcrossNodes() {
        int limit = 6;
        Http.Response policy = Http.putJson(tokens(nodeA) + "/settings", admin(nodeA), Map.of("loginRateLimitPerHour", limit));
        assertEquals(200, policy.status(), policy.describe());
        Tokens.Token token = create("rate-limited", "observer");
        for (int i = 0; i < limit; i++) {
            KeycloakServer.DistributionServer node = i % 2 == 0 ? nodeA : nodeB;
            Http.Response login = KeyLogin.withForm(node.url(), REALM, token.key());
            assertEquals(200, login.status(), "login " + (i + 1) + " of " + limit + ": " + login.describe());
        }
        for (KeycloakServer.DistributionServer node : List.of(nodeB, nodeA)) {
            Http.Response over = KeyLogin.withForm(node.url(), REALM, token.key());
            assertEquals(429, over.status(), "the allowance is shared, not one per node: " + over.describe());
            assertTrue(Long.parseLong(over.header("Retry-After")) >= 1, over.describe());
        }
        Map<String, Object> noLimit = new java.util.HashMap<>();
        noLimit.put("loginRateLimitPerHour", null);
        assertEquals(200, Http.putJson(tokens(nodeB) + "/settings", admin(nodeB), noLimit).status());
        assertLogsInWithRole(nodeA, token.key(), token.id(), "observer"); // lifted on B, holds on A
    }

    /**
     * SPEC §9: each notice once, whatever the nodes. Both nodes run the lifecycle notices of the realm
     * at the same moment, three times each: the realm's cluster-wide lock lets one work it at a time
     * (the other answers 409 busy), and the notice's claim in the shared database lets it go out once.
     */
    @Test
    @Order(4)
    void twoNodesSendEachLifecycleNoticeOnce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        com.icegreen.greenmail.util.GreenMail smtp = new com.icegreen.greenmail.util.GreenMail(
                new com.icegreen.greenmail.util.ServerSetup(port, "127.0.0.1", com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            String admin = admin(nodeA);
            assertEquals(204, Http.putJson(nodeA.url() + "/admin/realms/" + REALM, admin, Map.of("smtpServer",
                    Map.of("host", "127.0.0.1", "port", String.valueOf(port), "from", "keycloak@example.test"))).status());
            assertEquals(200, Http.putJson(tokens(nodeA) + "/settings", admin, Map.of("noticeEmails", List.of("ops@example.test"))).status());
            for (int i = 0; i < 3; i++) {
                Http.Response created = Http.postJson(tokens(nodeA), admin, Map.of("name", "expiring-" + i, "role", "observer",
                        "sites", List.of("*"), "expiresAt", System.currentTimeMillis() + 2 * 86_400_000L));
                assertEquals(201, created.status(), created.describe());
            }
            AtomicInteger sent = new AtomicInteger();
            List<Thread> runs = new ArrayList<>();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            for (KeycloakServer.DistributionServer node : List.of(nodeA, nodeB, nodeA, nodeB, nodeA, nodeB)) {
                String bearer = admin(node);
                Thread run = new Thread(() -> {
                    Http.Response r = Http.send("POST", tokens(node) + "/notices/run", bearer, "application/json", "");
                    if (r.status() == 200) sent.addAndGet(r.json().get("sent").asInt());
                    else if (r.status() != 409) unexpected.add(r.describe());
                });
                runs.add(run);
                run.start();
            }
            for (Thread run : runs) run.join();
            assertTrue(unexpected.isEmpty(), "each run answers 200, or 409 while the other node works the realm: " + unexpected);
            for (KeycloakServer.DistributionServer node : List.of(nodeA, nodeB)) {
                Http.Response r = Http.send("POST", tokens(node) + "/notices/run", admin(node), "application/json", "");
                assertEquals(200, r.status(), r.describe());
                sent.addAndGet(r.json().get("sent").asInt());
            }
            assertEquals(3, sent.get(), "three notices, each sent by one node once");
            assertEquals(3, smtp.getReceivedMessages().length, "three mails arrived");
        } finally {
            smtp.stop();
        }
    }

    @Test
    @Order(5)
    void nodeBServesEveryGoodKeyLoginWhileNodeALeaves() throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) keys.add(create("under-load-" + i, "helpdesk").key());
        for (String key : keys) assertEquals(200, KeyLogin.withForm(nodeB.url(), REALM, key).status());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger succeeded = new AtomicInteger();
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
                    try {
                        Http.Response login = KeyLogin.withForm(nodeB.url(), REALM, key);
                        if (login.status() == 200) succeeded.incrementAndGet();
                        else failed.add(login.describe());
                    } catch (RuntimeException e) {
                        failed.add(e.toString());
                    }
                }
            }, "cluster-load-" + c);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        Thread.sleep(3000);
        int beforeStop = succeeded.get();
        nodeA.stop();
        List<String> members = awaitView(nodeB, 1, Duration.ofSeconds(60));
        assertEquals(List.of("node-b"), members, "node A left the cluster");
        int whileLeaving = succeeded.get() - beforeStop;
        Thread.sleep(3000); // and B alone keeps serving
        running.set(false);
        for (Thread client : clients) client.join(Duration.ofSeconds(90).toMillis());
        System.out.printf("ClusterIT: %d good-key logins on node B (%d before node A stopped, %d while it left, %d after), %d failed%n",
                succeeded.get(), beforeStop, whileLeaving, succeeded.get() - beforeStop - whileLeaving, failed.size());
        assertTrue(failed.isEmpty(), failed.size() + " good-key logins failed on node B while node A left: " + failed.stream().limit(5).toList());
        assertTrue(beforeStop > 0 && whileLeaving > 0, "the load ran before and while node A left");
    }

    /**
     * Issue 23, a node joining while keys are created: node A starts again (it left in the test
     * before) while node B creates a token every few milliseconds. A loads what the database holds and
     * the announcements in its copy of the work cache, and hears those made after; every key, whenever
     * it was created, works on A at its first use, and A refuses unknown keys without a read.
     */
    @Test
    @Order(6)
    void aNodeStartingWhileKeysAreCreatedAdmitsEveryOne() throws InterruptedException {
        List<Tokens.Token> created = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread creator = new Thread(() -> {
            int i = 0;
            String admin = null;
            long adminUntil = 0;
            while (running.get()) {
                try {
                    if (System.nanoTime() > adminUntil) { // admin-cli tokens live a minute
                        admin = admin(nodeB);
                        adminUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    }
                    created.add(Tokens.create(tokens(nodeB), admin, Tokens.body("while-joining-" + i++, "observer", List.of("*"))));
                    Thread.sleep(20);
                } catch (Throwable e) {
                    failed.add(e.toString());
                }
            }
        }, "cluster-creator");
        creator.setDaemon(true);
        creator.start();
        Thread.sleep(1000);
        nodeA.restart();
        assertEquals(List.of("node-a", "node-b"), awaitView(nodeA, 2, Duration.ofSeconds(60)).stream().sorted().toList());
        Thread.sleep(1000);
        running.set(false);
        creator.join(Duration.ofSeconds(60).toMillis());
        assertTrue(failed.isEmpty(), "creates on B failed: " + failed.stream().limit(3).toList());
        System.out.printf("ClusterIT: %d tokens created on node B while node A started%n", created.size());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (metric(nodeA, "org_api_tokens_known_key_digests") < 1 && System.nanoTime() < deadline) Thread.sleep(200);

        List<String> refused = new ArrayList<>();
        for (Tokens.Token token : created) {
            Http.Response login = KeyLogin.withForm(nodeA.url(), REALM, token.key());
            if (login.status() != 200) refused.add(token.json().get("name").asText() + ": " + login.status());
        }
        assertTrue(refused.isEmpty(), refused.size() + " of " + created.size() + " keys refused on the node that joined: "
                + refused.stream().limit(5).toList());
        assertUnknownKeysCostNoRead(nodeA);
    }

    private Tokens.Token create(String name, String role) {
        return Tokens.create(tokens(nodeA), admin(nodeA), Tokens.body(name, role, List.of("*")));
    }

    private static JsonNode assertLogsInWithRole(KeycloakServer.DistributionServer node, String key, String id, String role) {
        Http.Response login = KeyLogin.withForm(node.url(), REALM, key);
        assertEquals(200, login.status(), login.describe());
        JsonNode claims = KeyLogin.accessTokenClaims(login);
        assertEquals(id, claims.get("api_token_id").asText());
        assertTrue(TokensApiIT.strings(claims.get("realm_access").get("roles")).contains(role), "the key login carries " + role);
        return claims;
    }

    /** An admin token from the node it is used on: a node accepts only tokens whose issuer is its own address. */
    private static String admin(KeycloakServer.DistributionServer node) {
        return TestRealm.masterAdminToken(node.url());
    }

    private static String tokens(KeycloakServer.DistributionServer node) {
        return node.url() + "/admin/realms/" + REALM + "/org-api-tokens";
    }

    /** The members of the node's latest cluster view, once it has {@code size} members. */
    private static List<String> awaitView(KeycloakServer.DistributionServer node, int size, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher view = CLUSTER_VIEW.matcher(node.log());
            List<String> members = null;
            while (view.find()) {
                members = Integer.parseInt(view.group(1)) == size
                        ? List.of(view.group(2).replaceAll("\\(v=[^)]*\\)", "").split(",\\s*")) : null;
            }
            if (members != null) return members;
            if (System.nanoTime() > deadline) fail("no cluster view of " + size + " members in the log within " + timeout);
            Thread.sleep(200);
        }
    }

    /**
     * A free port for a node's JGroups transport. FD_SOCK2 listens at that port + 50000, so both must
     * be free and below 65536: pick from 10000..15499.
     */
    private static int jgroupsPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10000 + ThreadLocalRandom.current().nextInt(5500);
            if (free(port) && free(port + 50000)) return port;
        }
        throw new IllegalStateException("no free port pair for JGroups");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
