package dev.orgapitokens.it;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.Iterator;

/**
 * docs/openapi.yaml held against reality: {@link Http#send} hands every answer of the extension's
 * endpoints here (both doors, the key's doors, and the token endpoint when the request is a key
 * login). The request's method and path must match an operation of the document, the status must
 * be one the operation documents, required headers must be there, and the body must validate
 * against the response's schema (or be empty where the document gives none). Keycloak's own
 * endpoints are not checked. A mismatch fails the test that received it, and again the suite-wide
 * check after its class (in case a test swallowed the error). Messages name method, path template,
 * status and the schema's complaint, redacted: never a key.
 */
final class OpenApi {

    static final Path DOCUMENT = Path.of("docs/openapi.yaml");
    static final String KEY_GRANT = "urn:org-api-tokens:grant-type:api-key";
    private static final String DOCUMENT_URI = "https://org-api-tokens.invalid/openapi.json";
    private static final Pattern OUR_PATHS = Pattern.compile("^(/admin)?/realms/[^/]+/org-api-tokens(/.*)?$");
    private static final Pattern TOKEN_ENDPOINT = Pattern.compile("^/realms/[^/]+/protocol/openid-connect/token$");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final AtomicInteger VALIDATED = new AtomicInteger();
    /** "METHOD template status" of every answer validated, for the coverage file. */
    private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
    /** Servers (host:port) that run another release of the extension, which answers as that release does. */
    private static final Set<String> OTHER_RELEASES = ConcurrentHashMap.newKeySet();

    private record Operation(String template, Pattern pattern, int literalLength) {
    }

