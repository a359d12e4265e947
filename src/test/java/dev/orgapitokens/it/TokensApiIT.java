package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §3 and §4 over HTTP, on both front doors, against the real server. */
class TokensApiIT extends ServerTest {

    static final Pattern KEY_FORMAT = Pattern.compile("oat_[0-9A-Za-z]{49}");

    static TestRealm realm;
    static String realmAdmin;
    static String viewRealmAdmin;
    static String tokenViewer;
    static String tokenManager;
    static String superUser;
    static String observer;

    @BeforeAll
    static void setUp() {
        realm = newRealm("api");
        realmAdmin = realm.userWithRoles("rita", List.of(), List.of("realm-admin"));
        viewRealmAdmin = realm.userWithRoles("vera", List.of(), List.of("view-realm"));
        tokenViewer = realm.userWithRoles("tom", List.of(), List.of("view-api-tokens"));
        tokenManager = realm.userWithRoles("mona", List.of(), List.of("manage-api-tokens"));
        superUser = realm.userWithRoles("alice", List.of("super-user"), List.of());
        observer = realm.userWithRoles("olga", List.of("observer"), List.of());
    }

    /** A front door and a caller allowed to write through it. */
    record Door(String label, String url, String bearer) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Door> writers() {
        return Stream.of(
                new Door("master admin, admin path", realm.adminTokens(), TestRealm.masterAdminToken()),
                new Door("realm admin, admin path", realm.adminTokens(), realmAdmin),
                new Door("manage-api-tokens, admin path", realm.adminTokens(), tokenManager),
                new Door("super-user, realm path", realm.realmTokens(), superUser));
    }

