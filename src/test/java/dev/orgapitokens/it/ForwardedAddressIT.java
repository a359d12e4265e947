package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC §5 and docs/security.md "Forwarded addresses": {@code allowedCidrs} checks the address Keycloak
 * reports, which comes from {@code X-Forwarded-For} only for requests from a trusted proxy. A server
 * of this test's own runs with {@code --proxy-headers=xforwarded --proxy-trusted-addresses=127.0.0.2};
 * requests come from 127.0.0.1 (an attacker reaching Keycloak directly) or 127.0.0.2 (the proxy),
 * sent with curl, which can pick its source address.
 */
@ExtendWith(OpenApi.Check.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardedAddressIT {

    private static final String REALM = "forwarded";
    private static final String ALLOWED_CLIENT = "203.0.113.9";
    private KeycloakServer.DistributionServer server;
    private Path keyFile;

    @BeforeAll
    void start() throws IOException {
        Path work = KeycloakServer.workDir().resolve("forwarded");
        server = KeycloakServer.DistributionServer.in(Path.of(KeycloakServer.required("keycloak.crash.home")), work)
                .extension(Path.of(KeycloakServer.required("extension.jar")))
                .name("forwarded")
                .args("--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.2")
                .start();
        Http.Response realm = Http.postJson(server.url() + "/admin/realms", TestRealm.masterAdminToken(server.url()),
                Map.of("realm", REALM, "enabled", true));
        assertEquals(201, realm.status(), realm.describe());
        Tokens.Token token = Tokens.create(server.url() + "/admin/realms/" + REALM + "/org-api-tokens", TestRealm.masterAdminToken(server.url()),
                Map.of("name", "office-only", "role", "observer", "sites", List.of("*"), "allowedCidrs", List.of("203.0.113.0/24")));
        // curl reads the key from a file: it never appears on a command line or in output
        keyFile = Files.createTempFile(work, "key", ".txt");
        Files.writeString(keyFile, token.key());
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) server.close();
        if (keyFile != null) Files.deleteIfExists(keyFile);
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedAddressDoesNotUnlockACidrBoundKey() throws Exception {
        assertEquals(401, keyLogin("127.0.0.1", ALLOWED_CLIENT), "X-Forwarded-For from a client that is not a trusted proxy is ignored");
        assertEquals(401, keyLogin("127.0.0.1", null), "the attacker's own address is not in the CIDR");
    }

    @Test
    void theTrustedProxysHeaderIsTheClientAddress() throws Exception {
        assertEquals(200, keyLogin("127.0.0.2", ALLOWED_CLIENT), "a client in the CIDR, behind the proxy");
        assertEquals(401, keyLogin("127.0.0.2", "198.51.100.7"), "a client outside it, behind the proxy");
    }

    /**
     * Why the proxy must overwrite the header, not append to it: Keycloak takes the first address,
     * so with an appending proxy an attacker's own first entry wins.
     */
    @Test
    void aProxyThatAppendsLetsTheClientChooseItsAddress() throws Exception {
        assertEquals(200, keyLogin("127.0.0.2", ALLOWED_CLIENT + ", 198.51.100.7"));
    }

    /** A key-grant login sent from {@code source} with the header (null: none); the HTTP status. */
    private int keyLogin(String source, String forwardedFor) throws IOException, InterruptedException {
        List<String> curl = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", source,
                "-d", "grant_type=urn:org-api-tokens:grant-type:api-key", "-d", "client_id=org-api-tokens",
                "--data-urlencode", "api_key@" + keyFile));
        // as a TLS-terminating proxy sends them (without the scheme, Keycloak's "HTTPS required" refuses a non-local client first)
        if (forwardedFor != null) curl.addAll(List.of("-H", "X-Forwarded-For: " + forwardedFor, "-H", "X-Forwarded-Proto: https"));
        curl.add(server.url().replace("localhost", "127.0.0.1") + "/realms/" + REALM + "/protocol/openid-connect/token");
        Process process = new ProcessBuilder(curl).redirectErrorStream(true).start();
        String status = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
        return Integer.parseInt(status);
    }
}
