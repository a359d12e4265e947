package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell examples of the README and of every page of {@code docs/}, run against the suite's server,
 * so that they cannot drift from what the extension does. README.md and docs/*.md are the only
 * sources of the examples.
 *
 * <p>The convention: a {@code ```bash} block whose line above is {@code <!-- run: name -->} is run by
 * this test (as the dynamic test "docs/api.md block 'name' (line n)"); {@code <!-- not run: why -->}
 * exempts one. A bash block that talks to the server ({@code $KC} or {@code kcadm.sh}) must carry one
 * of the two. Names are unique across all pages, so that a block keeps its checks when it moves
 * from one page to another.
 *
 * <p>Each marked block runs on its own in {@code bash -euo pipefail}, in the unpacked distribution's
 * home (so {@code bin/kcadm.sh} is Keycloak's, logged in beforehand as the master admin; its config
 * lives in a temporary home), with {@code http://localhost:8080} replaced by the server's URL (and
 * {@code http://localhost:9000}, the demo's management port, by the server's) and
 * {@code KC} (that URL), {@code API_KEY} and {@code LEAKED_KEY} (keys of two tokens of the realm
 * {@code demo}, created from {@code demo/demo-realm.json}) in its environment. {@code curl} is a
 * function that adds {@code --fail-with-body}, so any answer of 400 or more fails the block, and
 * records each status: a curl command whose trailing comment holds a three-digit number ({@code # 201},
 * {@code # always 200 ...}) must answer exactly that. Then the checks below test what the page
 * says about the block's effect. Output is printed with keys redacted, and every key in it joins
 * {@link Http#ISSUED_KEYS} for the suite's leak scan.
 */
class ReadmeExamplesIT extends ServerTest {

    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("docs");
    static final String README_URL = "http://localhost:8080";
    /** The demo's management port, where Keycloak serves /metrics. */
    static final String README_MANAGEMENT_URL = "http://localhost:9000";
    static final Pattern RUN = Pattern.compile("^<!--\\s*run:\\s*([A-Za-z0-9-]+)\\s*-->$");
    static final Pattern NOT_RUN = Pattern.compile("^<!--\\s*not run:.*-->$");
    static final Pattern TALKS_TO_SERVER = Pattern.compile("\\$KC\\b|\\$\\{KC\\}|kcadm\\.sh");
    static final Pattern CURL = Pattern.compile("(?:^|[\\s(;|&])curl\\s");
    static final Pattern TRAILING_COMMENT = Pattern.compile("\\s#\\s(.*)$");
    static final Pattern STATUS_IN_COMMENT = Pattern.compile("\\b(\\d{3})\\b");
    static final Pattern KEY = Pattern.compile("oat_[A-Za-z0-9]{20,}");
    static final String STATUS_MARK = "@@readme-http ";
    static final Pattern STATUS_LINE = Pattern.compile("\\n?" + STATUS_MARK + "(\\d{3})\\n");
    /** One line, so that bash's line numbers in error messages are the block's own. */
    static final String PREAMBLE = "curl() { command curl -S --fail-with-body -w '%{stderr}\\n" + STATUS_MARK + "%{http_code}\\n' \"$@\"; }; ";

    /** A fenced code block of a page ({@code README.md}, {@code docs/api.md}, ...); {@code line} is the line of its opening fence. */
    record Block(String page, String name, boolean exempt, int line, String lang, String code) {
        String label() {
            return page + " block '" + name + "' (line " + line + ")";
        }
    }

    record Run(int exit, String output, List<Integer> statuses) {
    }

    /** A curl command of a block: its line in the page (where it starts) and the status its comment promises, if any. */
    record CurlCall(int line, Integer status) {
    }

    @TempDir
    static Path home;
    static TestRealm demo;
    static String admin;
    static String apiKey;
    static String apiKeyTokenId;
    static String leakedKey;
    static String leakedKeyTokenId;
    static String rotatedKey;
    static String rotatedTokenId;