    private static final class Loaded {
        static final JsonNode DOC = read();
        static final List<Operation> OPERATIONS = operations(DOC);
        static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(DOCUMENT_URI, DOC.toString())));
        static final Map<String, Schema> BY_POINTER = new ConcurrentHashMap<>();

        static {
            // the classes after the last ServerTest (servers of their own) are counted too
            Runtime.getRuntime().addShutdownHook(new Thread(OpenApi::writeCoverage));
        }
    }

    private OpenApi() {
    }

    /** The document as a JSON tree (also what the extension must serve). */
    static JsonNode document() {
        return Loaded.DOC;
    }

    private static JsonNode read() {
        try {
            return new YAMLMapper().readTree(DOCUMENT.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DOCUMENT, e);
        }
    }

    private static List<Operation> operations(JsonNode doc) {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            String template = path.getKey();
            Matcher m = VARIABLE.matcher(template);
            StringBuilder regex = new StringBuilder("^");
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start()))).append(variablePattern(doc, path.getValue(), m.group(1)));
                last = m.end();
            }
            regex.append(Pattern.quote(template.substring(last))).append('$');
            operations.add(new Operation(template, Pattern.compile(regex.toString()), VARIABLE.matcher(template).replaceAll("").length()));
        }
        return operations;
    }

    /** A path variable matches one segment, unless its schema's pattern says otherwise ({@code authorize{path}}). */
    private static String variablePattern(JsonNode doc, JsonNode pathItem, String name) {
        for (JsonNode parameter : pathItem.path("parameters")) {
            JsonNode p = resolve(doc, parameter);
            if (p.path("in").asText("").equals("path") && p.path("name").asText("").equals(name)) {
                String pattern = p.path("schema").path("pattern").asText(null);
                if (pattern != null) return "(?:" + pattern.replaceAll("^\\^", "").replaceAll("\\$$", "") + ")";
            }
        }
        return "[^/]+";
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        while (node.has("$ref")) node = doc.at(node.get("$ref").asText().substring(1));
        return node;
    }

    /** The server at {@code baseUrl} runs another release of the extension (UpgradeIT): its answers are not checked. */
    static void otherRelease(String baseUrl) {
        OTHER_RELEASES.add(java.net.URI.create(baseUrl).getAuthority());
    }

    /** The server at {@code baseUrl} runs this release again: its answers are checked. */
    static void thisRelease(String baseUrl) {
        OTHER_RELEASES.remove(java.net.URI.create(baseUrl).getAuthority());
    }

    /** Checks one answer; a violation is recorded and thrown. */
    static void check(HttpRequest request, int status, String body, HttpHeaders headers) {
        String problem = problem(request, status, body, headers);
        if (problem == null) return;
        VIOLATIONS.add(problem);
        throw new AssertionError(problem);
    }

    /**
     * Null when the answer is not one of the extension's or is what the document says (then counted);
     * else what is wrong, naming method, path template and status, never a key.
     */
    static String problem(HttpRequest request, int status, String body, HttpHeaders headers) {
        String raw = request.uri().getRawPath();
        String path = raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        boolean ours = OUR_PATHS.matcher(path).matches()
                || (TOKEN_ENDPOINT.matcher(path).matches() && isKeyLogin(request));
        if (!ours || OTHER_RELEASES.contains(request.uri().getAuthority())) return null;
        String method = request.method().toLowerCase(Locale.ROOT);
        String problem;
        String where = request.method() + " " + path + " " + status;
        try {
            Operation operation = Loaded.OPERATIONS.stream().filter(o -> o.pattern().matcher(path).matches())
                    .max((a, b) -> Integer.compare(a.literalLength(), b.literalLength())).orElse(null);
            if (operation == null) {
                problem = "no path of the document matches";
            } else {
                where = request.method() + " " + operation.template() + " " + status;
                problem = checkOperation(operation, method, status, body, headers);
            }
        } catch (RuntimeException e) {
            problem = "could not be checked: " + e;
        }
        if (problem == null) {
            VALIDATED.incrementAndGet();
            SEEN.computeIfAbsent(where, k -> new AtomicInteger()).incrementAndGet();
            return null;
        }
        return Http.redact("docs/openapi.yaml does not describe the answer to " + where + ": " + problem);
    }

    /** Null when the answer is what the document says; else what is wrong. */
    private static String checkOperation(Operation operation, String method, int status, String body, HttpHeaders headers) {
        JsonNode doc = Loaded.DOC;
        String pathPointer = "/paths/" + escape(operation.template());
        JsonNode op = doc.at(pathPointer).get(method);
        if (op == null) return "the path has no " + method.toUpperCase(Locale.ROOT) + " operation";
        String responsePointer = pathPointer + "/" + method + "/responses/" + status;
        JsonNode response = doc.at(responsePointer);
        if (response.isMissingNode()) return "the operation does not document status " + status;
        while (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = doc.at(responsePointer);
        }
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            JsonNode declared = resolve(doc, header.getValue());
            String value = headers.firstValue(header.getKey()).orElse(null);
            if (value == null) {
                if (declared.path("required").asBoolean(false)) return "required header " + header.getKey() + " is missing";
                continue;
            }
            List<Error> errors = schema(headerSchemaPointer(doc, responsePointer, header.getKey())).validate(JSON.getNodeFactory().textNode(value));
            if (!errors.isEmpty()) return "header " + header.getKey() + ": " + describe(errors);
        }
        JsonNode content = response.get("content");
        if (content == null) {
            return body == null || body.isEmpty() ? null : "the document gives this answer no body, but it has one";
        }
        String contentType = headers.firstValue("Content-Type").orElse("").split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!content.has(contentType)) return "Content-Type '" + contentType + "' is not one of " + names(content);
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return "the body is not JSON";
        }
        List<Error> errors = schema(responsePointer + "/content/" + escape(contentType) + "/schema").validate(instance);
        return errors.isEmpty() ? null : describe(errors);
    }

    private static String headerSchemaPointer(JsonNode doc, String responsePointer, String name) {
        String pointer = responsePointer + "/headers/" + escape(name);
        JsonNode header = doc.at(pointer);
        while (header.has("$ref")) {
            pointer = header.get("$ref").asText().substring(1);
            header = doc.at(pointer);
        }
        return pointer + "/schema";
    }

    private static Schema schema(String pointer) {
        return Loaded.BY_POINTER.computeIfAbsent(pointer, p -> {
            Schema schema = Loaded.SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + p));
            schema.initializeValidators();
            return schema;
        });
    }

    private static String describe(List<Error> errors) {
        return errors.stream().limit(5).map(Error::toString).reduce((a, b) -> a + "; " + b).orElse("");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A request to the token endpoint is a key login when it uses the key grant or presents a key (SPEC §5). */
    private static boolean isKeyLogin(HttpRequest request) {
        if (!request.method().equals("POST")) return false;
        if (request.headers().firstValue("X-API-Key").isPresent()) return true;
        Map<String, String> form = form(request);
        return KEY_GRANT.equals(form.get("grant_type")) || form.containsKey("api_key");
    }

    private static Map<String, String> form(HttpRequest request) {
        Map<String, String> form = new TreeMap<>();
        String body = body(request);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    /** The bytes a request's body publisher sends (the tests' publishers are in-memory). */
    private static String body(HttpRequest request) {
        HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElse(null);
        if (publisher == null) return "";
        List<ByteBuffer> parts = new ArrayList<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                parts.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        StringBuilder text = new StringBuilder();
        for (ByteBuffer part : parts) text.append(StandardCharsets.UTF_8.decode(part));
        return text.toString();
    }

    /**
     * After each integration test class ({@code @ExtendWith}, as ServerTest has): fails when an answer
     * broke the document, even one whose error a test caught; reports the count so far.
     */
    static final class Check implements org.junit.jupiter.api.extension.AfterAllCallback {
        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            assertNoViolations();
        }
    }

    static void assertNoViolations() {
        writeCoverage();
        System.out.println("OpenAPI: " + VALIDATED.get() + " answers of the extension's endpoints validated against " + DOCUMENT + " so far");
        if (VIOLATIONS.isEmpty()) return;
        List<String> found = new ArrayList<>(VIOLATIONS);
        VIOLATIONS.clear();
        throw new AssertionError(found.size() + " answers the document does not describe:\n" + String.join("\n", found));
    }

    private static void writeCoverage() {
        String dir = System.getProperty("test.work.dir");
        if (dir == null) return;
        StringBuilder out = new StringBuilder("# answers validated per operation and status (" + VALIDATED.get() + " in all)\n");
        new TreeMap<>(SEEN).forEach((k, v) -> out.append(v.get()).append('\t').append(k).append('\n'));
        out.append("# documented, not seen\n");
        for (String documented : documented()) if (!SEEN.containsKey(documented)) out.append(documented).append('\n');
        try {
            java.nio.file.Files.createDirectories(Path.of(dir));
            java.nio.file.Files.writeString(Path.of(dir, "openapi-coverage.txt"), out);
        } catch (java.io.IOException e) {
            System.out.println("OpenAPI: could not write the coverage file: " + e);
        }
    }

    private static Set<String> documented() {
        Set<String> all = new java.util.TreeSet<>();
        for (Map.Entry<String, JsonNode> path : Loaded.DOC.get("paths").properties()) {
            for (String method : Arrays.asList("get", "put", "post", "delete", "patch")) {
                JsonNode op = path.getValue().get(method);
                if (op == null) continue;
                for (String status : names(op.path("responses"))) {
                    all.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + status);
                }
            }
        }
        return all;
    }
}
