package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle notices (SPEC §9) on a real SMTP server: GreenMail on a free loopback port, each test
 * realm's SMTP settings pointed at it. Time is moved by dating tokens back in the database (their
 * last use, the deletion a notice announced), never by waiting.
 */
class NoticesIT extends ServerTest {

    private static final long DAY = 86_400_000L;
    private static GreenMail smtp;
    private static int smtpPort;
    /** Every mail any test received, for the leak scan at the end. */
    private static final List<Mail> ALL_MAILS = new CopyOnWriteArrayList<>();
    /** Every key hint seen in this class: a mail never holds one. */
    private static final List<String> HINTS = new CopyOnWriteArrayList<>();

    TestRealm realm;
    String admin;

    /** One received mail: recipient, subject, and its text and HTML parts decoded. */
    record Mail(String to, String subject, String text) {
    }

    @BeforeAll
    static void startSmtp() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            smtpPort = free.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    static void noKeyNorHintInAnyMail() {
        try {
            java.util.Set<String> secrets = Leaks.issuedSecrets();
            for (Mail mail : ALL_MAILS) {
                assertFalse(Leaks.anyIn(mail.text(), secrets) || Leaks.anyIn(mail.subject(), secrets),
                        "a key issued in this run is in a notice to " + mail.to());
                for (String hint : HINTS) assertFalse(mail.text().contains(hint), "a key hint is in a notice to " + mail.to());
            }
        } finally {
            if (smtp != null) smtp.stop();
        }
    }

