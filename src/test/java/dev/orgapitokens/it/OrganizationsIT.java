package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Organization-scoped tokens with Keycloak Organizations: two organizations, a super-user in each,
 * one in both and one outside both.
 */
class OrganizationsIT extends ServerTest {

    static TestRealm realm;
    static String orgA;
    static String orgB;
    static String superA;
    static String superB;
    static String superBoth;
    static String superNone;

    @BeforeAll
    static void setUp() {
        realm = newRealm("orgs");
        String admin = TestRealm.masterAdminToken();
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        orgA = organization(admin, "org-a");
        orgB = organization(admin, "org-b");
        superA = realm.userWithRoles("sue-a", List.of("super-user"), List.of());
        superB = realm.userWithRoles("sue-b", List.of("super-user"), List.of());
        superBoth = realm.userWithRoles("sue-ab", List.of("super-user"), List.of());
        superNone = realm.userWithRoles("sue-none", List.of("super-user"), List.of());
        member(admin, orgA, "sue-a");
        member(admin, orgB, "sue-b");
        member(admin, orgA, "sue-ab");
        member(admin, orgB, "sue-ab");
    }

    static String organization(String admin, String alias) {
        Http.Response r = Http.postJson(realm.adminUrl("/organizations"), admin,
                Map.of("name", alias.toUpperCase(), "alias", alias, "domains", List.of(Map.of("name", alias + ".example.test"))));
        assertEquals(201, r.status(), r.describe());
        return TestRealm.lastSegment(r.header("Location"));
    }

    static void member(String admin, String orgId, String username) {
        Http.Response r = Http.postJson(realm.adminUrl("/organizations/" + orgId + "/members"), admin, "\"" + userId(admin, username) + "\"");
        assertEquals(201, r.status(), r.describe());
    }

    static String userId(String admin, String username) {
        return Http.get(realm.adminUrl("/users?exact=true&username=" + username), admin).json().get(0).get("id").asText();
    }

    /** A create on the realm door; {@code organizationId} null leaves the field out. */
    static Http.Response create(String bearer, String name, String organizationId) {
        Map<String, Object> body = Tokens.body(name, "observer", List.of("*"));
        if (organizationId != null) body.put("organizationId", organizationId);
        return Http.postJson(realm.realmTokens(), bearer, body);
    }

    @Test
    void superUsersCreateInTheirOrganizationAndSeeOnlyItsTokens() {
        String admin = TestRealm.masterAdminToken();
        Tokens.Token a = Tokens.created(create(superA, "a-script", null));
        Tokens.Token b = Tokens.created(create(superB, "b-script", null));
        Tokens.Token wide = Tokens.create(realm.adminTokens(), admin, Tokens.body("realm-wide-script", "observer", List.of("*")));
        assertEquals(orgA, a.json().get("organizationId").asText(), "a super-user's token goes to their organization");
        assertEquals(orgB, b.json().get("organizationId").asText());
        assertTrue(wide.json().get("organizationId").isNull(), "realm-wide tokens are made on the admin path");

        assertTrue(names(Http.get(realm.realmTokens(), superA).json()).contains("a-script"));
        assertFalse(names(Http.get(realm.realmTokens(), superA).json()).contains("b-script"));
        assertFalse(names(Http.get(realm.realmTokens(), superA).json()).contains("realm-wide-script"));

        // other organizations' tokens, and realm-wide ones, are 404 for organization members
        for (Tokens.Token other : List.of(b, wide)) {
            String url = realm.realmTokens() + "/" + other.id();
            assertEquals(404, Http.get(url, superA).status());
            assertEquals(404, Http.putJson(url, superA, Map.of("role", "super-user")).status());
            assertEquals(404, Http.send("POST", url + "/rotate", superA, null, null).status());
            assertEquals(404, Http.delete(url, superA).status());
        }
        // naming another organization is 403
        assertEquals(403, create(superA, "sneaky", orgB).status());
        assertEquals(403, Http.get(realm.realmTokens() + "?organizationId=" + orgB, superA).status());
        // the admin path sees everything and filters by organization
        List<String> onlyA = names(Http.get(realm.adminTokens() + "?organizationId=" + orgA, admin).json());
        assertTrue(onlyA.contains("a-script") && !onlyA.contains("b-script") && !onlyA.contains("realm-wide-script"), onlyA.toString());
        assertEquals(200, Http.get(realm.adminTokens() + "/" + b.id(), admin).status());
    }

