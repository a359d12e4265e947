package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one console's end-to-end script ({@code themes/<theme>/e2e/*.e2e.mjs}, playwright-core in
 * Debian's Chromium) against the suite's server, and asserts that every one of its steps passed.
 * Screenshots go to target/screenshots/; the output is printed with every key masked.
 */
final class BrowserTest {

    private BrowserTest() {
    }

    /** Skips without the console (-Dskip.ui) and fails without Chromium or the theme's npm install. */
    static String chromium(Path theme) {
        Assumptions.assumeFalse(Boolean.getBoolean("skip.ui"), "built with -Dskip.ui: no console page to test");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assertTrue(Files.isExecutable(Path.of(chromium)),
                chromium + " is missing: install Debian's Chromium (apt-get install chromium), as .ci/run does");
        assertTrue(Files.isDirectory(Path.of("themes/shared/e2e/node_modules/playwright-core")),
                "run the Maven build first: it installs Playwright in themes/shared/e2e");
        return chromium;
    }

    static void run(Path theme, String script, Map<String, String> environment, int steps) throws IOException, InterruptedException {
        String chromium = chromium(theme);
        Path log = Path.of(System.getProperty("test.work.dir", "target/it")).resolve(theme.getFileName() + "-e2e.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder node = new ProcessBuilder("node", script).directory(theme.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>(environment);
        all.put("BASE_URL", KeycloakServer.server().url());
        all.put("CHROMIUM", chromium);
        all.put("SCREENSHOT_DIR", Path.of("target/screenshots").toAbsolutePath().toString());
        node.environment().putAll(all);
        Process process = node.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) process.destroyForcibly();
        String output = Http.redact(Files.readString(log));
        System.out.println(script + ":\n" + output);
        assertTrue(finished, "the browser test finished within 8 minutes");
        assertEquals(0, process.exitValue(), "browser test failed:\n" + output);
        assertTrue(output.contains(steps + " passed, 0 failed"), output);
    }
}