    /** What each block's effect must be, beyond running without error and with the statuses its comments give. */
    static final Map<String, BiConsumer<Block, String>> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("first-key", (b, output) -> {
            assertEquals(0, distinctKeys(output), b.label() + ": the walk keeps the key in a variable and never shows it:\n" + Http.redact(output));
            assertEquals(1, count(output, "\"access_token\""), b.label() + ": the key login gives an access token:\n" + Http.redact(output));
            String lower = output.toLowerCase(java.util.Locale.ROOT);
            assertTrue(lower.contains("x-api-token-role: observer"), b.label() + ": the gateway check names the role:\n" + Http.redact(output));
            JsonNode listed = Http.get(demo.adminTokens() + "?search=my-first-script", TestRealm.masterAdminToken()).json();
            assertEquals(1, listed.size(), b.label() + ": the token was created: " + listed);
        });
        CHECKS.put("admin-shell", (b, output) -> {
            Run kcadm;
            try {
                kcadm = run("bin/kcadm.sh get realms/demo --fields realm");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(0, kcadm.exit(), b.label() + ": kcadm.sh is logged in afterwards: " + Http.redact(kcadm.output()));
        });
        CHECKS.put("realm-policy", (b, output) ->
                assertTrue(output.contains("\"loginRateLimitPerHour\":5000"), b.label() + ": the demo realm answers the default policy:\n" + output));
        CHECKS.put("admin-events", (b, output) -> {
            assertTrue(output.contains("\"resourceType\":\"ORG_API_TOKEN\""), b.label() + ": the token changes are admin events:\n" + Http.redact(output));
            assertEquals(0, distinctKeys(output), b.label() + ": no admin event holds a key:\n" + Http.redact(output));
        });
        CHECKS.put("errors-with-field", (b, output) -> {
            assertTrue(output.contains("\"error\":\"invalid_request\""), b.label() + ": " + output);
            assertTrue(output.contains("\"field\":\"sites\""), b.label() + ": the error names the field: " + output);
            assertEquals(0, Http.get(demo.adminTokens() + "?search=bad-site", TestRealm.masterAdminToken()).json().size(), b.label() + ": nothing was created");
        });
        CHECKS.put("usage", (b, output) -> {
            assertTrue(output.contains("\"tokenId\":\"" + rotatedTokenId + "\""), b.label() + ": the answer names the token:\n" + output);
            assertTrue(output.contains("\"days\":7"), b.label() + ": and the window asked for:\n" + output);
        });
        CHECKS.put("metrics", (b, output) -> {
            assertTrue(output.contains("org_api_tokens_key_uses_total{"), b.label() + ": key uses are counted:\n" + output);
            assertTrue(output.contains("org_api_tokens_operations_total{"), b.label() + ": and token operations:\n" + output);
        });
        CHECKS.put("scanner-rule", (b, output) ->
                assertEquals("1", output.strip(), b.label() + ": the scanner rule finds one key in the line"));
        CHECKS.put("console-theme", (b, output) -> {
            for (String realm : List.of("master", "demo")) {
                Http.Response r = Http.get(KeycloakServer.server().url() + "/admin/realms/" + realm, TestRealm.masterAdminToken());
                assertEquals("org-api-tokens", r.json().path("adminTheme").asText(), b.label() + ": admin theme of " + realm);
            }
        });
        CHECKS.put("account-theme", (b, output) ->
                assertEquals("org-api-tokens", Http.get(demo.adminUrl(""), TestRealm.masterAdminToken()).json().path("accountTheme").asText(), b.label() + ": account theme of demo"));
        CHECKS.put("curl", (b, output) -> {
            assertEquals(2, distinctKeys(output), b.label() + ": the create and the rotate answers each show a key:\n" + Http.redact(output));
            Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(output);
            assertTrue(id.find(), b.label() + ": the create answer holds the token id:\n" + Http.redact(output));
            assertTrue(output.contains("[{\"id\":\"" + id.group(1) + "\""), b.label() + ": the search lists the new token:\n" + Http.redact(output));
            assertTrue(output.contains("\"role\":\"observer\""), b.label() + ": the PUT changes the role:\n" + Http.redact(output));
            assertEquals(404, Http.get(demo.adminTokens() + "/" + id.group(1), TestRealm.masterAdminToken()).status(), b.label() + ": the DELETE removes the token");
        });
        CHECKS.put("kcadm", (b, output) -> {
            assertEquals(1, distinctKeys(output), b.label() + ": the rotation prints the token with its key:\n" + Http.redact(output));
            // once in the rotation's answer, once in the search's
            assertEquals(2, count(output, "\"nightly-backup\""), b.label() + ": the search lists the token:\n" + Http.redact(output));
            assertEquals(0, Http.get(demo.adminTokens() + "?search=nightly-backup", TestRealm.masterAdminToken()).json().size(), b.label() + ": the delete removes the token");
            Matcher key = KEY.matcher(output);
            key.find();
            assertEquals(401, selfStatus(key.group()), b.label() + ": the deleted token's key is refused");
        });
        CHECKS.put("using-a-key", (b, output) -> {
            assertEquals(2, count(output, "\"access_token\""), b.label() + ": both logins give an access token:\n" + Http.redact(output));
            assertFalse(output.contains("refresh_token"), b.label() + ": a key login gives no refresh_token:\n" + Http.redact(output));
        });
        CHECKS.put("checking-a-key", (b, output) -> {
            assertEquals(2, count(output, "\"id\":\"" + apiKeyTokenId + "\""), b.label() + ": both checks answer the token:\n" + Http.redact(output));
            assertFalse(output.contains(apiKey), b.label() + ": the answer never holds the key");
        });
        CHECKS.put("graceful-rotation", (b, output) -> {
            Matcher key = Pattern.compile("oat_[A-Za-z0-9]{49}").matcher(output);
            assertTrue(key.find(), b.label() + ": the answer holds the new key");
            assertTrue(output.contains("\"previousKeyHint\":\"oat_"), b.label() + ": and the old key's hint: " + Http.redact(output));
            assertEquals(200, selfStatus(rotatedKey), b.label() + ": the old key still works");
            assertEquals(200, selfStatus(key.group()), b.label() + ": so does the new one");
        });
        CHECKS.put("behind-a-gateway", (b, output) -> {
            String lower = output.toLowerCase(java.util.Locale.ROOT);
            assertTrue(lower.contains("x-api-token-id: " + apiKeyTokenId), b.label() + ": the 200 names the token:\n" + Http.redact(output));
            assertTrue(lower.contains("x-api-token-role: observer"), b.label() + ": and its role:\n" + Http.redact(output));
            assertTrue(lower.contains("www-authenticate: token realm=\"demo\""), b.label() + ": the 401 says how to authenticate:\n" + Http.redact(output));
            assertFalse(output.contains(apiKey), b.label() + ": no answer holds the key");
        });
        CHECKS.put("lifecycle-notices", (b, output) -> {
            JsonNode policy = Http.get(demo.adminTokens() + "/settings", TestRealm.masterAdminToken()).json();
            assertEquals("[30,7,1]", policy.get("expiryNoticeDays").toString(), b.label() + ": " + policy);
            assertEquals(365, policy.get("deleteUnusedAfterDays").asInt(), b.label() + ": " + policy);
            assertEquals("[\"security@example.com\"]", policy.get("noticeEmails").toString(), b.label() + ": " + policy);
            assertTrue(output.contains("{\"sent\":0,\"deleted\":0}") || output.contains("{\"deleted\":0,\"sent\":0}"),
                    b.label() + ": the run answers what it did:\n" + Http.redact(output));
        });
        CHECKS.put("reporting-a-leaked-key", (b, output) -> {
            assertTrue(output.contains("{\"status\":\"received\"}"), b.label() + ": " + Http.redact(output));
            Http.Response token = Http.get(demo.adminTokens() + "/" + leakedKeyTokenId, TestRealm.masterAdminToken());
            assertTrue(token.json().path("exposed").asBoolean(), b.label() + ": the reported token shows exposed: " + token);
            assertEquals(401, selfStatus(leakedKey), b.label() + ": the reported key is refused");
        });
    }

