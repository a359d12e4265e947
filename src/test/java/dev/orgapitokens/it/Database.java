package dev.orgapitokens.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/** Read-only look into Keycloak's database, for what the REST API cannot show (rows left behind). */
public final class Database {

    private Database() {
    }

    public static Connection open() throws SQLException {
        TestDatabase.Jdbc jdbc = KeycloakServer.server().jdbc();
        Assumptions.assumeTrue(jdbc != null, "this server's database cannot be opened from the tests");
        return DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
    }

    public static long count(String sql, Object... params) {
        try (Connection c = open(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
