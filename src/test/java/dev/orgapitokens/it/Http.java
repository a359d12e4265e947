package dev.orgapitokens.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A small JSON-over-HTTP client for the tests. Every key it sees is remembered for the leak checks,
 * and every answer of the extension's endpoints is checked against docs/openapi.yaml ({@link OpenApi}).
 */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern KEY = Pattern.compile("oat_[A-Za-z0-9]{20,}");
    /** Every key issued during this run, so the suite can prove none of them leaked. */
    public static final Set<String> ISSUED_KEYS = ConcurrentHashMap.newKeySet();

    private Http() {
    }

    public record Response(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + describe(), e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** Status and body with any key masked: safe for assertion messages. */
        public String describe() {
            return status + " " + redact(body);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** Remembers every key found in {@code text} for the leak checks (output that did not come through {@link #send}). */
    public static void remember(String text) {
        if (text != null) KEY.matcher(text).results().forEach(m -> ISSUED_KEYS.add(m.group()));
    }

    public static String redact(String text) {
        return text == null ? null : KEY.matcher(text).replaceAll("oat_<redacted>");
    }

    public static Response send(String method, String url, String bearer, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        if (contentType != null) request.header("Content-Type", contentType);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(request.build());
    }

    public static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            remember(r.body());
            OpenApi.check(request, r.statusCode(), r.body(), r.headers());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException("HTTP " + request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Response get(String url, String bearer) {
        return send("GET", url, bearer, null, null);
    }

    public static Response delete(String url, String bearer) {
        return send("DELETE", url, bearer, null, null);
    }

    public static Response postJson(String url, String bearer, Object body) {
        return send("POST", url, bearer, "application/json", body instanceof String s ? s : toJson(body));
    }

    public static Response putJson(String url, String bearer, Object body) {
        return send("PUT", url, bearer, "application/json", body instanceof String s ? s : toJson(body));
    }

    public static Response postForm(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send("POST", url, null, "application/x-www-form-urlencoded", body);
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
