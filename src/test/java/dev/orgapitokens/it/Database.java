package dev.orgapitokens.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A look into Keycloak's database, for what the REST API cannot show (rows left behind); and, for
 * the lifecycle notices, {@link #update} to date a token's last use back, as if time had passed.
 */
public final class Database {

    private Database() {
    }

    public static Connection open() throws SQLException {
        return open(KeycloakServer.server());
    }

    /** The database of a server a test started itself. */
    public static Connection open(KeycloakServer.Server server) throws SQLException {
        TestDatabase.Jdbc jdbc = server.jdbc();
        Assumptions.assumeTrue(jdbc != null, "this server's database cannot be opened from the tests");
        return DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
    }

    /** Every table of Keycloak's database (schema-qualified where the database has schemas), system tables left out. */
    public static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema != null && (schema.equalsIgnoreCase("INFORMATION_SCHEMA") || schema.equalsIgnoreCase("pg_catalog"))) continue;
                tables.add((schema == null ? "" : schema + ".") + rs.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    public static long count(String sql, Object... params) {
        return Long.parseLong(rows(KeycloakServer.server(), sql, params).get(0).get(0));
    }

    /** Every row of a query, each column as a string (null stays null). */
    public static List<List<String>> rows(KeycloakServer.Server server, String sql, Object... params) {
        try (Connection c = open(server); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            try (ResultSet rs = s.executeQuery()) {
                List<List<String>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) row.add(rs.getString(i));
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** One write, committed: how a test makes a token look unused for weeks without waiting weeks. */
    public static int update(String sql, Object... params) {
        try (Connection c = open(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
            int changed = s.executeUpdate();
            if (!c.getAutoCommit()) c.commit();
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
