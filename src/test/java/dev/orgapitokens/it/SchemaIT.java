package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Liquibase changelog applied on the database the suite runs on (H2, PostgreSQL or MariaDB),
 * with the indexes the login and list queries rely on, read from the database's own catalog.
 */
class SchemaIT extends ServerTest {

    record Index(boolean unique, List<String> columns) {
    }

    @Test
    void theLoginAndListQueriesHaveTheirIndexes() throws Exception {
        Map<String, Index> indexes = indexes("ORG_API_TOKEN");
        assertTrue(indexes.containsValue(new Index(true, List.of("KEY_DIGEST"))), "unique digest index for the one-read login: " + indexes);
        assertTrue(indexes.containsValue(new Index(true, List.of("PREVIOUS_KEY_DIGEST"))), "unique previous-key digest, for the same one-read login: " + indexes);
        assertTrue(indexes.containsValue(new Index(true, List.of("NAME_SCOPE", "NAME_KEY"))), "unique names per realm or organization: " + indexes);
        assertTrue(indexes.values().stream().anyMatch(i -> i.columns().equals(List.of("REALM_ID", "NAME_KEY", "ID"))), "list ordered by name, then id: " + indexes);
        assertTrue(indexes.values().stream().anyMatch(i -> i.columns().equals(List.of("SERVICE_USER_ID"))), "cleanup by service identity: " + indexes);
        assertTrue(indexes.values().stream().anyMatch(i -> i.columns().equals(List.of("ORGANIZATION_ID"))), "filter by organization: " + indexes);
    }

    @Test
    void theChangelogRanOnceInItsOwnChangelogTable() {
        // Keycloak keeps each JpaEntityProvider's Liquibase history in a table of its own, named by
        // JpaUtils.getCustomChangelogTableName("org-api-tokens") (not called here: it needs Hibernate).
        String table = "DATABASECHANGELOG_ORG_API_TO";
        for (String changeSet : List.of("org-api-tokens-1.0", "org-api-tokens-1.1", "org-api-tokens-1.2")) {
            assertEquals(1, Database.count("select count(*) from " + table + " where ID = ?", changeSet), changeSet);
        }
    }

    private static Map<String, Index> indexes(String table) throws Exception {
        try (Connection c = Database.open()) {
            DatabaseMetaData meta = c.getMetaData();
            Map<String, Map<Integer, String>> columns = new HashMap<>();
            Map<String, Boolean> unique = new HashMap<>();
            // PostgreSQL folds unquoted names to lower case, H2 and MariaDB keep them upper case.
            for (String name : List.of(table, table.toLowerCase(Locale.ROOT))) {
                try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), null, name, false, false)) {
                    while (rs.next()) {
                        String index = rs.getString("INDEX_NAME");
                        String column = rs.getString("COLUMN_NAME");
                        if (index == null || column == null) continue;
                        columns.computeIfAbsent(index, k -> new HashMap<>()).put((int) rs.getShort("ORDINAL_POSITION"), column.toUpperCase(Locale.ROOT));
                        unique.put(index, !rs.getBoolean("NON_UNIQUE"));
                    }
                }
            }
            Map<String, Index> result = new HashMap<>();
            columns.forEach((index, cols) -> result.put(index.toUpperCase(Locale.ROOT),
                    new Index(unique.get(index), new ArrayList<>(new java.util.TreeMap<>(cols).values()))));
            return result;
        }
    }
}
