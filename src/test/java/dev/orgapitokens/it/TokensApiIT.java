package dev.orgapitokens.it;

import static dev.orgapitokens.it.TokensApiIT.Door.ADMIN;
import static dev.orgapitokens.it.TokensApiIT.Door.REALM;
import static dev.orgapitokens.it.TokensApiIT.Op.ACCESS;
import static dev.orgapitokens.it.TokensApiIT.Op.CREATE;
import static dev.orgapitokens.it.TokensApiIT.Who.ANONYMOUS;
import static dev.orgapitokens.it.TokensApiIT.Who.GARBAGE_TOKEN;
import static dev.orgapitokens.it.TokensApiIT.Who.MANAGE_API_TOKENS;
import static dev.orgapitokens.it.TokensApiIT.Who.MASTER_ADMIN;
import static dev.orgapitokens.it.TokensApiIT.Who.OBSERVER;
import static dev.orgapitokens.it.TokensApiIT.Who.REALM_ADMIN;
import static dev.orgapitokens.it.TokensApiIT.Who.SUPER_USER;
import static dev.orgapitokens.it.TokensApiIT.Who.VIEW_API_TOKENS;
import static dev.orgapitokens.it.TokensApiIT.Who.VIEW_REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
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
        // the callers' access tokens are taken once here and must outlive the class's run (default: 5 minutes)
        Http.Response lifespan = Http.putJson(realm.adminUrl(""), TestRealm.masterAdminToken(), Map.of("accessTokenLifespan", 3600));
        assertEquals(204, lifespan.status(), lifespan.describe());
        realmAdmin = realm.userWithRoles("rita", List.of(), List.of("realm-admin"));
        viewRealmAdmin = realm.userWithRoles("vera", List.of(), List.of("view-realm"));
        tokenViewer = realm.userWithRoles("tom", List.of(), List.of("view-api-tokens"));
        tokenManager = realm.userWithRoles("mona", List.of(), List.of("manage-api-tokens"));
        superUser = realm.userWithRoles("alice", List.of("super-user"), List.of());
        observer = realm.userWithRoles("olga", List.of("observer"), List.of());
    }

    /** A front door and a caller allowed to write through it. */
    record Writer(String label, String url, String bearer) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Writer> writers() {
        return Stream.of(
                new Writer("master admin, admin path", realm.adminTokens(), TestRealm.masterAdminToken()),
                new Writer("realm admin, admin path", realm.adminTokens(), realmAdmin),
                new Writer("manage-api-tokens, admin path", realm.adminTokens(), tokenManager),
                new Writer("super-user, realm path", realm.realmTokens(), superUser));
    }

    /** A fresh token of the test realm, made by the realm admin on the admin door. */
    static Tokens.Token fresh(String prefix) {
        return Tokens.create(realm.adminTokens(), realmAdmin, Tokens.body(Tokens.unique(prefix), "observer", List.of("*")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void createReadUpdateRotateDelete(Writer door) {
        String name = Tokens.unique("ci-pipeline");
        Http.Response created = Http.postJson(door.url(), door.bearer(), Tokens.body(name, "network-admin", List.of("site-1", "site-2")));
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
        String id = Tokens.create(realm, "helpdesk", List.of("*"), Map.of()).id();

        JsonNode users = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + id), admin).json();
        assertEquals(1, users.size(), "one service identity per token");
        String userId = users.get(0).get("id").asText();
        assertEquals(List.of("helpdesk"), roleNames(Http.get(realm.adminUrl("/users/" + userId + "/role-mappings/realm"), admin).json()));
        assertEquals(0, Http.get(realm.adminUrl("/users/" + userId + "/credentials"), admin).json().size(), "no password");

        assertEquals(200, Http.putJson(realm.adminTokens() + "/" + id, admin, Map.of("role", "super-user")).status());
        assertEquals(List.of("super-user"), roleNames(Http.get(realm.adminUrl("/users/" + userId + "/role-mappings/realm"), admin).json()));

        assertEquals(204, Http.delete(realm.adminTokens() + "/" + id, admin).status());
        assertEquals(404, Http.get(realm.adminUrl("/users/" + userId), admin).status(), "identity removed with the token");
    }

    @Test
    void deletingTheServiceIdentityDeletesItsToken() {
        String admin = TestRealm.masterAdminToken();
        String id = Tokens.create(realm, "observer", List.of("*"), Map.of()).id();
        String userId = Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + id), admin).json().get(0).get("id").asText();

        assertEquals(204, Http.delete(realm.adminUrl("/users/" + userId), admin).status());
        assertEquals(404, Http.get(realm.adminTokens() + "/" + id, admin).status());
        assertEquals(0, Database.count("select count(*) from ORG_API_TOKEN where ID = ?", id));
    }

    /**
     * Bad create bodies over HTTP, on both doors: a few rows of TokenInputTest's table (which holds
     * every rule of the parser), and one rule only the service knows. 400 invalid_request naming the
     * field at fault, and nothing stored.
     */
    static Stream<Arguments> badCreateBodies() {
        return Stream.of(
                Arguments.of("{\"name\":\"a\",\"role\":\"admin\",\"sites\":[\"*\"]}", "role", "Unknown role 'admin'"),
                // a name that displays as "tpircs-ci" but is "ci-script" behind a right-to-left override: spoofing in the console
                Arguments.of("{\"name\":\"\u202Etpircs-ic\",\"role\":\"observer\",\"sites\":[\"*\"]}", "name", "invisible or direction-changing"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"allowedCidrs\":[\"10.0.0.0/33\"]}",
                        "allowedCidrs", "prefix length outside 0..32"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"expiresAt\":1000}", "expiresAt", "expiresAt is in the past"),
                Arguments.of("{\"name\":\"a\",\"role\":\"observer\",\"sites\":[\"*\"],\"organizationId\":\"no-such-org\"}",
                        "organizationId", "Organizations are not enabled in this realm"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badCreateBodies")
    void badCreateBodiesAre400NamingTheirFieldAndCreateNothing(String json, String field, String expected) {
        String admin = TestRealm.masterAdminToken();
        long before = Database.count("select count(*) from ORG_API_TOKEN");
        long usersBefore = Database.count("select count(*) from USER_ENTITY where USERNAME like 'api-token-%'");
        for (String url : List.of(realm.adminTokens(), realm.realmTokens())) {
            Http.Response r = Http.send("POST", url, url.contains("/admin/") ? admin : superUser, "application/json", json);
            assertInvalid(r, field, expected);
        }
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "nothing stored");
        assertEquals(usersBefore, Database.count("select count(*) from USER_ENTITY where USERNAME like 'api-token-%'"), "no identity left");
    }

    /** Bad update bodies over HTTP, on both doors: a valid field next to a bad one, and the service's organizationId rule. */
    static Stream<Arguments> badUpdateBodies() {
        return Stream.of(
                Arguments.of("{\"role\":\"super-user\",\"sites\":[\"bad site\"]}", "sites", "Invalid site id \"bad site\""),
                Arguments.of("{\"expiresAt\":5}", "expiresAt", "expiresAt is in the past"),
                Arguments.of("{\"organizationId\":\"other\"}", "organizationId", "organizationId cannot be changed"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badUpdateBodies")
    void badUpdateIs400NamingItsFieldAndChangesNothing(String json, String field, String expected) {
        Tokens.Token token = Tokens.create(realm, "observer", List.of("a", "b"), Map.of());
        for (Writer door : List.of(new Writer("admin", realm.adminTokens(), realmAdmin), new Writer("realm", realm.realmTokens(), superUser))) {
            assertInvalid(Http.send("PUT", door.url() + "/" + token.id(), door.bearer(), "application/json", json), field, expected);
        }
        JsonNode now = read(token.id());
        assertEquals("observer", now.get("role").asText(), "a rejected update changes nothing, even fields that were valid");
        assertEquals(List.of("a", "b"), strings(now.get("sites")));
        assertEquals(token.json().get("updatedAt"), now.get("updatedAt"));
    }

    @Test
    void readOnlyFieldsOfAGetBodyCanBeSentBackAsPut() {
        String admin = TestRealm.masterAdminToken();
        Tokens.Token token = Tokens.create(realm, "observer", List.of("*"), Map.of());
        String url = realm.adminTokens() + "/" + token.id();
        com.fasterxml.jackson.databind.node.ObjectNode read = (com.fasterxml.jackson.databind.node.ObjectNode) Http.get(url, admin).json();
        read.put("role", "helpdesk");
        Http.Response r = Http.putJson(url, admin, read.toString());
        assertEquals(200, r.status(), r.describe());
        assertEquals("helpdesk", r.json().get("role").asText());
        assertEquals(token.json().get("createdAt"), r.json().get("createdAt"));
    }

    @Test
    void unicodeNamesRoundTripOnEveryDatabase() {
        String admin = TestRealm.masterAdminToken();
        String name = "\uD83D\uDE80 d\u00E9ploiement \u0645\u0631\u062D\u0628\u0627 " + UUID.randomUUID().toString().substring(0, 6);
        String longest = "\uD83D\uDD11".repeat(127) + "k"; // 128 characters, 255 UTF-16 units
        for (String n : List.of(name, longest)) {
            String id = Tokens.create(realm.adminTokens(), admin, Tokens.body(n, "observer", List.of("*"))).id();
            assertEquals(n, Http.get(realm.adminTokens() + "/" + id, admin).json().get("name").asText());
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
        for (String[] t : new String[][] {{"charlie", "observer"}, {"Alpha", "helpdesk"}, {"bravo_1", "observer"},
                {"bravo%2", "network-admin"}, {"delta", "super-user"}}) {
            Tokens.create(own.adminTokens(), admin, Tokens.body(t[0], t[1], List.of("*")));
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

        // two rows of TokenInputTest's list-query table over HTTP, one per door
        assertInvalid(Http.get(own.adminTokens() + "?max=0", admin), "max", "max must be 1 or more");
        assertInvalid(Http.get(own.realmTokens() + "?role=boss", own.userWithRoles("lisa", List.of("super-user"), List.of())),
                "role", "Unknown role 'boss'");
    }

    @Test
    void namesAreUniquePerRealmCaseInsensitively() {
        String admin = TestRealm.masterAdminToken();
        String name = Tokens.unique("dup");
        Tokens.create(realm.adminTokens(), admin, Tokens.body(name, "observer", List.of("*")));
        for (String clash : List.of(name, name.toUpperCase(Locale.ROOT))) {
            assertNameTaken(Http.postJson(realm.adminTokens(), admin, Tokens.body(clash, "observer", List.of("*"))), clash);
        }
        String other = Tokens.create(realm, "observer", List.of("*"), Map.of()).id();
        assertNameTaken(Http.putJson(realm.adminTokens() + "/" + other, admin, Map.of("name", name)), name);
        // the same name in another realm is fine
        TestRealm second = newRealm("dup");
        Tokens.create(second.adminTokens(), admin, Tokens.body(name, "observer", List.of("*")));
    }

    @Test
    void concurrentCreatesOfOneNameGiveExactlyOneWinner() throws Exception {
        String admin = TestRealm.masterAdminToken();
        String name = Tokens.unique("race");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Http.Response> answers = new ArrayList<>();
        try {
            List<Callable<Http.Response>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(() -> Http.postJson(realm.adminTokens(), admin, Tokens.body(name, "observer", List.of("*"))));
            }
            for (Future<Http.Response> f : pool.invokeAll(calls)) answers.add(f.get());
        } finally {
            pool.shutdownNow();
        }
        List<Integer> statuses = answers.stream().map(Http.Response::status).toList();
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
        assertEquals(callers - 1, statuses.stream().filter(s -> s == 409).count(), "statuses " + statuses);
        answers.stream().filter(r -> r.status() == 409).forEach(r -> assertNameTaken(r, name));
        assertEquals(1, names(list(realm, admin, "?search=" + name)).size());
        assertEquals(1, Database.count("select count(*) from USER_ENTITY u join ORG_API_TOKEN t on t.SERVICE_USER_ID = u.ID where t.NAME = ?", name));
        assertEquals(0, Database.count("select count(*) from USER_ENTITY u where u.USERNAME like 'api-token-%' and u.REALM_ID = "
                + "(select ID from REALM where NAME = ?) and not exists (select 1 from ORG_API_TOKEN t where t.SERVICE_USER_ID = u.ID)", realm.name),
                "losers leave no service identity behind");
    }

    @Test
    void concurrentEditsAndRotationsNeverResurrectAnOldKey() throws Exception {
        String admin = TestRealm.masterAdminToken();
        String url = realm.adminTokens() + "/" + Tokens.create(realm, "observer", List.of("*"), Map.of()).id();
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
        String id = Tokens.create(realm, "observer", List.of("*"), Map.of()).id();
        TestRealm other = newRealm("other");
        String otherSuper = other.userWithRoles("sam", List.of("super-user"), List.of());
        for (Writer door : List.of(new Writer("admin", other.adminTokens(), admin), new Writer("realm", other.realmTokens(), otherSuper))) {
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

    /** Who calls: no token, a token that is none, or one of the callers of {@link #setUp}. */
    enum Who {
        ANONYMOUS("anonymous"), GARBAGE_TOKEN("garbage token"), MASTER_ADMIN("master admin"), REALM_ADMIN("realm-admin"),
        VIEW_REALM("view-realm"), VIEW_API_TOKENS("view-api-tokens"), MANAGE_API_TOKENS("manage-api-tokens"),
        SUPER_USER("super-user"), OBSERVER("observer");

        private final String label;

        Who(String label) {
            this.label = label;
        }

        String bearer() {
            return switch (this) {
                case ANONYMOUS -> null;
                case GARBAGE_TOKEN -> "not-a-token";
                case MASTER_ADMIN -> TestRealm.masterAdminToken();
                case REALM_ADMIN -> realmAdmin;
                case VIEW_REALM -> viewRealmAdmin;
                case VIEW_API_TOKENS -> tokenViewer;
                case MANAGE_API_TOKENS -> tokenManager;
                case SUPER_USER -> superUser;
                case OBSERVER -> observer;
            };
        }

        @Override
        public String toString() {
            return label;
        }
    }

    enum Door {
        ADMIN, REALM;

        String url() {
            return this == ADMIN ? realm.adminTokens() : realm.realmTokens();
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT) + " door";
        }
    }

    /** The calls of SPEC §4 under each base (GET /access: what the consoles may offer). */
    enum Op {
        LIST, GET, CREATE, UPDATE, ROTATE, DELETE, ACCESS;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the table: the status each call answers one caller on one door, in {@link Op} order. */
    record Line(Who who, Door door, int... status) {
        int status(Op op) {
            return status[op.ordinal()];
        }
    }

    private static Line line(Who who, Door door, int... status) {
        assertEquals(Op.values().length, status.length, who + " on the " + door);
        return new Line(who, door, status);
    }

    /**
     * SPEC §4 "Who may do what" and docs/admins.md "Permission model": readers read, managers and
     * super-users write, each on their own door; anyone else gets 401 without a valid token of the
     * realm, 403 with one.
     */
    static final List<Line> PERMISSIONS = List.of(
            //    who                door   list get create update rotate delete access
            line(ANONYMOUS,         ADMIN, 401, 401, 401,  401,   401,   401,   401),
            line(GARBAGE_TOKEN,     ADMIN, 401, 401, 401,  401,   401,   401,   401),
            line(MASTER_ADMIN,      ADMIN, 200, 200, 201,  200,   200,   204,   200),
            line(REALM_ADMIN,       ADMIN, 200, 200, 201,  200,   200,   204,   200),
            line(VIEW_REALM,        ADMIN, 200, 200, 403,  403,   403,   403,   200),
            line(VIEW_API_TOKENS,   ADMIN, 200, 200, 403,  403,   403,   403,   200),
            line(MANAGE_API_TOKENS, ADMIN, 200, 200, 201,  200,   200,   204,   200),
            line(SUPER_USER,        ADMIN, 403, 403, 403,  403,   403,   403,   403),
            line(OBSERVER,          ADMIN, 403, 403, 403,  403,   403,   403,   403),

            line(ANONYMOUS,         REALM, 401, 401, 401,  401,   401,   401,   401),
            line(GARBAGE_TOKEN,     REALM, 401, 401, 401,  401,   401,   401,   401),
            line(MASTER_ADMIN,      REALM, 401, 401, 401,  401,   401,   401,   401), // a master-realm token is no user of this realm
            line(REALM_ADMIN,       REALM, 403, 403, 403,  403,   403,   403,   403),
            line(VIEW_REALM,        REALM, 403, 403, 403,  403,   403,   403,   403),
            line(VIEW_API_TOKENS,   REALM, 403, 403, 403,  403,   403,   403,   403),
            line(MANAGE_API_TOKENS, REALM, 403, 403, 403,  403,   403,   403,   403),
            line(SUPER_USER,        REALM, 200, 200, 201,  200,   200,   204,   200),
            line(OBSERVER,          REALM, 403, 403, 403,  403,   403,   403,   403));

    /** The table, one row per cell: (who, door, call, status), and whether the line's caller may write. */
    static Stream<Arguments> permissions() {
        return PERMISSIONS.stream().flatMap(line -> Arrays.stream(Op.values())
                .map(op -> Arguments.of(line.who(), line.door(), op, line.status(op), line.status(CREATE) == 201)));
    }

    /**
     * One cell of the table, on a token of its own. A success did what the call says; a refusal
     * (with our JSON error where the answer is ours) changed nothing.
     */
    @ParameterizedTest(name = "{0} on the {1}: {2} -> {3}")
    @MethodSource("permissions")
    void whoMayDoWhat(Who who, Door door, Op op, int expected, boolean mayWrite) {
        Tokens.Token token = op == CREATE || op == ACCESS ? null : fresh("perm");
        String id = token == null ? null : token.id();
        JsonNode before = token == null ? null : read(id);
        String newName = Tokens.unique("perm-new");
        String url = door.url();
        String bearer = who.bearer();
        Http.Response r = switch (op) {
            case LIST -> Http.get(url + "?search=" + Http.enc(token.json().get("name").asText()), bearer);
            case GET -> Http.get(url + "/" + id, bearer);
            case CREATE -> Http.postJson(url, bearer, Tokens.body(newName, "observer", List.of("*")));
            case UPDATE -> Http.putJson(url + "/" + id, bearer, Map.of("role", "helpdesk"));
            case ROTATE -> Http.send("POST", url + "/" + id + "/rotate", bearer, null, null);
            case DELETE -> Http.delete(url + "/" + id, bearer);
            case ACCESS -> Http.get(url + "/access", bearer);
        };
        assertEquals(expected, r.status(), r.describe());

        if (expected >= 400) {
            if (door == REALM && expected == 401) assertEquals("unauthorized", r.json().path("error").textValue(), r.describe());
            if (expected == 403) assertEquals("forbidden", r.json().path("error").textValue(), r.describe());
            if (token != null) assertEquals(before, read(id), "a refused call changes nothing");
            if (op == CREATE) assertEquals(List.of(), names(list(realm, realmAdmin, "?search=" + newName)), "a refused create stores nothing");
            return;
        }
        switch (op) {
            case LIST -> assertEquals(List.of(id), ids(r.json()), r.describe());
            case GET -> assertEquals(before, r.json());
            case CREATE -> assertEquals(newName, read(r.json().get("id").asText()).get("name").asText());
            case UPDATE -> assertEquals("helpdesk", read(id).get("role").asText());
            case ROTATE -> assertNotEquals(before.get("keyHint"), read(id).get("keyHint"), "a new key");
            case DELETE -> assertEquals(404, Http.get(realm.adminTokens() + "/" + id, realmAdmin).status());
            case ACCESS -> assertEquals(mayWrite, r.json().get("manage").asBoolean(), "manage is offered where writes are allowed: " + r.describe());
        }
    }

    /** The token as the realm admin reads it on the admin door. */
    private static JsonNode read(String id) {
        Http.Response r = Http.get(realm.adminTokens() + "/" + id, realmAdmin);
        assertEquals(200, r.status(), r.describe());
        return r.json();
    }

    private static List<String> ids(JsonNode tokens) {
        List<String> ids = new ArrayList<>();
        tokens.forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    @Test
    void everyChangeIsAnAdminEventWithoutKeyMaterial() {
        String admin = TestRealm.masterAdminToken();
        TestRealm own = newRealm("events");
        String alice = own.userWithRoles("alice", List.of("super-user"), List.of());
        for (Writer door : List.of(new Writer("admin", own.adminTokens(), admin), new Writer("realm", own.realmTokens(), alice))) {
            Tokens.Token token = Tokens.create(door.url(), door.bearer(), Tokens.body(Tokens.unique("evt"), "observer", List.of("*")));
            String id = token.id();
            String firstKey = token.key();
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

    /** A 400 invalid_request about {@code field}, saying {@code expected}. */
    static void assertInvalid(Http.Response r, String field, String expected) {
        assertEquals(400, r.status(), r.describe());
        assertEquals("invalid_request", r.json().get("error").asText(), r.describe());
        assertEquals(field, r.json().path("field").textValue(), "the field at fault: " + r.describe());
        assertTrue(r.json().get("error_description").asText().contains(expected), "expected '" + expected + "' in " + r.describe());
    }

    /** Our own 409 for a taken name (not a database error passed through), naming the name asked for. */
    static void assertNameTaken(Http.Response r, String name) {
        assertEquals(409, r.status(), r.describe());
        assertEquals("conflict", r.json().path("error").textValue(), r.describe());
        assertEquals("name", r.json().path("field").textValue(), r.describe());
        assertTrue(r.json().path("error_description").asText().contains("'" + name + "'"), "the description names the name: " + r.describe());
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
