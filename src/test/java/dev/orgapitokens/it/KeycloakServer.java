package dev.orgapitokens.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one real Keycloak with the freshly built extension JAR for the whole test run.
 *
 * <p>{@code -Dkeycloak.server=embedded} (default): the Quarkus distribution from Maven, unpacked by
 * the build, on its embedded H2 database. {@code -Dkeycloak.server=testcontainers}: the official
 * image via testcontainers-keycloak; skipped with a message when no Docker engine is reachable.
 */
public final class KeycloakServer implements BeforeAllCallback {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /** What the tests need from a running server, whichever way it was started. */
    public interface Server extends ExtensionContext.Store.CloseableResource {
        String url();

        /** Everything the server has written to its log so far. */
        String log();

        /** Stops the server and starts it again on the same database. */
        void restart();

        /** Keycloak's Prometheus endpoint on the management port (metrics are enabled). */
        String metricsUrl();

        /** How the tests can open Keycloak's database while it runs, or null when it is out of reach. */
        TestDatabase.Jdbc jdbc();
    }

    private static Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        String mode = System.getProperty("keycloak.server", "embedded");
        if (mode.equals("testcontainers") && !ContainerServer.dockerAvailable()) {
            String message = "SKIPPED " + context.getDisplayName() + ": keycloak.server=testcontainers but no Docker engine is reachable. "
                    + "Run without -Dkeycloak.server (embedded distribution) on machines without Docker.";
            System.out.println(message);
            Assumptions.abort(message);
        }
        server = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Server.class, k -> mode.equals("testcontainers") ? ContainerServer.start()
                        : DistributionServer.start(Path.of(required("keycloak.home")), Path.of(System.getProperty("test.work.dir", "target/it")),
                                Path.of(required("extension.jar"))), Server.class);
    }

    public static boolean started() {
        return server != null;
    }

    public static Server server() {
        if (server == null) throw new IllegalStateException("annotate the test class with @ExtendWith(KeycloakServer.class)");
        return server;
    }

    /** An unpacked distribution, started with {@code kc.sh start-dev} on the database {@code -Dkeycloak.db} selects. */
    public static final class DistributionServer implements Server, AutoCloseable {
        private final Path home;
        private final Path work;
        private final Path logFile;
        private final TestDatabase database;
        private final int httpPort;
        private final int managementPort;
        private Process process;

        private DistributionServer(Path home, Path work, Path logFile) {
            this.home = home;
            this.work = work;
            this.database = TestDatabase.select(work);
            this.logFile = logFile;
            this.httpPort = freePort();
            this.managementPort = freePort();
        }

        /** Starts the distribution in {@code home} with {@code jar} as the only extension; logs and H2 data go to {@code work}. */
        public static DistributionServer start(Path home, Path work, Path jar) {
            try {
                Files.createDirectories(work);
                installExtension(home, jar);
                deleteRecursively(work.resolve("h2")); // a fresh embedded database for every run
                Path log = work.resolve("keycloak.log");
                Files.deleteIfExists(log);
                DistributionServer server = new DistributionServer(home, work, log);
                server.launch();
                return server;
            } catch (IOException e) {
                throw new IllegalStateException("could not prepare the Keycloak distribution in " + home, e);
            }
        }

        /** Swaps the extension JAR, as an operator upgrading it would; takes effect at the next start. */
        public void replaceExtension(Path jar) {
            try {
                installExtension(home, jar);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void installExtension(Path home, Path jar) throws IOException {
            Path providers = home.resolve("providers");
            Files.createDirectories(providers);
            try (Stream<Path> old = Files.list(providers)) {
                for (Path p : old.filter(p -> p.getFileName().toString().startsWith("keycloak-org-api-tokens")).toList()) Files.delete(p);
            }
            Files.copy(jar, providers.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }

        private void launch() {
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + httpPort, "--http-management-port=" + managementPort, "--health-enabled=true",
                    "--metrics-enabled=true"));
            command.addAll(database.keycloakOptions());
            command.addAll(List.of(System.getProperty("keycloak.args", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().putIfAbsent("JAVA_OPTS_APPEND", "-Xms256m");
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start " + command, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
            waitUntilReady(url() + "/realms/master", Duration.ofMinutes(4), () -> process.isAlive(), this::log);
        }

        @Override
        public String url() {
            return "http://127.0.0.1:" + httpPort;
        }

        @Override
        public TestDatabase.Jdbc jdbc() {
            return database.jdbc();
        }

        @Override
        public String metricsUrl() {
            return "http://127.0.0.1:" + managementPort + "/metrics";
        }

        @Override
        public String log() {
            try {
                return Files.exists(logFile) ? Files.readString(logFile) : "";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void restart() {
            stop();
            launch();
        }

        private synchronized void stop() {
            if (process == null || !process.isAlive()) return;
            // kc.sh runs java as a child: stop the JVM itself so Keycloak shuts down cleanly.
            List<ProcessHandle> children = process.descendants().toList();
            children.forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    children.forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                for (ProcessHandle child : children) {
                    child.onExit().get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }

        @Override
        public void close() {
            stop();
            database.drop();
        }
    }

    /** The official image through testcontainers-keycloak, for machines with a Docker engine. */
    static final class ContainerServer implements Server {
        private final dasniko.testcontainers.keycloak.KeycloakContainer container;

        private ContainerServer(dasniko.testcontainers.keycloak.KeycloakContainer container) {
            this.container = container;
        }

        static boolean dockerAvailable() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                return false;
            }
        }

        @SuppressWarnings("resource")
        static ContainerServer start() {
            // The image operators get: docker/Dockerfile, with the JAR this build produced.
            String image = new org.testcontainers.images.builder.ImageFromDockerfile("keycloak-org-api-tokens-it", false)
                    .withFileFromPath("docker/Dockerfile", Path.of("docker/Dockerfile"))
                    .withFileFromPath("target/" + Path.of(required("extension.jar")).getFileName(), Path.of(required("extension.jar")))
                    .withDockerfilePath("docker/Dockerfile")
                    .get();
            var container = new dasniko.testcontainers.keycloak.KeycloakContainer(image)
                    .withAdminUsername(ADMIN_USER)
                    .withAdminPassword(ADMIN_PASSWORD);
            container.start();
            return new ContainerServer(container);
        }

        @Override
        public String url() {
            String url = container.getAuthServerUrl();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }

        @Override
        public String log() {
            return container.getLogs();
        }

        @Override
        public TestDatabase.Jdbc jdbc() {
            return null;
        }

        @Override
        public String metricsUrl() {
            return container.getMgmtServerUrl() + "/metrics";
        }

        @Override
        public void restart() {
            Assumptions.abort("restart keeps the database only with the embedded distribution");
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    static void waitUntilReady(String url, Duration timeout, java.util.function.BooleanSupplier alive,
            java.util.function.Supplier<String> log) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("Keycloak exited during start-up. Log tail:\n" + tail(log.get()));
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Keycloak did not answer " + url + " within " + timeout + ". Log tail:\n" + tail(log.get()));
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) throw new IllegalStateException("system property " + property + " is not set (run through Maven: mvn verify)");
        return value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
