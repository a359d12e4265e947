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

    /** Usage (SPEC §10) written every second and purged every two seconds, not every minute and hour, so tests need not wait. */
    public static final String[] FAST_USAGE = {"--spi-org-api-tokens-setup--org-api-tokens-usage--flush-interval-seconds=1",
            "--spi-org-api-tokens-setup--org-api-tokens-usage--purge-interval-seconds=2"};

    private static Server server;

    /**
     * The suite's server runs as behind a reverse proxy: it takes the client address from
     * X-Forwarded-For sent from 127.0.0.1, where the proxies of GatewayProxiesIT connect from (Caddy
     * 2.6 cannot pick its source address). Their clients connect from 127.0.0.3; the other tests send
     * no forwarded headers, so Keycloak sees their own address.
     */
    static final String[] BEHIND_PROXIES = {"--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1"};

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
                        : DistributionServer.in(Path.of(required("keycloak.home")), workDir()).extension(Path.of(required("extension.jar")))
                                .args(BEHIND_PROXIES).args(FAST_USAGE).start(),
                        Server.class);
    }

    public static boolean started() {
        return server != null;
    }

    public static Server server() {
        if (server == null) throw new IllegalStateException("annotate the test class with @ExtendWith(KeycloakServer.class)");
        return server;
    }

    /**
     * An unpacked distribution, started with {@code kc.sh start-dev}: by default on a fresh database
     * of the kind {@code -Dkeycloak.db} selects, which it drops when closed. Several servers may run
     * from one distribution (a cluster's nodes), each with its own ports, log and work files.
     */
    public static final class DistributionServer implements Server, AutoCloseable {
        private final Path home;
        private final Path logFile;
        private final Path transactionLogs;
        private final TestDatabase database;
        private final boolean ownsDatabase;
        private final List<String> extraArgs;
        private final int httpPort;
        private final int managementPort;
        private Process process;

        private DistributionServer(Setup setup, Path logFile) {
            this.home = setup.home;
            this.logFile = logFile;
            this.transactionLogs = setup.work.resolve(setup.name + "-transaction-logs").toAbsolutePath();
            this.ownsDatabase = setup.database == null;
            this.database = ownsDatabase ? TestDatabase.create(setup.work) : setup.database;
            this.extraArgs = List.copyOf(setup.args);
            this.httpPort = freePort();
            this.managementPort = freePort();
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        }

        /** What to start, from {@link #in}; {@link #start} launches it and waits until it answers. */
        public static final class Setup {
            private final Path home;
            private final Path work;
            private Path extension;
            private TestDatabase database;
            private String name = "keycloak";
            private final List<String> args = new ArrayList<>();

            private Setup(Path home, Path work) {
                this.home = home;
                this.work = work;
            }

            /** The extension JAR to install as the only one in {@code providers/}. */
            public Setup extension(Path jar) {
                this.extension = jar;
                return this;
            }

            /** Runs on this database instead of a fresh one; the caller drops it (it may be shared by several servers). */
            public Setup database(TestDatabase shared) {
                this.database = shared;
                return this;
            }

            /** Names this server's files in the work directory ({@code <name>.log}, {@code <name>-transaction-logs}); servers sharing one need different names. */
            public Setup name(String name) {
                this.name = name;
                return this;
            }

            /** More {@code kc.sh} options, after the suite's own. */
            public Setup args(String... kcArgs) {
                args.addAll(List.of(kcArgs));
                return this;
            }

            public DistributionServer start() {
                try {
                    Files.createDirectories(work);
                    if (extension != null) installExtension(home, extension);
                    Path log = work.resolve(name + ".log");
                    Files.deleteIfExists(log);
                    DistributionServer server = new DistributionServer(this, log);
                    try {
                        server.launch();
                    } catch (RuntimeException e) {
                        server.close(); // a server that never answered still runs, and may own a database
                        throw e;
                    }
                    return server;
                } catch (IOException e) {
                    throw new IllegalStateException("could not prepare the Keycloak distribution in " + home, e);
                }
            }
        }

        /** A server of the distribution in {@code home}, keeping its log (and H2 files) in {@code work}. */
        public static Setup in(Path home, Path work) {
            return new Setup(home, work);
        }

        /** Starts the distribution in {@code home} with {@code jar} as the only extension, on a fresh database; logs and H2 data go to {@code work}. */
        public static DistributionServer start(Path home, Path work, Path jar) {
            return in(home, work).extension(jar).start();
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
            Path installed = providers.resolve(jar.getFileName());
            // A new file time makes Keycloak re-augment, so an identical JAR stays as it is: a second
            // node started from this distribution must not rebuild it under the first.
            if (Files.exists(installed) && Files.mismatch(installed, jar) == -1) return;
            Files.createDirectories(providers);
            try (Stream<Path> old = Files.list(providers)) {
                for (Path p : old.filter(p -> p.getFileName().toString().startsWith("keycloak-org-api-tokens")).toList()) Files.delete(p);
            }
            Files.copy(jar, installed, StandardCopyOption.REPLACE_EXISTING);
        }

        private void launch() {
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + httpPort, "--http-management-port=" + managementPort, "--health-enabled=true",
                    "--metrics-enabled=true"));
            command.addAll(database.keycloakOptions());
            command.addAll(extraArgs);
            command.addAll(List.of(System.getProperty("keycloak.args", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            // Narayana's object store is in the distribution's data/ by default: servers of one distribution keep their own.
            String javaOpts = builder.environment().getOrDefault("JAVA_OPTS_APPEND", "-Xms256m");
            builder.environment().put("JAVA_OPTS_APPEND", javaOpts + " -Dquarkus.transaction-manager.object-store.directory=" + transactionLogs);
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start " + command, e);
            }
            // Six minutes: a loaded machine re-augments slowly; -Dkeycloak.start.minutes=N for one slower still.
            waitUntilReady(url() + "/realms/master", Duration.ofMinutes(Long.getLong("keycloak.start.minutes", 6)), () -> process.isAlive(), this::log);
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

        /** CPU time used so far by the server's processes (kc.sh and its JVM): the benchmark's cost figures. */
        public Duration cpuTime() {
            Process p = process;
            if (p == null) return Duration.ZERO;
            return Stream.concat(Stream.of(p.toHandle()), p.descendants())
                    .map(h -> h.info().totalCpuDuration().orElse(Duration.ZERO))
                    .reduce(Duration.ZERO, Duration::plus);
        }

        /** The process id of the server's JVM (for jcmd: the benchmark's profiles). */
        public long jvmPid() {
            Process p = process;
            if (p == null) throw new IllegalStateException("not started");
            return p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(p.pid());
        }

        @Override
        public String log() {
            try {
                return Files.exists(logFile) ? Files.readString(logFile) : "";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Stops the server if it runs (cleanly) and starts it again on the same database and ports. */
        @Override
        public void restart() {
            stop();
            launch();
        }

        /**
         * SIGKILL to the Keycloak JVM, as a crash or the OOM killer would do it: no shutdown, nothing
         * flushed, in-flight requests cut off. {@link #restart} brings it back on the same database.
         */
        public synchronized void kill() {
            if (process == null || !process.isAlive()) throw new IllegalStateException("the server is not running");
            // kc.sh runs java as its child, or exec's it after a re-augmentation (then the process is the JVM itself).
            List<ProcessHandle> children = process.descendants().toList();
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                for (ProcessHandle child : children) child.onExit().get(30, TimeUnit.SECONDS);
                if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("kc.sh did not end after its JVM was killed");
            } catch (Exception e) {
                throw new IllegalStateException("could not kill Keycloak", e);
            }
        }

        /** Stops the server cleanly (SIGTERM to the JVM: Keycloak leaves its cluster and finishes its requests). */
        public synchronized void stop() {
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
            if (ownsDatabase) database.drop();
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

    /** Where the integration tests keep logs and embedded databases (target/it). */
    static Path workDir() {
        return Path.of(System.getProperty("test.work.dir", "target/it"));
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
}
