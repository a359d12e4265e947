package dev.orgapitokens.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The table of console builds matches the builds themes/ makes, and a Keycloak version names its line. */
class ConsoleBuildsTest {

    @Test
    void everySupportedLineHasABuildOfEachConsole() {
        Set<String> lines = Set.of("26.4", "26.5", "26.6", "26.7");
        assertEquals(lines, ConsoleBuilds.ADMIN.keySet());
        assertEquals(lines, ConsoleBuilds.ACCOUNT.keySet());
    }

    @Test
    void theJarCarriesExactlyTheBuildsTheTableNames() throws IOException {
        assertEquals(new TreeSet<>(ConsoleBuilds.ADMIN.values()), builds("admin"));
        assertEquals(new TreeSet<>(ConsoleBuilds.ACCOUNT.values()), builds("account"));
    }

    @Test
    void aVersionNamesItsLine() {
        Map<String, Optional<String>> cases = Map.of(
                "26.4.7", Optional.of("26.4"),
                "26.4.7.redhat-00001", Optional.of("26.4"),
                "26.7.0-SNAPSHOT", Optional.of("26.7"),
                "999.0.0-SNAPSHOT", Optional.of("999.0"),
                "26", Optional.empty(),
                "", Optional.empty());
        cases.forEach((version, line) -> assertEquals(line, ConsoleBuilds.line(version), version));
        assertEquals(Optional.of("26.6.2"), ConsoleBuilds.forVersion(ConsoleBuilds.ADMIN, "26.6.0"));
        assertEquals(Optional.empty(), ConsoleBuilds.forVersion(ConsoleBuilds.ADMIN, "26.0.7"));
        assertEquals(Optional.empty(), ConsoleBuilds.forVersion(ConsoleBuilds.ACCOUNT, "26.8.0"));
    }

    private static Set<String> builds(String type) throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("themes", type, "builds"))) {
            return dirs.map(d -> d.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }
}
