package dev.orgapitokens.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgapitokens.service.KeycloakLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The table of console builds covers the supported lines and matches the builds themes/ makes. */
class ConsoleBuildsTest {

    @Test
    void everySupportedLineHasABuildOfEachConsole() {
        Set<KeycloakLine> lines = new TreeSet<>();
        for (int minor = KeycloakLine.OLDEST_SUPPORTED.minor(); minor <= KeycloakLine.NEWEST_SUPPORTED.minor(); minor++) {
            lines.add(new KeycloakLine(26, minor));
        }
        assertEquals(lines, ConsoleBuilds.ADMIN.keySet());
        assertEquals(lines, ConsoleBuilds.ACCOUNT.keySet());
    }

    @Test
    void theJarCarriesExactlyTheBuildsTheTableNames() throws IOException {
        assertEquals(new TreeSet<>(ConsoleBuilds.ADMIN.values()), builds("admin"));
        assertEquals(new TreeSet<>(ConsoleBuilds.ACCOUNT.values()), builds("account"));
    }

    @Test
    void aLineWithoutABuildGetsNone() {
        assertEquals(Optional.of("26.6.2"), ConsoleBuilds.forLine(ConsoleBuilds.ADMIN, new KeycloakLine(26, 6)));
        assertEquals(Optional.empty(), ConsoleBuilds.forLine(ConsoleBuilds.ADMIN, new KeycloakLine(26, 0)));
        assertEquals(Optional.empty(), ConsoleBuilds.forLine(ConsoleBuilds.ACCOUNT, new KeycloakLine(26, 8)));
    }

    private static Set<String> builds(String type) throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("themes", type, "builds"))) {
            return dirs.map(d -> d.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }
}