    @BeforeAll
    static void demoRealmAndKcadm() throws Exception {
        demo = newRealmFromJson(Files.readString(Path.of("demo/demo-realm.json")));
        admin = TestRealm.masterAdminToken();
        Http.Response key = Http.postJson(demo.adminTokens(), admin, Map.of("name", "readme-api-key", "role", "observer", "sites", List.of("*")));
        assertEquals(201, key.status(), key.describe());
        apiKey = key.json().get("key").asText();
        apiKeyTokenId = key.json().get("id").asText();
        Http.Response leaked = Http.postJson(demo.adminTokens(), admin, Map.of("name", "readme-leaked-key", "role", "observer", "sites", List.of("*")));
        assertEquals(201, leaked.status(), leaked.describe());
        leakedKey = leaked.json().get("key").asText();
        leakedKeyTokenId = leaked.json().get("id").asText();
        Http.Response rotated = Http.postJson(demo.adminTokens(), admin, Map.of("name", "readme-rotated", "role", "observer", "sites", List.of("*")));
        assertEquals(201, rotated.status(), rotated.describe());
        rotatedKey = rotated.json().get("key").asText();
        rotatedTokenId = rotated.json().get("id").asText();
        // A reader of the console theme lines has logged kcadm in, as "With kcadm.sh" shows.
        Run login = run("bin/kcadm.sh config credentials --server " + KeycloakServer.server().url() + " --realm master --user "
                + KeycloakServer.ADMIN_USER + " --password " + KeycloakServer.ADMIN_PASSWORD);
        assertEquals(0, login.exit(), "kcadm.sh config credentials: " + Http.redact(login.output()));
    }

