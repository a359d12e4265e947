package dev.orgapitokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layout of docs/development.md "Code map": one package per flow, no package cycle, setup used by nobody at request time. */
class PackageLayoutTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/orgapitokens");
    private static final Pattern OWN_IMPORT = Pattern.compile("^import (?:static )?dev\\.orgapitokens\\.(\\w+)\\.", Pattern.MULTILINE);

    /** package → the extension's packages its sources import (same-package references need no import). */
    static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> used = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = OWN_IMPORT.matcher(Files.readString(file));
                while (m.find()) if (!m.group(1).equals(pkg)) used.add(m.group(1));
            }
        }
        return graph;
    }

    @Test
    void thePackagesAreTheFlowsOfTheCodeMap() throws IOException {
        assertEquals(Set.of("key", "login", "model", "rest", "service", "setup"), imports().keySet());
    }

    @Test
    void noPackageReachesItselfThroughItsImports() throws IOException {
        Map<String, Set<String>> graph = imports();
        for (String start : graph.keySet()) {
            List<String> path = cycleFrom(start, start, graph, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertTrue(path == null, "package cycle: " + path);
        }
    }

    @Test
    void setupIsWiredAtBootAndImportedByNoOtherPackage() throws IOException {
        imports().forEach((pkg, used) -> assertTrue(!used.contains("setup"), pkg + " imports setup"));
    }

    @Test
    void theStoredEntityStaysBelowTheRestDoors() throws IOException {
        assertTrue(!imports().get("rest").contains("model"), "rest works with the service's values, not the entity or the store");
    }

    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> graph, List<String> path, Set<String> seen) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            List<String> extended = new ArrayList<>(path);
            extended.add(next);
            if (next.equals(start)) return extended;
            if (seen.add(next)) {
                List<String> found = cycleFrom(start, next, graph, extended, seen);
                if (found != null) return found;
            }
        }
        return null;
    }
}