    /**
     * SPEC §4: with Organizations on, a super-user in no organization is refused on the realm path.
     * The attack: a super-user removed from their organization (offboarded) but still holding the
     * role tries to reach the realm-wide tokens, or mint one.
     */
    @Test
    void aSuperUserInNoOrganizationIsRefusedOnTheRealmPath() {
        String admin = TestRealm.masterAdminToken();
        Tokens.Token wide = Tokens.create(realm.adminTokens(), admin, Tokens.body("offboarding-target", "super-user", List.of("*")));
        String offboarded = realm.userWithRoles("olly", List.of("super-user"), List.of());
        member(admin, orgA, "olly");
        assertEquals(200, Http.get(realm.realmTokens(), offboarded).status(), "a member may use the realm path");
        assertEquals(204, Http.delete(realm.adminUrl("/organizations/" + orgA + "/members/" + userId(admin, "olly")), admin).status());

        long before = Database.count("select count(*) from ORG_API_TOKEN");
        for (String token : List.of(offboarded, superNone)) {
            for (Http.Response r : List.of(Http.get(realm.realmTokens(), token), Http.get(realm.realmTokens() + "/" + wide.id(), token),
                    Http.postJson(realm.realmTokens(), token, Tokens.body("minted-after-offboarding", "super-user", List.of("*"))),
                    Http.send("POST", realm.realmTokens() + "/" + wide.id() + "/rotate", token, null, null),
                    Http.delete(realm.realmTokens() + "/" + wide.id(), token))) {
                assertEquals(403, r.status(), r.describe());
                assertEquals("forbidden", r.json().get("error").asText());
            }
        }
        assertEquals(before, Database.count("select count(*) from ORG_API_TOKEN"), "nothing minted");
        assertEquals(wide.json().get("keyHint"), Http.get(realm.adminTokens() + "/" + wide.id(), admin).json().get("keyHint"), "nothing rotated");
    }

    @Test
    void aSuperUserOfSeveralOrganizationsMustChooseOne() {
        Http.Response ambiguous = create(superBoth, "which-one", null);
        assertEquals(400, ambiguous.status(), ambiguous.describe());
        assertEquals("organizationId", ambiguous.json().path("field").textValue(), ambiguous.describe());
        assertTrue(ambiguous.json().get("error_description").asText().contains("several organizations"));
        assertEquals(orgB, Tokens.created(create(superBoth, "chosen", orgB)).json().get("organizationId").asText());
        assertTrue(names(Http.get(realm.realmTokens(), superBoth).json()).containsAll(List.of("chosen")));
    }

    @Test
    void namesAreUniquePerOrganization() {
        String admin = TestRealm.masterAdminToken();
        for (String org : List.of(orgA, orgB)) {
            Map<String, Object> body = Tokens.body("shared-name", "observer", List.of("*"));
            body.put("organizationId", org);
            Tokens.create(realm.adminTokens(), admin, body);
        }
        Map<String, Object> clash = Tokens.body("Shared-Name", "observer", List.of("*"));
        clash.put("organizationId", orgA);
        Http.Response again = Http.postJson(realm.adminTokens(), admin, clash);
        assertEquals(409, again.status(), again.describe());
        assertEquals("conflict", again.json().get("error").asText(), again.describe());
        assertEquals("name", again.json().path("field").textValue(), again.describe());
        assertTrue(again.json().get("error_description").asText().contains("'Shared-Name'"), again.describe());
    }

    @Test
    void keysCarryTheirOrganizationAndIdentitiesAreManagedMembers() {
        String admin = TestRealm.masterAdminToken();
        Tokens.Token a = Tokens.created(create(superA, "a-login", null));
        Tokens.Token b = Tokens.created(create(superB, "b-login", null));
        assertEquals(List.of("org-a"), organizationClaim(KeyLogin.withForm(realm, a.key())));
        assertEquals(List.of("org-b"), organizationClaim(KeyLogin.withForm(realm, b.key())));

        String identity = userId(admin, "api-token-" + a.id());
        JsonNode members = Http.get(realm.adminUrl("/organizations/" + orgA + "/members"), admin).json();
        JsonNode member = null;
        for (JsonNode m : members) if (identity.equals(m.get("id").asText())) member = m;
        assertTrue(member != null, "the service identity is a member of its organization");
        assertEquals("MANAGED", member.get("membershipType").asText());

        // removing the identity from its organization revokes the token
        assertEquals(204, Http.delete(realm.adminUrl("/organizations/" + orgA + "/members/" + identity), admin).status());
        assertEquals(404, Http.get(realm.adminTokens() + "/" + a.id(), admin).status());
        assertEquals(401, KeyLogin.withForm(realm, a.key()).status());
        assertEquals(200, KeyLogin.withForm(realm, b.key()).status(), "other tokens are untouched");
    }

