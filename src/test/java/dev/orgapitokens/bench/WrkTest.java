package dev.orgapitokens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.orgapitokens.key.ApiKeys;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's wrk loads against a local server: what wrk sends is what the benchmark means to send. */
class WrkTest {

    private HttpServer server;
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final Set<String> bodies = ConcurrentHashMap.newKeySet();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Wrk.available(), "wrk is not installed (apt-get install wrk): the benchmark falls back to Java's HttpClient");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestHeaders().getFirst("X-API-Key");
            if (key != null) keys.add(key);
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            answered.incrementAndGet();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/x";
    }

    @Test
    void freshKeysAreWellFormedAndNeverRepeat() throws Exception {
        Wrk.Result r = Wrk.run(Wrk.Request.freshKeys(url(), "X-API-Key"), 2, 1, 200);
        assertTrue(r.requests() > 50, "requests: " + r.requests());
        assertEquals(0, r.unexpected());
        assertTrue(keys.stream().allMatch(ApiKeys::isWellFormed), "every key passes the checksum");
        assertEquals(keys.size(), Set.copyOf(keys).size(), "no key is sent twice");
    }

    @Test
    void aFormBodyArrivesAsWrittenAndOtherStatusesAreCounted() throws Exception {
        String body = "grant_type=x&client_secret=\"quoted\"\\back&api_key=" + ApiKeys.generate();
        status = 401;
        Wrk.Result r = Wrk.run(Wrk.Request.form(url(), body), 2, 1, 200);
        assertEquals(Set.of(body), bodies);
        assertTrue(r.unexpected() >= r.requests() && r.requests() > 0, "every 401 counted when 200 was expected: " + r);
        Wrk.Result expected = Wrk.run(Wrk.Request.get(url(), Map.of()), 2, 1, 401);
        assertEquals(0, expected.unexpected());
    }
}
