package dev.orgapitokens.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The database the test server runs on, chosen with {@code -Dkeycloak.db}: {@code dev-file}
 * (embedded H2, default), {@code postgres} or {@code mariadb} on this machine. Each run creates
 * its own database and drops it afterwards, so runs never see each other's data.
 */
abstract class TestDatabase {

    /** How to reach it: what Keycloak is started with, and what the tests open. */
    record Jdbc(String url, String user, String password) {
    }

    abstract List<String> keycloakOptions();

    abstract Jdbc jdbc();

    void drop() {
    }

    /** The kind {@code -Dkeycloak.db} selects: dev-file, postgres or mariadb. */
    static String kind() {
        return System.getProperty("keycloak.db", "dev-file");
    }

    /** A new, empty database of the selected kind: H2 files under {@code work} (any old ones deleted), or a database on the server. */
    static TestDatabase create(Path work) {
        String kind = kind();
        return switch (kind) {
            case "dev-file" -> H2.fresh(work);
            case "postgres" -> new Server("postgres", "PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/", "postgres", "postgres", "postgres",
                    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
            case "mariadb" -> new Server("mariadb", "MariaDB", "jdbc:mariadb://127.0.0.1:3306/", "", "root", "",
                    "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");
            default -> throw new IllegalArgumentException("keycloak.db must be dev-file, postgres or mariadb, not " + kind);
        };
    }

    /**
     * The same, but on H2 opened as Keycloak's default dev-file URL opens it ({@code DB_CLOSE_ON_EXIT=FALSE},
     * no AUTO_SERVER): the tests cannot read it while Keycloak runs, but Keycloak, not H2's JVM exit
     * hook, closes it, so what a clean shutdown writes (the last usage counts) reaches it. H2 refuses
     * the two settings together.
     */
    static TestDatabase createAsKeycloakOpensIt(Path work) {
        return kind().equals("dev-file") ? H2.fresh(work, false) : create(work);
    }

    /**
     * Keycloak's dev-file database, by default in AUTO_SERVER mode so the tests can read it while
     * Keycloak runs. In that mode H2 closes itself from its JVM exit hook, racing Keycloak's shutdown:
     * writes made while Keycloak stops may find it closed ({@link #createAsKeycloakOpensIt} avoids that).
     */
    static final class H2 extends TestDatabase {
        private final Jdbc jdbc;

        private H2(Path directory, boolean readByTests) {
            this.jdbc = new Jdbc("jdbc:h2:file:" + directory.resolve("keycloakdb").toAbsolutePath() + ";NON_KEYWORDS=VALUE"
                    + (readByTests ? ";AUTO_SERVER=TRUE" : ";DB_CLOSE_ON_EXIT=FALSE"), "sa", "password");
        }

        static H2 fresh(Path work) {
            return fresh(work, true);
        }

        static H2 fresh(Path work, boolean readByTests) {
            Path directory = work.resolve("h2");
            try {
                if (Files.exists(directory)) {
                    try (Stream<Path> paths = Files.walk(directory)) {
                        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not delete the old embedded database in " + directory, e);
            }
            return new H2(directory, readByTests);
        }

        @Override
        List<String> keycloakOptions() {
            return List.of("--db=dev-file", "--db-url=" + jdbc.url(), "--db-username=" + jdbc.user(), "--db-password=" + jdbc.password());
        }

        @Override
        Jdbc jdbc() {
            return jdbc;
        }
    }

    /** A database server on this machine; the run gets a database of its own. */
    static final class Server extends TestDatabase {
        private final String vendor;
        private final String serverUrl;
        private final String user;
        private final String password;
        private final String name = "kc_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        Server(String vendor, String label, String serverUrl, String adminDb, String user, String password, String startCommand) {
            this.vendor = vendor;
            this.serverUrl = serverUrl;
            this.user = user;
            this.password = password;
            String create = vendor.equals("mariadb")
                    ? "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    : "CREATE DATABASE " + name + " ENCODING 'UTF8'";
            try (Connection c = DriverManager.getConnection(serverUrl + adminDb, user, password); Statement s = c.createStatement()) {
                s.execute(create);
            } catch (SQLException e) {
                throw new IllegalStateException(label + " at " + serverUrl + " is not reachable (" + e.getMessage()
                        + "). Start it with: " + startCommand, e);
            }
        }

        @Override
        List<String> keycloakOptions() {
            List<String> options = new java.util.ArrayList<>(List.of("--db=" + vendor, "--db-url=" + jdbc().url(), "--db-username=" + user));
            if (!password.isEmpty()) options.add("--db-password=" + password);
            return options;
        }

        @Override
        Jdbc jdbc() {
            return new Jdbc(serverUrl + name, user, password);
        }

        @Override
        void drop() {
            String admin = vendor.equals("mariadb") ? serverUrl : serverUrl + "postgres";
            try (Connection c = DriverManager.getConnection(admin, user, password); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            } catch (SQLException e) {
                System.out.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }
}