    @Test
    void everyExampleThatTalksToTheServerIsMarked() throws IOException {
        List<Block> blocks = blocks();
        Set<String> names = new HashSet<>();
        for (Block b : blocks) {
            if (b.name() != null && !names.add(b.name())) {
                fail(b.page() + " line " + b.line() + ": a second block marked run: " + b.name() + " (names are unique across README.md and docs/)");
            }
            if (b.name() == null && !b.exempt() && b.lang().equals("bash") && TALKS_TO_SERVER.matcher(b.code()).find()) {
                fail(b.page() + " line " + b.line() + ": a bash block that talks to the server has no <!-- run: name --> "
                        + "(or <!-- not run: why -->) on the line above it, so ReadmeExamplesIT does not run it");
            }
        }
        for (String checked : CHECKS.keySet()) {
            assertTrue(names.contains(checked), "ReadmeExamplesIT checks the block marked <!-- run: " + checked
                    + " -->, which neither README.md nor a page of docs/ has any more: mark the block again or drop its check");
        }
    }

    @TestFactory
    Stream<DynamicTest> theMarkedExamplesRunAsTheReadmeSays() throws IOException {
        return blocks().stream().filter(b -> b.name() != null).map(b -> dynamicTest(b.label(), () -> {
            String management = KeycloakServer.server().metricsUrl().replaceFirst("/metrics$", "");
            Run run = run(b.code().replace(README_URL, KeycloakServer.server().url()).replace(README_MANAGEMENT_URL, management));
            String shown = Http.redact(run.output());
            System.out.println(b.label() + ":\n" + shown);
            assertEquals(0, run.exit(), b.label() + " failed with exit code " + run.exit() + " (bash's line numbers count from the block's "
                    + "first line, " + b.page() + " line " + (b.line() + 1) + "):\n" + shown);
            List<CurlCall> calls = curlCalls(b);
            assertEquals(calls.size(), run.statuses().size(), b.label() + ": ran " + run.statuses().size() + " curl commands, the block shows "
                    + calls.size() + ":\n" + shown);
            for (int i = 0; i < calls.size(); i++) {
                CurlCall call = calls.get(i);
                if (call.status() != null) {
                    assertEquals(call.status(), run.statuses().get(i), b.label() + ": the curl command of " + b.page() + " line " + call.line()
                            + " answered " + run.statuses().get(i) + ", its comment says " + call.status() + ":\n" + shown);
                }
            }
            CHECKS.getOrDefault(b.name(), (x, y) -> { }).accept(b, run.output());
        }));
    }

