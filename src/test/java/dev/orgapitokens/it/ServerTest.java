package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every integration test: one real Keycloak per run, and after each class a check that no
 * key issued so far appears in the server log or in the admin events of the realms still alive.
 */
@ExtendWith(KeycloakServer.class)
public abstract class ServerTest {

    private static final List<TestRealm> REALMS = new CopyOnWriteArrayList<>();

    protected static TestRealm newRealm(String prefix) {
        TestRealm realm = TestRealm.create(prefix);
        REALMS.add(realm);
        return realm;
    }

    @AfterAll
    static void noIssuedKeyLeaked() {
        if (!KeycloakServer.started()) return; // skipped: no server was started
        String log = KeycloakServer.server().log();
        String admin = TestRealm.masterAdminToken();
        for (String key : Http.ISSUED_KEYS) {
            assertFalse(log.contains(key), "a key issued in this run appears in the server log");
            // the key's random part alone must not appear either
            assertFalse(log.contains(key.substring(4, 30)), "part of a key issued in this run appears in the server log");
        }
        for (TestRealm realm : REALMS) {
            for (String events : List.of("/admin-events?max=10000", "/events?max=10000")) {
                Http.Response found = Http.get(realm.adminUrl(events), admin);
                if (found.status() == 404) continue; // realm deleted by its test
                for (String key : Http.ISSUED_KEYS) {
                    assertFalse(found.body().contains(key.substring(4, 30)), "a key appears in " + events + " of " + realm.name);
                }
            }
        }
    }
}
