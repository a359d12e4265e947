package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every integration test: one real Keycloak per run, and after each class a check that no
 * key issued so far appears in the server log, in any text column of the database, or in the
 * admin and login events of the realms still alive; and that every answer of the extension's
 * endpoints matched docs/openapi.yaml ({@link OpenApi}).
 */
@ExtendWith({KeycloakServer.class, OpenApi.Check.class})
public abstract class ServerTest {

    private static final List<TestRealm> REALMS = new CopyOnWriteArrayList<>();

    protected static TestRealm newRealm(String prefix) {
        TestRealm realm = TestRealm.create(prefix);
        REALMS.add(realm);
        return realm;
    }

    /** A realm from a realm representation, keeping its fixed name (the examples of the README and docs/ use {@code demo}). */
    protected static TestRealm newRealmFromJson(String representation) {
        TestRealm realm = TestRealm.fromJson(representation);
        REALMS.add(realm);
        return realm;
    }

    /** Every character column of every table of Keycloak's database, searched for the random part of each key. */
    static void assertNoKeyInDatabase(java.util.Set<String> secrets) {
        if (KeycloakServer.server().jdbc() == null || secrets.isEmpty()) return;
        try (java.sql.Connection c = Database.open()) {
            List<String> tables = Database.tables(c);
            for (String table : tables) {
                try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("select * from " + table)) {
                    java.sql.ResultSetMetaData columns = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= columns.getColumnCount(); i++) {
                            int type = columns.getColumnType(i);
                            boolean text = type == java.sql.Types.VARCHAR || type == java.sql.Types.NVARCHAR || type == java.sql.Types.CLOB
                                    || type == java.sql.Types.NCLOB || type == java.sql.Types.LONGVARCHAR || type == java.sql.Types.LONGNVARCHAR
                                    || type == java.sql.Types.CHAR;
                            if (!text) continue;
                            assertFalse(Leaks.anyIn(rs.getString(i), secrets), "a key issued in this run is stored in " + table + "." + columns.getColumnName(i));
                        }
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not scan the database for keys", e);
        }
    }

    @AfterAll
    static void noIssuedKeyLeaked() {
        if (!KeycloakServer.started()) return; // skipped: no server was started
        String log = KeycloakServer.server().log();
        java.util.Set<String> secrets = Leaks.issuedSecrets();
        // the key's random part: a whole key holds it, and so does a truncated copy
        assertFalse(Leaks.anyIn(log, secrets), "part of a key issued in this run appears in the server log");
        assertNoKeyInDatabase(secrets);
        String admin = TestRealm.masterAdminToken();
        for (TestRealm realm : REALMS) {
            for (String events : List.of("/admin-events?max=10000", "/events?max=10000")) {
                Http.Response found = Http.get(realm.adminUrl(events), admin);
                if (found.status() == 404) continue; // realm deleted by its test
                assertFalse(Leaks.anyIn(found.body(), secrets), "a key appears in " + events + " of " + realm.name);
            }
        }
    }
}