    /** The pages whose examples run: README.md, then every docs/*.md in name order. */
    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.size() > 1, "no page under " + DOCS.toAbsolutePath());
        return pages;
    }

    /** The fenced code blocks of every page, with the marker on the line above each, if any. */
    static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) blocks.addAll(blocks(page));
        return blocks;
    }

    /** The fenced code blocks of one page. */
    static List<Block> blocks(Path path) throws IOException {
        String page = path.toString().replace(File.separatorChar, '/');
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            Matcher marker = RUN.matcher(line);
            boolean isMarker = marker.matches() || NOT_RUN.matcher(line).matches();
            if (isMarker && (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```"))) {
                fail(page + " line " + (i + 1) + ": " + line + " must be the line right above a ``` fence");
            }
            if (!lines.get(i).startsWith("```")) continue;
            String previous = i > 0 ? lines.get(i - 1).trim() : "";
            Matcher run = RUN.matcher(previous);
            String name = run.matches() ? run.group(1) : null;
            boolean exempt = NOT_RUN.matcher(previous).matches();
            int open = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) code.append(lines.get(i)).append('\n');
            if (i >= lines.size()) fail(page + " line " + (open + 1) + ": a code block that never closes");
            blocks.add(new Block(page, name, exempt, open + 1, lines.get(open).substring(3).trim(), code.toString()));
        }
        return blocks;
    }

    /** The curl commands of a block in the order they run, with the status each one's trailing comment names. */
    static List<CurlCall> curlCalls(Block b) {
        List<CurlCall> calls = new ArrayList<>();
        String[] lines = b.code().split("\n");
        StringBuilder command = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (command.isEmpty()) {
                if (line.trim().startsWith("#")) continue;
                start = i;
            }
            if (line.endsWith("\\")) {
                command.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            Integer status = null;
            Matcher comment = TRAILING_COMMENT.matcher(line);
            if (comment.find()) {
                Matcher number = STATUS_IN_COMMENT.matcher(comment.group(1));
                if (number.find()) status = Integer.valueOf(number.group(1));
                line = line.substring(0, comment.start());
            }
            long curls = CURL.matcher(command.append(line)).results().count();
            for (long k = 0; k < curls; k++) calls.add(new CurlCall(b.line() + 1 + start, curls == 1 ? status : null));
            command.setLength(0);
        }
        return calls;
    }

    /** Runs shell code in {@code bash -euo pipefail} in the distribution's home; output and errors together, with the curl statuses taken out. */
    static Run run(String code) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", PREAMBLE + code)
                .directory(Path.of(KeycloakServer.required("keycloak.home")).toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("KC", KeycloakServer.server().url());
        env.put("API_KEY", apiKey == null ? "" : apiKey);
        env.put("LEAKED_KEY", leakedKey == null ? "" : leakedKey);
        // for blocks that go on from an earlier one: an admin token, and the id of a token to rotate
        env.put("ADMIN", TestRealm.masterAdminToken()); // fresh: master tokens last a minute
        env.put("ID", rotatedTokenId == null ? "" : rotatedTokenId);
        env.put("HOME", home.toString());
        env.put("KC_OPTS", "-Duser.home=" + home); // kcadm keeps its config in ~/.keycloak
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String raw;
        try {
            raw = output.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the output of an example block", e);
        }
        Http.remember(raw);
        List<Integer> statuses = new ArrayList<>();
        StringBuilder shown = new StringBuilder();
        Matcher status = STATUS_LINE.matcher(raw);
        while (status.find()) {
            statuses.add(Integer.valueOf(status.group(1)));
            // keep the line break an answer without one needs, drop the rest
            boolean midLine = status.start() > 0 && raw.charAt(status.start() - 1) != '\n';
            status.appendReplacement(shown, midLine ? "\n" : "");
        }
        status.appendTail(shown);
        return new Run(process.exitValue(), shown.toString(), statuses);
    }

    static int selfStatus(String key) {
        return Http.send(HttpRequest.newBuilder(URI.create(demo.realmTokens() + "/self")).header("X-API-Key", key).GET().build()).status();
    }

    static long distinctKeys(String text) {
        return KEY.matcher(text).results().map(java.util.regex.MatchResult::group).distinct().count();
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) n++;
        return n;
    }
}
