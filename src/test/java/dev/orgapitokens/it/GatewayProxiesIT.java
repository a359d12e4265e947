package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.orgapitokens.it.Tokens.Token;
import dev.orgapitokens.key.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §5 "Forward authentication" behind real proxies: Debian's nginx ({@code auth_request}) and
 * caddy ({@code forward_auth}), configured from {@code docker/proxies/} with only addresses, realm
 * and log paths replaced, in front of a small upstream that records the headers it receives. A
 * proxy whose binary is absent is skipped with a message, unless {@code CI} is set: then it fails.
 * After the class, the proxies' logs are searched for every key issued in this run.
 */
class GatewayProxiesIT extends ServerTest {

    private static final Path WORK = Path.of("target", "proxies").toAbsolutePath();
    private static final Path CONFIGS = Path.of("docker", "proxies").toAbsolutePath();

    static TestRealm realm;
    static Upstream upstream;
    static final Map<Proxy, Process> RUNNING = new EnumMap<>(Proxy.class);
    static final Map<Proxy, Integer> PORTS = new EnumMap<>(Proxy.class);

    enum Proxy {
        NGINX("nginx"), CADDY("caddy");

        final String binary;

        Proxy(String binary) {
            this.binary = binary;
        }

        Path dir() {
            return WORK.resolve(name().toLowerCase(Locale.ROOT));
        }