    static Map<String, Object> body(String name, String role, List<String> sites) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("role", role);
        body.put("sites", sites);
        return body;
    }

    static JsonNode create(Door door, Map<String, Object> body) {
        Http.Response r = Http.postJson(door.url(), door.bearer(), body);
        assertEquals(201, r.status(), "create: " + r);
        return r.json();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void createReadUpdateRotateDelete(Door door) {
        String name = unique("ci-pipeline");
        Http.Response created = Http.postJson(door.url(), door.bearer(), body(name, "network-admin", List.of("site-1", "site-2")));
        assertEquals(201, created.status(), created.describe());
        JsonNode token = created.json();
        String id = token.get("id").asText();
        String key = token.get("key").asText();
        assertTrue(KEY_FORMAT.matcher(key).matches(), "key has the SPEC §6 format");
        assertEquals(door.url() + "/" + id, created.header("Location"));
        assertEquals(name, token.get("name").asText());
        assertEquals("network-admin", token.get("role").asText());
        assertEquals(List.of("site-1", "site-2"), strings(token.get("sites")));
        assertTrue(token.get("organizationId").isNull());
        assertEquals(key.substring(0, 8) + "\u2026" + key.substring(key.length() - 4), token.get("keyHint").asText());
        assertTrue(token.get("lastUsedAt").isNull());
        assertTrue(token.get("expiresAt").isNull());
        assertEquals(0, token.get("allowedCidrs").size());
        assertFalse(token.get("exposed").asBoolean());
        assertTrue(Math.abs(token.get("createdAt").asLong() - System.currentTimeMillis()) < 60_000);

        Http.Response read = Http.get(door.url() + "/" + id, door.bearer());
        assertEquals(200, read.status(), read.describe());
        assertFalse(read.json().has("key"), "the key is shown only once");
        assertEquals(token.get("keyHint"), read.json().get("keyHint"));

        long expiry = System.currentTimeMillis() + 86_400_000L;
        Http.Response updated = Http.putJson(door.url() + "/" + id, door.bearer(), Map.of(
                "name", name + "-renamed", "role", "observer", "sites", List.of("*"),
                "expiresAt", expiry, "allowedCidrs", List.of("10.0.0.0/8", "2001:db8::/32")));
        assertEquals(200, updated.status(), updated.describe());
        JsonNode after = updated.json();
        assertEquals(name + "-renamed", after.get("name").asText());
        assertEquals("observer", after.get("role").asText());
        assertEquals(List.of("*"), strings(after.get("sites")));
        assertEquals(expiry, after.get("expiresAt").asLong());
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), strings(after.get("allowedCidrs")));
        assertEquals(token.get("keyHint"), after.get("keyHint"), "an edit keeps the key");
        assertFalse(after.has("key"));
        assertTrue(after.get("updatedAt").asLong() >= token.get("updatedAt").asLong());

        Http.Response rotated = Http.send("POST", door.url() + "/" + id + "/rotate", door.bearer(), null, null);
        assertEquals(200, rotated.status(), rotated.describe());
        String newKey = rotated.json().get("key").asText();
        assertTrue(KEY_FORMAT.matcher(newKey).matches());
        assertNotEquals(key, newKey);
        assertNotEquals(token.get("keyHint").asText(), rotated.json().get("keyHint").asText());
        assertEquals("observer", rotated.json().get("role").asText(), "rotation keeps everything but the key");

        assertEquals(204, Http.delete(door.url() + "/" + id, door.bearer()).status());
        assertEquals(404, Http.get(door.url() + "/" + id, door.bearer()).status());
        Http.Response again = Http.delete(door.url() + "/" + id, door.bearer());
        assertEquals(404, again.status());
        assertEquals("not_found", again.json().get("error").asText());
    }

    @Test
    void serviceIdentityHoldsOnlyTheTokenRoleAndNoCredentialsAndGoesWithTheToken() {
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", realm.adminTokens(), admin);
        JsonNode token = create(door, body(unique("identity"), "helpdesk", List.of("*")));
        String id = token.get("id").asText();

        JsonNode users = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + id), admin).json();
        assertEquals(1, users.size(), "one service identity per token");
        String userId = users.get(0).get("id").asText();
        assertEquals(List.of("helpdesk"), roleNames(Http.get(realm.adminUrl("/users/" + userId + "/role-mappings/realm"), admin).json()));
        assertEquals(0, Http.get(realm.adminUrl("/users/" + userId + "/credentials"), admin).json().size(), "no password");

        assertEquals(200, Http.putJson(door.url() + "/" + id, admin, Map.of("role", "super-user")).status());
        assertEquals(List.of("super-user"), roleNames(Http.get(realm.adminUrl("/users/" + userId + "/role-mappings/realm"), admin).json()));

        assertEquals(204, Http.delete(door.url() + "/" + id, admin).status());
        assertEquals(404, Http.get(realm.adminUrl("/users/" + userId), admin).status(), "identity removed with the token");
    }

    @Test
    void deletingTheServiceIdentityDeletesItsToken() {
        String admin = TestRealm.masterAdminToken();
        JsonNode token = create(new Door("admin", realm.adminTokens(), admin), body(unique("orphan"), "observer", List.of("*")));
        String id = token.get("id").asText();
        String userId = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + id), admin).json().get(0).get("id").asText();

        assertEquals(204, Http.delete(realm.adminUrl("/users/" + userId), admin).status());
        assertEquals(404, Http.get(realm.adminTokens() + "/" + id, admin).status());
        assertEquals(0, Database.count("select count(*) from ORG_API_TOKEN where ID = ?", id));
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"name\": \"x\", ", "Malformed JSON"),
                Arguments.of("[]", "must be a JSON object"),
                Arguments.of("", "must be a JSON object"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"colour\":\"red\"}", "Unknown field 'colour'"),
                Arguments.of("{\"name\":\"a\",\"name\":\"b\",\"role\":\"observer\",\"sites\":[\"*\"]}", "Malformed JSON"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"]} {}", "Malformed JSON at line 1"),
                Arguments.of("{\"name\":\"" + "\u0130".repeat(128) + "\",\"role\":\"observer\",\"sites\":[\"*\"]}", "name is too long to store"),
                Arguments.of("{\"name\":\"a\",\"role\":\"admin\",\"sites\":[\"*\"]}", "Unknown role 'admin'"),
                Arguments.of("{\"name\":\"a\",\"role\":7,\"sites\":[\"*\"]}", "Unknown role 7"),
                Arguments.of("{\"role\":\"observer\",\"sites\":[\"*\"]}", "name is required"),
                Arguments.of("{\"name\":\"a\",\"sites\":[\"*\"]}", "role is required"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\"}", "sites is required"),
                Arguments.of("{\"name\":\"\",\"role\":\"observer\",\"sites\":[\"*\"]}", "name must be 1 to 128 characters"),
                Arguments.of("{\"name\":\"" + "n".repeat(129) + "\",\"role\":\"observer\",\"sites\":[\"*\"]}", "name must be 1 to 128 characters long (got 129)"),
                Arguments.of("{\"name\":\"tab\\there\",\"role\":\"observer\",\"sites\":[\"*\"]}", "control characters (found U+0009"),
                Arguments.of("{\"name\":\" padded\",\"role\":\"observer\",\"sites\":[\"*\"]}", "must not start or end with whitespace"),
                Arguments.of("{\"name\":\"   \",\"role\":\"observer\",\"sites\":[\"*\"]}", "must not be blank"),
                Arguments.of("{\"name\":5,\"role\":\"observer\",\"sites\":[\"*\"]}", "name must be a string"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[]}", "sites must not be empty"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":\"*\"}", "sites must be an array"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\",\"s1\"]}", "cannot be combined"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"bad site\"]}", "Invalid site id \"bad site\""),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"" + "s".repeat(65) + "\"]}", "Invalid site id"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"s1\",\"s1\"]}", "Site id 's1' is listed twice"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":" + Http.toJson(IntStream.range(0, 501).mapToObj(i -> "s" + i).toList()) + "}", "at most 500 site ids (got 501)"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":[\"10.0.0.0/33\"]}", "prefix length outside 0..32"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":[\"example.com\"]}", "is not an IPv4 or IPv6 CIDR"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":[\"300.1.1.1/8\"]}", "is not an IPv4 or IPv6 CIDR"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":\"10.0.0.0/8\"}", "allowedCidrs must be an array"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":" + Http.toJson(IntStream.range(0, 51).mapToObj(i -> "10.0.0." + i).toList()) + "}", "at most 50 CIDRs"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"expiresAt\":1000}", "expiresAt is in the past"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"expiresAt\":\"tomorrow\"}", "expiresAt must be a time in epoch milliseconds"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"key\":\"mine\"}", "key is generated by the server"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"organizationId\":\"no-such-org\"}", "organizationId"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badBodies")
    void badCreateBodiesAre400WithAPreciseMessageAndCreateNothing(String json, String expected) {
        String admin = TestRealm.masterAdminToken();
        long before = Database.count("select count(*) from ORG_API_TOKEN");
        long usersBefore = Database.count("select count(*) from USER_ENTITY where USERNAME like 'api-token-%'");
        for (String url : List.of(realm.adminTokens(), realm.realmTokens())) {
            Http.Response r = Http.send("POST", url, url.contains("/admin/") ? admin : superUser, "application/json", json);
            assertEquals(400, r.status(), r.describe());
            assertEquals("invalid_request", r.json().get("error").asText());
            assertTrue(r.json().get("error_description").asText().contains(expected),
                    "expected '" + expected + "' in " + r.describe());
        }
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "nothing stored");
        assertEquals(usersBefore, Database.count("select count(*) from USER_ENTITY where USERNAME like 'api-token-%'"), "no identity left");
    }

    @Test
    void badUpdateIs400AndChangesNothing() {
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", realm.adminTokens(), admin);
        JsonNode token = create(door, body(unique("stable"), "observer", List.of("a", "b")));
        String url = door.url() + "/" + token.get("id").asText();
        for (String bad : List.of("{\"role\":\"boss\"}", "{\"sites\":[]}", "{\"name\":null}", "{\"role\":\"super-user\",\"sites\":[\"bad site\"]}",
                "{\"allowedCidrs\":[\"1.2.3.4/40\"]}", "{\"expiresAt\":5}", "{\"organizationId\":\"other\"}", "{\"extra\":1}", "not json")) {
            Http.Response r = Http.send("PUT", url, admin, "application/json", bad);
            assertEquals(400, r.status(), bad + " -> " + r.describe());
        }
        JsonNode now = Http.get(url, admin).json();
        assertEquals("observer", now.get("role").asText(), "a rejected update changes nothing, even fields that were valid");
        assertEquals(List.of("a", "b"), strings(now.get("sites")));
        assertEquals(token.get("updatedAt"), now.get("updatedAt"));
    }

    @Test
    void readOnlyFieldsOfAGetBodyCanBeSentBackAsPut() {
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", realm.adminTokens(), admin);
        JsonNode token = create(door, body(unique("roundtrip"), "observer", List.of("*")));
        String url = door.url() + "/" + token.get("id").asText();
        com.fasterxml.jackson.databind.node.ObjectNode read = (com.fasterxml.jackson.databind.node.ObjectNode) Http.get(url, admin).json();
        read.put("role", "helpdesk");
        Http.Response r = Http.putJson(url, admin, read.toString());
        assertEquals(200, r.status(), r.describe());
        assertEquals("helpdesk", r.json().get("role").asText());
        assertEquals(token.get("createdAt"), r.json().get("createdAt"));
    }

    @Test
    void unicodeNamesRoundTripOnEveryDatabase() {
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", realm.adminTokens(), admin);
        String name = "\uD83D\uDE80 d\u00E9ploiement \u0645\u0631\u062D\u0628\u0627 " + UUID.randomUUID().toString().substring(0, 6);
        String longest = "\uD83D\uDD11".repeat(127) + "k"; // 128 characters, 255 UTF-16 units
        for (String n : List.of(name, longest)) {
            JsonNode created = create(door, body(n, "observer", List.of("*")));
            assertEquals(n, Http.get(door.url() + "/" + created.get("id").asText(), admin).json().get("name").asText());
        }
        assertEquals(List.of(name), names(list(realm, admin, "?search=" + Http.enc("D\u00C9PLOIEMENT \u0645\u0631"))));
    }

    @Test
    void bodyOver64KiBIsRefused() {
        String huge = "{\"name\":\"big\",\"role\":\"observer\",\"sites\":[\"*\"],\"pad\":\"" + "x".repeat(70_000) + "\"}";
        Http.Response r = Http.send("POST", realm.adminTokens(), TestRealm.masterAdminToken(), "application/json", huge);
        assertEquals(413, r.status(), r.describe());
        assertEquals("request_too_large", r.json().get("error").asText());
    }

    @Test
    void listIsPagedOrderedByNameSearchableAndFilterable() {
        TestRealm own = newRealm("list");
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", own.adminTokens(), admin);
        for (String[] t : new String[][] {{"charlie", "observer"}, {"Alpha", "helpdesk"}, {"bravo_1", "observer"},
                {"bravo%2", "network-admin"}, {"delta", "super-user"}}) {
            create(door, body(t[0], t[1], List.of("*")));
        }
        // Letters order alike everywhere; how '%' and '_' compare follows the database's collation.
        List<String> all = names(list(own, admin, ""));
        assertEquals(List.of("Alpha", "charlie", "delta"), List.of(all.get(0), all.get(3), all.get(4)), "ordered by name, case-insensitively: " + all);
        assertEquals(java.util.Set.of("bravo%2", "bravo_1"), java.util.Set.copyOf(all.subList(1, 3)));
        assertEquals(all.subList(1, 3), names(list(own, admin, "?first=1&max=2")));
        assertEquals(List.of("delta"), names(list(own, admin, "?first=4&max=100")));
        assertEquals(List.of(), names(list(own, admin, "?first=10")));
        assertEquals(5, list(own, admin, "?max=5000").size(), "max above 1000 is capped, not refused");
        assertEquals(List.of("Alpha"), names(list(own, admin, "?search=ALP")), "case-insensitive");
        assertEquals(all.subList(1, 3), names(list(own, admin, "?search=AV")), "substring");
        assertEquals(List.of("bravo%2"), names(list(own, admin, "?search=" + Http.enc("%"))), "% is literal");
        assertEquals(List.of("bravo_1"), names(list(own, admin, "?search=_")), "_ is literal");
        assertEquals(List.of("bravo_1", "charlie"), names(list(own, admin, "?role=observer")));
        assertEquals(List.of("charlie"), names(list(own, admin, "?role=observer&search=c")));
        assertEquals(List.of(), names(list(own, admin, "?organizationId=" + UUID.randomUUID())));

        for (String bad : List.of("?first=-1", "?max=0", "?max=ten", "?first=x", "?role=boss")) {
            Http.Response r = Http.get(own.adminTokens() + bad, admin);
            assertEquals(400, r.status(), bad + " -> " + r.describe());
            assertEquals("invalid_request", r.json().get("error").asText());
        }
    }

    @Test
    void namesAreUniquePerRealmCaseInsensitively() {
        String admin = TestRealm.masterAdminToken();
        Door door = new Door("admin", realm.adminTokens(), admin);
        String name = unique("dup");
        create(door, body(name, "observer", List.of("*")));
        for (String clash : List.of(name, name.toUpperCase())) {
            Http.Response r = Http.postJson(door.url(), admin, body(clash, "observer", List.of("*")));
            assertEquals(409, r.status(), r.describe());
            assertEquals("conflict", r.json().get("error").asText());
        }
        JsonNode other = create(door, body(unique("other"), "observer", List.of("*")));
        Http.Response rename = Http.putJson(door.url() + "/" + other.get("id").asText(), admin, Map.of("name", name));
        assertEquals(409, rename.status(), rename.describe());
        // the same name in another realm is fine
        TestRealm second = newRealm("dup");
        create(new Door("admin", second.adminTokens(), admin), body(name, "observer", List.of("*")));
    }

    @Test
    void concurrentCreatesOfOneNameGiveExactlyOneWinner() throws Exception {
        String admin = TestRealm.masterAdminToken();
        String name = unique("race");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(() -> Http.postJson(realm.adminTokens(), admin, body(name, "observer", List.of("*"))).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) statuses.add(f.get());
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
            assertEquals(callers - 1, statuses.stream().filter(s -> s == 409).count(), "statuses " + statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, names(list(realm, admin, "?search=" + name)).size());
        assertEquals(1, Database.count("select count(*) from USER_ENTITY u join ORG_API_TOKEN t on t.SERVICE_USER_ID = u.ID where t.NAME = ?", name));
        assertEquals(0, Database.count("select count(*) from USER_ENTITY u where u.USERNAME like 'api-token-%' and u.REALM_ID = "
                + "(select ID from REALM where NAME = ?) and not exists (select 1 from ORG_API_TOKEN t where t.SERVICE_USER_ID = u.ID)", realm.name),
                "losers leave no service identity behind");
    }

    @Test
    void concurrentEditsAndRotationsNeverResurrectAnOldKey() throws Exception {
        String admin = TestRealm.masterAdminToken();
        JsonNode token = create(new Door("admin", realm.adminTokens(), admin), body(unique("busy"), "observer", List.of("*")));
        String url = realm.adminTokens() + "/" + token.get("id").asText();
        TestRealm realmRef = realm;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String role = round % 2 == 0 ? "helpdesk" : "observer";
                Future<Http.Response> edit = pool.submit(() -> Http.putJson(url, admin, Map.of("role", role, "sites", List.of("s" + role))));
                Future<Http.Response> rotation = pool.submit(() -> Http.send("POST", url + "/rotate", admin, null, null));
                assertEquals(200, edit.get().status(), edit.get().describe());
                assertEquals(200, rotation.get().status(), rotation.get().describe());
                String newKey = rotation.get().json().get("key").asText();
                JsonNode now = Http.get(url, admin).json();
                assertEquals(rotation.get().json().get("keyHint"), now.get("keyHint"), "the edit did not write the old key back");
                assertEquals(role, now.get("role").asText(), "the rotation did not undo the edit");
                assertEquals(200, KeyLogin.withForm(realmRef, newKey).status(), "the newest key works");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokensOfAnotherRealmAre404() {
        String admin = TestRealm.masterAdminToken();
        JsonNode token = create(new Door("admin", realm.adminTokens(), admin), body(unique("mine"), "observer", List.of("*")));
        TestRealm other = newRealm("other");
        String otherSuper = other.userWithRoles("sam", List.of("super-user"), List.of());
        String id = token.get("id").asText();
        for (Door door : List.of(new Door("admin", other.adminTokens(), admin), new Door("realm", other.realmTokens(), otherSuper))) {
            assertEquals(404, Http.get(door.url() + "/" + id, door.bearer()).status());
            assertEquals(404, Http.putJson(door.url() + "/" + id, door.bearer(), Map.of("role", "super-user")).status());
            assertEquals(404, Http.send("POST", door.url() + "/" + id + "/rotate", door.bearer(), null, null).status());
            assertEquals(404, Http.delete(door.url() + "/" + id, door.bearer()).status());
            assertTrue(names(list(other, admin, "")).isEmpty());
        }
        assertEquals("observer", Http.get(realm.adminTokens() + "/" + id, admin).json().get("role").asText(), "untouched");
        // a super-user of the other realm cannot use its token on this realm's door
        assertEquals(401, Http.get(realm.realmTokens(), otherSuper).status());
    }

    @Test
    void permissions() {
        String admin = TestRealm.masterAdminToken();
        String id = create(new Door("admin", realm.adminTokens(), admin), body(unique("perm"), "observer", List.of("*"))).get("id").asText();
        String adminPath = realm.adminTokens();
        String realmPath = realm.realmTokens();

        // anonymous and garbage tokens: 401 on both doors
        for (String url : List.of(adminPath, realmPath)) {
            assertEquals(401, Http.get(url, null).status(), url);
            assertEquals(401, Http.postJson(url, null, body("x", "observer", List.of("*"))).status(), url);
            assertEquals(401, Http.get(url, "not-a-token").status(), url);
        }
        Http.Response anonymousRealm = Http.get(realmPath + "/" + id, null);
        assertEquals("unauthorized", anonymousRealm.json().get("error").asText());

        // readers: view-realm and view-api-tokens read but do not write
        for (String reader : List.of(viewRealmAdmin, tokenViewer)) {
            assertEquals(200, Http.get(adminPath, reader).status());
            assertEquals(200, Http.get(adminPath + "/" + id, reader).status());
            assertForbidden(Http.postJson(adminPath, reader, body(unique("no"), "observer", List.of("*"))));
            assertForbidden(Http.putJson(adminPath + "/" + id, reader, Map.of("role", "super-user")));
            assertForbidden(Http.send("POST", adminPath + "/" + id + "/rotate", reader, null, null));
            assertForbidden(Http.delete(adminPath + "/" + id, reader));
        }
        // realm users without admin roles get nothing on the admin path, whatever their realm role
        for (String user : List.of(superUser, observer)) {
            assertEquals(403, Http.get(adminPath, user).status());
            assertEquals(403, Http.postJson(adminPath, user, body(unique("no"), "observer", List.of("*"))).status());
        }
        // realm path: super-user only
        assertEquals(200, Http.get(realmPath, superUser).status());
        for (String notSuper : List.of(observer, realmAdmin, viewRealmAdmin)) {
            assertForbidden(Http.get(realmPath, notSuper));
            assertForbidden(Http.get(realmPath + "/" + id, notSuper));
            assertForbidden(Http.delete(realmPath + "/" + id, notSuper));
        }
        // a master admin token belongs to another realm: not a user of this realm
        assertEquals(401, Http.get(realmPath, admin).status());
        assertEquals(200, Http.get(adminPath + "/" + id, admin).status(), "nothing above changed the token");
    }

    @Test
    void everyChangeIsAnAdminEventWithoutKeyMaterial() {
        String admin = TestRealm.masterAdminToken();
        TestRealm own = newRealm("events");
        String alice = own.userWithRoles("alice", List.of("super-user"), List.of());
        for (Door door : List.of(new Door("admin", own.adminTokens(), admin), new Door("realm", own.realmTokens(), alice))) {
            JsonNode token = create(door, body(unique("evt"), "observer", List.of("*")));
            String id = token.get("id").asText();
            String firstKey = token.get("key").asText();
            assertEquals(200, Http.putJson(door.url() + "/" + id, door.bearer(), Map.of("role", "helpdesk")).status());
            String secondKey = Http.send("POST", door.url() + "/" + id + "/rotate", door.bearer(), null, null).json().get("key").asText();
            assertEquals(204, Http.delete(door.url() + "/" + id, door.bearer()).status());

            // Keycloak's event query only filters on its own resource types, so filter on the path.
            Http.Response found = Http.get(own.adminUrl("/admin-events?resourcePath=" + Http.enc("org-api-tokens/" + id)), admin);
            assertEquals(200, found.status(), found.describe());
            JsonNode events = found.json();
            List<String> operations = new ArrayList<>();
            events.forEach(e -> operations.add(e.get("operationType").asText()));
            events.forEach(e -> assertEquals("ORG_API_TOKEN", e.get("resourceType").asText()));
            java.util.Collections.reverse(operations); // newest first
            assertEquals(List.of("CREATE", "UPDATE", "ACTION", "DELETE"), operations, door.label());
            String text = events.toString();
            assertFalse(text.contains(firstKey.substring(4)) || text.contains(secondKey.substring(4)), "no key in admin events");
            JsonNode created = events.get(events.size() - 1);
            assertNotNull(created.get("representation"), "details are recorded");
            assertTrue(created.get("representation").asText().contains("\"keyHint\""));
            assertFalse(created.get("representation").asText().contains("\"key\""));
        }
    }

    private static void assertForbidden(Http.Response r) {
        assertEquals(403, r.status(), r.describe());
    }

    private static JsonNode list(TestRealm realm, String bearer, String query) {
        Http.Response r = Http.get(realm.adminTokens() + query, bearer);
        assertEquals(200, r.status(), r.describe());
        return r.json();
    }

    static List<String> names(JsonNode tokens) {
        List<String> names = new ArrayList<>();
        tokens.forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static List<String> roleNames(JsonNode roles) {
        List<String> names = new ArrayList<>();
        roles.forEach(r -> names.add(r.get("name").asText()));
        return names;
    }
}