    @Test
    void deletingAnOrganizationDeletesItsTokensAndTheirKeysStopWorking() {
        String admin = TestRealm.masterAdminToken();
        String doomed = organization(admin, "org-doomed");
        Map<String, Object> body = Tokens.body("doomed-token", "helpdesk", List.of("*"));
        body.put("organizationId", doomed);
        JsonNode token = Tokens.create(realm.adminTokens(), admin, body).json();
        String key = token.get("key").asText();
        assertEquals(200, KeyLogin.withForm(realm, key).status());

        assertEquals(204, Http.delete(realm.adminUrl("/organizations/" + doomed), admin).status());
        assertEquals(404, Http.get(realm.adminTokens() + "/" + token.get("id").asText(), admin).status());
        assertEquals(401, KeyLogin.withForm(realm, key).status());
        assertEquals(0, Database.count("select count(*) from ORG_API_TOKEN where ORGANIZATION_ID = ?", doomed));
        assertEquals(0, Http.get(realm.adminUrl("/users?exact=true&username=api-token-" + token.get("id").asText()), admin).json().size());
    }

    @Test
    void fineGrainedAdminPermissionsDecideWhoChangesAnOrganizationsTokens() {
        String admin = TestRealm.masterAdminToken();
        TestRealm fgap = newRealm("fgap");
        assertEquals(204, Http.putJson(fgap.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        Http.Response org = Http.postJson(fgap.adminUrl("/organizations"), admin,
                Map.of("name", "FGAP", "alias", "fgap", "domains", List.of(Map.of("name", "fgap.example.test"))));
        String orgId = TestRealm.lastSegment(org.header("Location"));
        String tokenManager = fgap.userWithRoles("mona", List.of(), List.of("manage-api-tokens"));
        String realmAdmin = fgap.userWithRoles("rita", List.of(), List.of("realm-admin"));
        Map<String, Object> inOrg = Map.of("name", "org-token", "role", "observer", "sites", List.of("*"), "organizationId", orgId);

        // without fine-grained admin permissions, manage-api-tokens is enough, organizations included
        JsonNode before = Tokens.create(fgap.adminTokens(), tokenManager, inOrg).json();
        assertEquals(204, Http.delete(fgap.adminTokens() + "/" + before.get("id").asText(), tokenManager).status());

        assertEquals(204, Http.putJson(fgap.adminUrl(""), admin, Map.of("adminPermissionsEnabled", true)).status());
        Http.Response refused = Http.postJson(fgap.adminTokens(), tokenManager, inOrg);
        assertEquals(403, refused.status(), "with them on, an organization's tokens need permission to manage it: " + refused.describe());
        // a delegated admin who may map roles (manage-users) is unaffected for realm-wide tokens
        String delegate = fgap.userWithRoles("mike", List.of(), List.of("manage-api-tokens", "manage-users"));
        Tokens.create(fgap.adminTokens(), delegate, Tokens.body("realm-wide", "observer", List.of("*")));
        Tokens.Token editable = Tokens.create(fgap.adminTokens(), delegate, Tokens.body("realm-wide-super", "super-user", List.of("*")));
        assertEquals(200, Http.putJson(fgap.adminTokens() + "/" + editable.id(), delegate, Map.of("role", "observer")).status());

        // SPEC §4: granting a role through a token needs Keycloak's permission to map it. The attack: an
        // admin with manage-api-tokens but no right to map super-user mints a super-user key.
        long tokensBefore = Database.count("select count(*) from ORG_API_TOKEN");
        Http.Response minted = Http.postJson(fgap.adminTokens(), tokenManager, Tokens.body("escalation", "super-user", List.of("*")));
        assertEquals(403, minted.status(), minted.describe());
        assertTrue(minted.json().get("error_description").asText().contains("map"), minted.describe());
        Http.Response promoted = Http.putJson(fgap.adminTokens() + "/" + editable.id(), tokenManager, Map.of("role", "super-user"));
        assertEquals(403, promoted.status(), promoted.describe());
        assertEquals(tokensBefore, Database.count("select count(*) from ORG_API_TOKEN"), "no token minted");
        assertEquals("observer", Http.get(fgap.adminTokens() + "/" + editable.id(), admin).json().get("role").asText(), "no role raised");
        assertEquals(200, Http.putJson(fgap.adminTokens() + "/" + editable.id(), tokenManager, Map.of("name", "renamed-by-mona")).status(),
                "edits that grant no role need no mapping permission");
        JsonNode token = Tokens.create(fgap.adminTokens(), realmAdmin, inOrg).json();
        String url = fgap.adminTokens() + "/" + token.get("id").asText();
        assertEquals(403, Http.send("POST", url + "/rotate", tokenManager, null, null).status());
        assertEquals(403, Http.delete(url, tokenManager).status());
        assertEquals(200, Http.get(url, tokenManager).status(), "reading stays with view rights");
        assertEquals(204, Http.delete(url, realmAdmin).status());
    }

    /**
     * SPEC §4, issue 22: a key for a role, or more reach for one, needs Keycloak's permission to map
     * that role. The attack: an admin with manage-api-tokens who may not map super-user finds a
     * super-user token and rotates it with a week's grace (a fresh super-user key, the owner's key
     * still working), or widens it. Each is 403 and nothing changes.
     */
    @Test
    void aDelegatedAdminCannotRotateOrWidenATokenOfARoleTheyMayNotMap() {
        String admin = TestRealm.masterAdminToken();
        TestRealm fgap = newRealm("fgap-rotate");
        assertEquals(204, Http.putJson(fgap.adminUrl(""), admin, Map.of("adminPermissionsEnabled", true)).status());
        String tokenManager = fgap.userWithRoles("mona", List.of(), List.of("manage-api-tokens"));
        String mayMapRoles = fgap.userWithRoles("mike", List.of(), List.of("manage-api-tokens", "manage-users"));
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        Tokens.Token target = Tokens.create(fgap, "super-user", List.of("site-1"), Map.of("allowedCidrs", List.of("127.0.0.0/8"), "expiresAt", expiresAt));
        String url = fgap.adminTokens() + "/" + target.id();
        JsonNode before = Http.get(url, admin).json();

        List<String> listed = TokensApiIT.names(Http.get(fgap.adminTokens() + "?role=super-user", tokenManager).json());
        assertTrue(listed.contains(target.json().get("name").asText()), "the attacker can find it");
        for (String body : List.of("{\"previousKeyExpiresIn\": 604800}", "{}", "{\"expiresAt\": " + (expiresAt + 86_400_000L) + "}")) {
            Http.Response rotated = Http.send("POST", url + "/rotate", tokenManager, "application/json", body);
            assertEquals(403, rotated.status(), "rotate " + body + ": " + rotated.describe());
            assertFalse(rotated.body().contains("oat_"), "no key");
            assertTrue(rotated.json().get("error_description").asText().contains("map"), rotated.describe());
        }
        List<Map<String, Object>> widenings = List.of(Map.of("sites", List.of("*")), Map.of("sites", List.of("site-1", "site-2")),
                Map.of("allowedCidrs", List.of()), Map.of("allowedCidrs", List.of("127.0.0.0/8", "0.0.0.0/0")),
                Map.of("expiresAt", expiresAt + 86_400_000L), Map.of("name", "innocent", "sites", List.of("*")));
        for (Map<String, Object> widening : widenings) {
            Http.Response widened = Http.putJson(url, tokenManager, widening);
            assertEquals(403, widened.status(), "widen " + widening + ": " + widened.describe());
        }
        Map<String, Object> noExpiry = new java.util.HashMap<>();
        noExpiry.put("expiresAt", null);
        assertEquals(403, Http.putJson(url, tokenManager, noExpiry).status(), "no expiry at all");

        JsonNode after = Http.get(url, admin).json();
        assertEquals(before, after, "nothing changed: same key hint, no previous key, same sites, CIDRs, expiry and updatedAt");
        assertTrue(after.get("previousKeyHint").isNull(), "the old key is still the only key");
        assertEquals(200, KeyLogin.withForm(fgap, target.key()).status(), "the owner's key works as before");

        // narrowing needs no mapping permission; an admin who may map roles rotates as before
        Http.Response earlier = Http.putJson(url, tokenManager, Map.of("expiresAt", expiresAt - 60_000));
        assertEquals(200, earlier.status(), earlier.describe());
        Http.Response rotated = Http.send("POST", url + "/rotate", mayMapRoles, "application/json", "{}");
        assertEquals(200, rotated.status(), rotated.describe());
        assertEquals(401, KeyLogin.withForm(fgap, target.key()).status(), "the old key is out");
    }

    private static List<String> organizationClaim(Http.Response login) {
        assertEquals(200, login.status(), login.describe());
        JsonNode claim = KeyLogin.accessTokenClaims(login).get("organization");
        assertTrue(claim != null, "the access token has the organization claim");
        return claim.isArray() ? TokensApiIT.strings(claim) : List.copyOf(iterable(claim));
    }

    private static List<String> iterable(JsonNode object) {
        List<String> keys = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static List<String> names(JsonNode tokens) {
        return TokensApiIT.names(tokens);
    }
}