        /** The binary on PATH or in /usr/sbin (where Debian puts nginx), or null. */
        Path find() {
            String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
            return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, binary))
                    .filter(Files::isExecutable).findFirst().orElse(null);
        }

        /** The repository's configuration with the addresses of this run. */
        String template(String file, String keycloak, int port) throws IOException {
            return Files.readString(CONFIGS.resolve(file))
                    .replace("keycloak:8080", keycloak)
                    .replace("api-backend:9000", "127.0.0.1:" + upstream.port())
                    .replace("/realms/demo/", "/realms/" + realm.name + "/")
                    .replace("listen 8000;", "listen 127.0.0.1:" + port + ";")
                    .replace(":8001 {", "http://127.0.0.1:" + port + " {")
                    .replace("/var/log/caddy", dir().resolve("logs").toString());
        }

        Process start(int port) throws IOException {
            Path dir = dir();
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("temp"));
            String keycloak = KeycloakServer.server().url().replaceFirst("^http://", "");
            ProcessBuilder builder;
            if (this == NGINX) {
                Files.writeString(dir.resolve("nginx.conf"), template("nginx.conf", keycloak, port));
                Files.writeString(dir.resolve("org-api-tokens-upstream.conf"), template("org-api-tokens-upstream.conf", keycloak, port));
                // its own prefix, pid, logs and temp paths; one process, as the user running the tests
                builder = new ProcessBuilder(find().toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                        "-e", dir.resolve("logs/error.log").toString(), "-g", "daemon off; master_process off;");
            } else {
                Files.writeString(dir.resolve("Caddyfile"), template("Caddyfile", keycloak, port));
                builder = new ProcessBuilder(find().toString(), "run", "--config", dir.resolve("Caddyfile").toString(), "--adapter", "caddyfile");
                builder.environment().put("HOME", dir.toString());
                builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
                builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
            }
            builder.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("logs/process.log").toFile());
            return builder.start();
        }
    }

    /** An API that records the headers of every request it gets. */
    record Upstream(HttpServer server, LinkedBlockingDeque<Map<String, String>> seen, AtomicInteger calls) {
        static Upstream start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LinkedBlockingDeque<Map<String, String>> seen = new LinkedBlockingDeque<>();
            AtomicInteger calls = new AtomicInteger();
            server.createContext("/", exchange -> {
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
                headers.put(":path", exchange.getRequestURI().getPath());
                seen.add(headers);
                calls.incrementAndGet();
                byte[] body = "upstream".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return new Upstream(server, seen, calls);
        }

        int port() {
            return server.getAddress().getPort();
        }
    }

    @BeforeAll
    static void startProxies() throws Exception {
        realm = newRealm("proxies");
        String admin = TestRealm.masterAdminToken();
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        Http.Response org = Http.postJson(realm.adminUrl("/organizations"), admin,
                Map.of("name", "Acme", "alias", "acme", "domains", List.of(Map.of("name", "acme.example.test"))));
        assertEquals(201, org.status(), org.describe());
        acme = TestRealm.lastSegment(org.header("Location"));
        upstream = Upstream.start();
        for (Proxy proxy : Proxy.values()) {
            if (proxy.find() == null) continue;
            int port = freePort();
            RUNNING.put(proxy, proxy.start(port));
            PORTS.put(proxy, port);
        }
        for (Map.Entry<Proxy, Integer> p : PORTS.entrySet()) awaitListening(p.getKey(), p.getValue());
    }

    static String acme;

    @AfterAll
    static void stopProxiesAndSearchTheirLogs() throws Exception {
        for (Process p : RUNNING.values()) {
            p.destroy();
            p.waitFor();
        }
        if (upstream != null) upstream.server().stop(0);
        if (!Files.isDirectory(WORK)) return;
        try (Stream<Path> files = Files.walk(WORK)) {
            java.util.Set<String> secrets = Leaks.issuedSecrets();
            for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("/logs/")).toList()) {
                String log = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertFalse(Leaks.anyIn(log, secrets), "a key issued in this run appears in " + WORK.relativize(file));
            }
        }
    }

    /** The proxy, started; a missing binary skips (or fails under CI). */
    static String base(Proxy proxy) {
        if (!RUNNING.containsKey(proxy)) {
            String message = proxy.binary + " is not installed (apt-get install " + proxy.binary + "): skipping the " + proxy + " scenarios";
            if (System.getenv("CI") != null) throw new AssertionError(message + " is not allowed with CI set");
            Assumptions.abort(message);
        }
        assertTrue(RUNNING.get(proxy).isAlive(), proxy + " exited; see " + proxy.dir().resolve("logs"));
        return "http://127.0.0.1:" + PORTS.get(proxy);
    }

    static Map<String, String> lastSeen() {
        Map<String, String> seen = upstream.seen().pollLast();
        assertNotNull(seen, "the upstream was called");
        upstream.seen().clear();
        return seen;
    }

    static Token create(String role, List<String> sites, boolean inAcme) {
        return Tokens.create(realm, role, sites, inAcme ? Map.of("organizationId", acme) : Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void aGoodKeyReachesTheApiWhichSeesWhoCalledAndAVerifiableJwtButNeverTheKey(Proxy proxy) {
        String base = base(proxy);
        Token token = create("network-admin", List.of("site-1", "site-2"), true);
        for (String[] presented : List.of(new String[] {"Authorization", "Token " + token.key()}, new String[] {"X-API-Key", token.key()})) {
            Http.Response r = Gateway.get(base + "/api/items", presented[0], presented[1],
                    "X-Api-Token-Role", "super-user", "X-Api-Token-Organization", "evil-corp");
            assertEquals(200, r.status(), proxy + ": " + r.describe());
            assertEquals("upstream", r.body());
            Map<String, String> seen = lastSeen();
            assertEquals("/api/items", seen.get(":path"));
            assertEquals(token.id(), seen.get("X-Api-Token-Id"));
            assertEquals("network-admin", seen.get("X-Api-Token-Role"), "the token's role, not the one the client sent");
            assertEquals("site-1,site-2", seen.get("X-Api-Token-Sites"));
            assertEquals("acme", seen.get("X-Api-Token-Organization"));
            assertEquals("api-token-" + token.id(), seen.get("X-Api-Token-Subject"));
            assertNull(seen.get("X-API-Key"), "the API never sees the key");
            String authorization = seen.get("Authorization");
            assertNotNull(authorization);
            assertTrue(authorization.startsWith("Bearer "), "a bearer JWT, not the key");
            assertFalse(authorization.contains(token.key()));
            JsonNode claims = Gateway.verified(KeycloakServer.server().url(), realm.name, authorization.substring("Bearer ".length()));
            assertEquals(token.id(), claims.get("api_token_id").asText());
            assertEquals("org-api-tokens", claims.get("azp").asText());
        }

        Token wide = create("observer", List.of("*"), false);
        assertEquals(200, Gateway.get(base + "/api/x", "Authorization", "Bearer " + wide.key(), "X-Api-Token-Organization", "evil-corp").status());
        String organization = lastSeen().get("X-Api-Token-Organization");
        assertTrue(organization == null || organization.isEmpty(), proxy + ": a forged organization header is dropped, got " + organization);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void aBadKeyIs401FromTheProxyAndTheApiIsNeverCalled(Proxy proxy) {
        String base = base(proxy);
        Token token = create("observer", List.of("*"), false);
        String jwt = KeyLogin.Grant.KEY_GRANT.accessToken(realm, token.key());
        int before = upstream.calls().get();
        for (String[] presented : List.of(new String[] {"Authorization", "Token " + ApiKeys.generate()},
                new String[] {"X-API-Key", "oat_not-a-key"}, new String[] {"Authorization", "Bearer " + jwt}, new String[] {"X-Nothing", "1"})) {
            Http.Response r = Gateway.get(base + "/api/items", presented[0], presented[1]);
            assertEquals(401, r.status(), proxy + " " + presented[0] + ": " + r.describe());
        }
        assertEquals(before, upstream.calls().get(), "the API was never called");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void aLocationsRoleOrSiteRequirementIs403WhenTheTokenDoesNotMeetIt(Proxy proxy) {
        String base = base(proxy);
        Token observer = create("observer", List.of("site-1"), false);
        Token admin = create("network-admin", List.of("*"), false);
        int before = upstream.calls().get();
        assertEquals(403, Gateway.get(base + "/admin/users", "Authorization", "Token " + observer.key()).status(), "role");
        assertEquals(403, Gateway.get(base + "/sites/site-9/devices", "Authorization", "Token " + observer.key()).status(), "site");
        assertEquals(before, upstream.calls().get(), "the API was never called");
        assertEquals(200, Gateway.get(base + "/admin/users", "Authorization", "Token " + admin.key()).status());
        assertEquals(200, Gateway.get(base + "/sites/site-1/devices", "Authorization", "Token " + observer.key()).status());
        assertEquals("/sites/site-1/devices", lastSeen().get(":path"));
        assertEquals(200, Gateway.get(base + "/sites/site-9/devices", "Authorization", "Token " + admin.key()).status(), "[\"*\"]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void aDeletedOrRotatedKeyIs401AtTheNextRequest(Proxy proxy) {
        String base = base(proxy);
        String admin = TestRealm.masterAdminToken();
        Token rotated = create("observer", List.of("*"), false);
        Token deleted = create("observer", List.of("*"), false);
        assertEquals(200, Gateway.get(base + "/api/a", "X-API-Key", rotated.key()).status());
        String jwtBefore = lastSeen().get("Authorization");
        assertEquals(200, Gateway.get(base + "/api/a", "X-API-Key", deleted.key()).status());

        Http.Response rotation = Http.send("POST", realm.adminTokens() + "/" + rotated.id() + "/rotate", admin, null, null);
        assertEquals(200, rotation.status());
        assertEquals(204, Http.delete(realm.adminTokens() + "/" + deleted.id(), admin).status());

        int before = upstream.calls().get();
        assertEquals(401, Gateway.get(base + "/api/a", "X-API-Key", rotated.key()).status(), "the rotated-out key");
        assertEquals(401, Gateway.get(base + "/api/a", "X-API-Key", deleted.key()).status(), "the deleted token's key");
        assertEquals(before, upstream.calls().get());
        assertEquals(200, Gateway.get(base + "/api/a", "X-API-Key", rotation.json().get("key").asText()).status(), "the new key");
        assertNotEquals(jwtBefore, lastSeen().get("Authorization"), "the JWT of the old key is not handed on for the new one");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void overTheRateLimitTheClientGets429WithRetryAfter(Proxy proxy) {
        String base = base(proxy);
        String admin = TestRealm.masterAdminToken();
        Token token = create("observer", List.of("*"), false);
        assertEquals(200, Http.putJson(realm.adminTokens() + "/settings", admin, Map.of("loginRateLimitPerHour", 2)).status());
        try {
            assertEquals(200, Gateway.get(base + "/api/a", "X-API-Key", token.key()).status());
            assertEquals(200, Gateway.get(base + "/api/a", "X-API-Key", token.key()).status());
            int before = upstream.calls().get();
            Http.Response over = Gateway.get(base + "/api/a", "X-API-Key", token.key());
            assertEquals(429, over.status(), proxy + ": " + over.describe());
            assertTrue(Long.parseLong(over.header("Retry-After")) >= 1, proxy + ": Retry-After " + over.header("Retry-After"));
            assertEquals(before, upstream.calls().get(), "the API was never called");
        } finally {
            Map<String, Object> noLimit = new java.util.HashMap<>();
            noLimit.put("loginRateLimitPerHour", null);
            assertEquals(200, Http.putJson(realm.adminTokens() + "/settings", admin, noLimit).status());
        }
    }

    /**
     * SPEC §7, issue 22: the shipped configurations overwrite X-Forwarded-For with the address the
     * proxy saw. The attack: a leaked key bound to 10.0.0.0/8, sent from elsewhere (127.0.0.3) with a
     * forged {@code X-Forwarded-For: 10.1.1.1}; with an appending proxy Keycloak would take the forged
     * first entry. Refused, the API never called, and the forged address never recorded.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Proxy.class)
    void aForgedXForwardedForDoesNotChooseTheAddressAllowedCidrsCheck(Proxy proxy) throws Exception {
        String base = base(proxy);
        Assumptions.assumeTrue(System.getProperty("keycloak.server", "embedded").equals("embedded"),
                "the suite's own distribution server is the one that trusts the proxies' X-Forwarded-For");
        Token tenNet = Tokens.create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("10.0.0.0/8")));
        Token clientOnly = Tokens.create(realm, "observer", List.of("*"), Map.of("allowedCidrs", List.of("127.0.0.3/32")));
        Token open = create("observer", List.of("*"), false);
        int before = upstream.calls().get();
        for (String forged : List.of("10.1.1.1", "10.1.1.1, 10.2.2.2", "10.1.1.1, 127.0.0.3")) {
            assertEquals(401, fromClient(base, tenNet.key(), forged), proxy + " with X-Forwarded-For: " + forged);
        }
        assertEquals(before, upstream.calls().get(), "the API was never called");

        // Keycloak does take the address from the proxy: a key bound to the client's own address passes,
        // forged header or not, while the same key sent to Keycloak directly from 127.0.0.1 is refused
        assertEquals(200, fromClient(base, clientOnly.key(), "10.1.1.1"), proxy + ": the client's real address");
        assertEquals(401, KeyLoginIT.gateway(realm, "Token " + clientOnly.key(), null).status(), "not from 127.0.0.1");
        assertEquals(200, fromClient(base, open.key(), "10.1.1.1"));
        String admin = TestRealm.masterAdminToken();
        JsonNode used = null;
        for (int i = 0; i < 40; i++) {
            used = Http.get(realm.adminTokens() + "/" + open.id(), admin).json();
            if (!used.get("lastUsedIp").isNull()) break;
            Thread.sleep(250);
        }
        assertEquals("127.0.0.3", used.get("lastUsedIp").asText(), proxy + ": the address the proxy saw, not the forged one");
        assertTrue(Http.get(realm.adminTokens() + "/" + tenNet.id(), admin).json().get("lastUsedIp").isNull(), "never admitted");
    }

    /**
     * A GET of /api/items through the proxy from 127.0.0.3 (a client elsewhere than the proxy, which
     * connects to Keycloak from 127.0.0.1), with the key and a forged X-Forwarded-For; the status.
     * A raw socket: the JDK's HTTP client cannot choose its source address.
     */
    static int fromClient(String base, String key, String forwardedFor) throws IOException {
        java.net.URI uri = java.net.URI.create(base);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.3", 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout(60_000);
            String request = "GET /api/items HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nX-API-Key: " + key
                    + "\r\nX-Forwarded-For: " + forwardedFor + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            Http.remember(answer);
            return Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void awaitListening(Proxy proxy, int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!RUNNING.get(proxy).isAlive()) break;
                Thread.sleep(100);
            }
        }
        throw new AssertionError(proxy + " did not start: " + Files.readString(proxy.dir().resolve("logs/process.log"))
                + (Files.exists(proxy.dir().resolve("logs/error.log")) ? Files.readString(proxy.dir().resolve("logs/error.log")) : ""));
    }
}