    @BeforeEach
    void freshRealmWithSmtp() {
        realm = newRealm("notices");
        admin = TestRealm.masterAdminToken();
        smtp.reset();
        Map<String, Object> rep = new HashMap<>();
        rep.put("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort), "from", "keycloak@example.test",
                "fromDisplayName", "Keycloak"));
        rep.put("internationalizationEnabled", true);
        rep.put("supportedLocales", List.of("en", "de"));
        rep.put("defaultLocale", "en");
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, rep).status());
    }

    // ---- helpers: one per action

    private JsonNode putSettings(Map<String, Object> body) {
        Http.Response r = Http.putJson(realm.adminTokens() + "/settings", admin, body);
        assertEquals(200, r.status(), "PUT settings: " + r.describe());
        return r.json();
    }

    /** POST /notices/run; returns {sent, deleted}. */
    private int[] run() {
        Http.Response r = Http.send("POST", realm.adminTokens() + "/notices/run", TestRealm.masterAdminToken(), "application/json", "");
        assertEquals(200, r.status(), "notices/run: " + r.describe());
        return new int[] {r.json().get("sent").asInt(), r.json().get("deleted").asInt()};
    }

    private Tokens.Token token(String bearer, String name, String role, Long expiresAt, String organizationId) {
        Map<String, Object> body = Tokens.body(name, role, List.of("*"));
        if (expiresAt != null) body.put("expiresAt", expiresAt);
        if (organizationId != null) body.put("organizationId", organizationId);
        Tokens.Token t = Tokens.create(realm.adminTokens(), bearer, body);
        HINTS.add(t.json().get("keyHint").asText());
        return t;
    }

    /** The mails received since the last reset, decoded; waits until at least {@code expected} arrived. */
    private static List<Mail> mails(int expected) throws Exception {
        if (expected > 0) smtp.waitForIncomingEmail(10_000, expected);
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            Address[] to = message.getRecipients(Message.RecipientType.TO);
            mails.add(new Mail(to[0].toString(), message.getSubject(), text(message)));
        }
        ALL_MAILS.addAll(mails);
        return mails;
    }

    private static String text(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof String s) return s;
        if (content instanceof Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) all.append(text(multipart.getBodyPart(i))).append('\n');
            return all.toString();
        }
        return "";
    }

    private static Mail to(List<Mail> mails, String address) {
        return mails.stream().filter(m -> m.to().contains(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no mail to " + address + " among " + mails.stream().map(Mail::to).toList()));
    }

    private String userId(String username) {
        return Http.get(realm.adminUrl("/users?exact=true&username=" + username), admin).json().get(0).get("id").asText();
    }

    private void setLocale(String username, String locale) {
        String id = userId(username);
        ObjectNode user = (ObjectNode) Http.get(realm.adminUrl("/users/" + id), admin).json();
        ObjectNode attributes = user.has("attributes") && user.get("attributes").isObject() ? (ObjectNode) user.get("attributes") : user.putObject("attributes");
        attributes.putArray("locale").add(locale);
        Http.Response r = Http.putJson(realm.adminUrl("/users/" + id), admin, user);
        assertEquals(204, r.status(), r.describe());
    }

    // ---- the tests

    @Test
    void theSettingsHaveTheirDefaultsAndBadValuesAre400sNamingTheField() {
        JsonNode defaults = Http.get(realm.adminTokens() + "/settings", admin).json();
        assertEquals("[7,1]", defaults.get("expiryNoticeDays").toString());
        assertTrue(defaults.get("deleteUnusedAfterDays").isNull());
        assertEquals(7, defaults.get("unusedNoticeDays").asInt());
        assertEquals("[]", defaults.get("noticeEmails").toString());
        Object[][] bad = {
                {"expiryNoticeDays", List.of(0)},
                {"expiryNoticeDays", List.of(30, 14, 7, 3, 2, 1)},
                {"expiryNoticeDays", List.of(366)},
                {"expiryNoticeDays", List.of(7, 7)},
                {"expiryNoticeDays", "7"},
                {"deleteUnusedAfterDays", 0},
                {"deleteUnusedAfterDays", 3651},
                {"unusedNoticeDays", 0},
                {"unusedNoticeDays", null},
                {"noticeEmails", List.of("not an address")},
                {"noticeEmails", List.of("ops@example.test", "OPS@example.test")},
                {"noticeEmails", "ops@example.test"},
        };
        for (Object[] row : bad) {
            Map<String, Object> body = new HashMap<>();
            body.put((String) row[0], row[1]);
            Http.Response r = Http.putJson(realm.adminTokens() + "/settings", admin, body);
            assertEquals(400, r.status(), row[0] + "=" + row[1] + ": " + r.describe());
            assertEquals(row[0], r.json().path("field").textValue(), r.describe());
        }
        assertEquals(defaults, Http.get(realm.adminTokens() + "/settings", admin).json(), "a refused PUT changes nothing");
        JsonNode changed = putSettings(Map.of("expiryNoticeDays", List.of(1, 30, 7), "deleteUnusedAfterDays", 365,
                "unusedNoticeDays", 14, "noticeEmails", List.of("ops@example.test")));
        assertEquals("[30,7,1]", changed.get("expiryNoticeDays").toString());
        assertEquals(365, changed.get("deleteUnusedAfterDays").asInt());
        assertEquals(14, changed.get("unusedNoticeDays").asInt());
        assertEquals("[\"ops@example.test\"]", changed.get("noticeEmails").toString());
        assertEquals("[]", putSettings(Map.of("expiryNoticeDays", List.of())).get("expiryNoticeDays").toString(), "[] turns notices off");
    }

    @Test
    void anExpiryNoticeReachesTheCreatorAndTheNoticeEmailsOnceEachInTheirLocale() throws Exception {
        String alice = realm.userWithRoles("alice", List.of(), List.of("manage-api-tokens"));
        setLocale("alice", "de");
        putSettings(Map.of("noticeEmails", List.of("ops@example.test")));
        long expiresAt = System.currentTimeMillis() + 3 * DAY;
        Tokens.Token t = token(alice, "deploy-bot", "network-admin", expiresAt, null);

        assertEquals(2, run()[0], "one mail to the creator, one to the policy's address");
        List<Mail> mails = mails(2);
        assertEquals(2, mails.size());
        Mail german = to(mails, "alice@example.test");
        assertTrue(german.subject().contains("deploy-bot") && german.subject().contains("läuft"), "alice chose German: " + german.subject());
        assertTrue(german.text().contains("Network Admin") && german.text().contains("Rolle"), german.text());
        Mail english = to(mails, "ops@example.test");
        assertTrue(english.subject().startsWith("API token \"deploy-bot\" expires on"), english.subject());
        assertTrue(english.text().contains("deploy-bot") && english.text().contains("Network Admin"), english.text());
        String link = KeycloakServer.server().url() + "/admin/" + realm.name + "/console/#/" + realm.name + "/org-api-tokens";
        assertTrue(english.text().contains(link), "the link to the admin console's page: " + english.text());
        assertFalse(english.text().contains(t.json().get("keyHint").asText()), "never the hint");

        assertEquals(0, run()[0], "a second run sends nothing");
        assertEquals(2, mails(0).size());

        // the expiry moves: told again for the new date, once
        smtp.reset();
        assertEquals(200, Http.putJson(realm.adminTokens() + "/" + t.id(), admin, Map.of("expiresAt", expiresAt + DAY)).status());
        assertEquals(2, run()[0], "a moved expiry is told again");
        assertEquals(0, run()[0]);
        assertEquals(2, mails(2).size());

        // the 1-day threshold passes: told again, once
        smtp.reset();
        assertEquals(200, Http.putJson(realm.adminTokens() + "/" + t.id(), admin, Map.of("expiresAt", System.currentTimeMillis() + DAY / 2)).status());
        assertEquals(2, run()[0]);
        assertEquals(0, run()[0], "each threshold once");
        assertEquals(2, mails(2).size());
    }

    @Test
    void severalThresholdsPassedAtOnceGiveOneMailAndNobodyQualifyingGivesNone() throws Exception {
        putSettings(Map.of("expiryNoticeDays", List.of(30, 7, 1), "noticeEmails", List.of("ops@example.test")));
        token(admin, "late", "observer", System.currentTimeMillis() + DAY / 2, null);
        assertEquals(1, run()[0], "30, 7 and 1 days have all passed: one mail, for the nearest");
        assertEquals(0, run()[0]);
        assertEquals(1, mails(1).size());

        // a master admin created it and the policy names nobody: no mail, and no retry every run
        smtp.reset();
        putSettings(Map.of("noticeEmails", List.of()));
        Tokens.Token quiet = token(admin, "quiet", "observer", System.currentTimeMillis() + 2 * DAY, null);
        assertEquals(0, run()[0]);
        assertEquals(0, mails(0).size());
        assertNotNull(Database.rows(KeycloakServer.server(), "select EXPIRY_NOTICE_FOR from ORG_API_TOKEN where ID = ?", quiet.id()).get(0).get(0),
                "the notice is recorded although nobody was told");
    }

    @Test
    void anOrganizationsSuperUsersAreToldWithALinkToTheAccountConsole() throws Exception {
        assertEquals(204, Http.putJson(realm.adminUrl(""), admin, Map.of("organizationsEnabled", true)).status());
        Http.Response org = Http.postJson(realm.adminUrl("/organizations"), admin,
                Map.of("name", "Acme", "alias", "acme", "domains", List.of(Map.of("name", "acme.example.test"))));
        assertEquals(201, org.status(), org.describe());
        String orgId = TestRealm.lastSegment(org.header("Location"));
        realm.userWithRoles("sue", List.of("super-user"), List.of());
        realm.userWithRoles("otto", List.of("observer"), List.of());
        for (String member : List.of("sue", "otto")) {
            assertEquals(201, Http.postJson(realm.adminUrl("/organizations/" + orgId + "/members"), admin, "\"" + userId(member) + "\"").status());
        }
        // a super-user token: its service identity is a super-user member too, and is never told
        token(admin, "acme-ci", "super-user", System.currentTimeMillis() + 2 * DAY, orgId);

        assertEquals(1, run()[0], "only sue: otto is no super-user, the service identity is no person, the master admin no user of the realm");
        Mail mail = to(mails(1), "sue@example.test");
        assertTrue(mail.text().contains("Acme"), "the organization is named: " + mail.text());
        assertTrue(mail.text().contains(KeycloakServer.server().url() + "/realms/" + realm.name + "/account/org-api-tokens"), mail.text());
    }

    @Test
    void anUnusedTokenIsToldThenDeletedAndAUseInBetweenCancelsIt() throws Exception {
        putSettings(Map.of("expiryNoticeDays", List.of(), "deleteUnusedAfterDays", 30, "unusedNoticeDays", 7,
                "noticeEmails", List.of("ops@example.test")));
        Tokens.Token t = token(admin, "forgotten", "helpdesk", null, null);
        Tokens.Token used = token(admin, "busy", "helpdesk", null, null);
        long now = System.currentTimeMillis();
        // made two months ago, last used 25 days ago; the other one made as long ago, used yesterday
        Database.update("update ORG_API_TOKEN set CREATED_AT = ?, LAST_USED_AT = ? where ID = ?", now - 60 * DAY, now - 25 * DAY, t.id());
        Database.update("update ORG_API_TOKEN set CREATED_AT = ?, LAST_USED_AT = ? where ID = ?", now - 60 * DAY, now - DAY, used.id());

        int[] first = run();
        assertEquals(1, first[0], "one notice: 25 of 30 days, within the 7-day notice period");
        assertEquals(0, first[1], "nothing deleted before its notice period is over");
        Mail notice = mails(1).get(0);
        assertTrue(notice.subject().startsWith("Unused API token \"forgotten\" will be deleted on"), notice.subject());
        assertEquals(0, run()[0], "told once");

        // a use in between cancels it: even when the announced time has come
        Database.update("update ORG_API_TOKEN set LAST_USED_AT = ?, UNUSED_DELETE_AT = ? where ID = ?", now - DAY, now - 1000, t.id());
        assertEquals(0, run()[1]);
        assertEquals(200, Http.get(realm.adminTokens() + "/" + t.id(), admin).status());

        // unused again for longer: a new notice, and deletion once its announced time has come
        smtp.reset();
        Database.update("update ORG_API_TOKEN set LAST_USED_AT = ? where ID = ?", now - 40 * DAY, t.id());
        int[] again = run();
        assertEquals(1, again[0], "told again about the new inactivity");
        assertEquals(0, again[1], "never deleted before the notice period is over, even long unused");
        Database.update("update ORG_API_TOKEN set UNUSED_DELETE_AT = ? where ID = ?", now - 1000, t.id());
        assertEquals(1, run()[1]);
        assertEquals(404, Http.get(realm.adminTokens() + "/" + t.id(), admin).status());
        assertEquals(401, Http.send(HttpRequest.newBuilder(URI.create(realm.realmTokens() + "/self")).header("X-API-Key", t.key()).GET().build())
                .status(), "its key stops working at once");
        assertEquals(200, Http.get(realm.adminTokens() + "/" + used.id(), admin).status(), "a token in use stays");
        JsonNode events = Http.get(realm.adminUrl("/admin-events?resourcePath=org-api-tokens/" + t.id() + "&operationTypes=DELETE"), admin).json();
        assertEquals(1, events.size(), events.toString());
        assertEquals("unused", events.get(0).path("details").path("reason").asText(), events.toString());
    }

    @Test
    void aRealmWithoutSmtpSettingsIsSkippedWithALogLineAndNoError() throws Exception {
        TestRealm plain = newRealm("nosmtp");
        Tokens.Token t = Tokens.create(plain, "observer", List.of("*"), Map.of("expiresAt", System.currentTimeMillis() + DAY / 2));
        HINTS.add(t.json().get("keyHint").asText());
        Http.Response r = Http.send("POST", plain.adminTokens() + "/notices/run", admin, "application/json", "");
        assertEquals(200, r.status(), r.describe());
        assertEquals(0, r.json().get("sent").asInt());
        assertEquals(0, mails(0).size());
        assertTrue(KeycloakServer.server().log().contains("lifecycle notices skipped realm " + plain.name + ": it has no SMTP settings"));
    }

    @Test
    void runningTheNoticesNeedsManageRights() {
        String viewer = realm.userWithRoles("vera", List.of(), List.of("view-api-tokens"));
        assertEquals(403, Http.send("POST", realm.adminTokens() + "/notices/run", viewer, "application/json", "").status());
        Map<String, Object> body = new HashMap<>();
        body.put("expiryNoticeDays", List.of(3));
        assertEquals(403, Http.putJson(realm.adminTokens() + "/settings", viewer, body).status());
    }
}
