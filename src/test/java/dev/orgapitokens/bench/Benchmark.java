package dev.orgapitokens.bench;

import dev.orgapitokens.it.Http;
import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.it.KeycloakServer;
import dev.orgapitokens.it.Prometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The key-login benchmark of bench/run.sh: a fixed number of HTTP/1.1 connections drive key
 * logins and Keycloak's client_credentials grant on one server in alternating rounds, so drift
 * cancels, and the figures are ratios between the two. Also: key logins with many vs few tokens,
 * the admin list's first page, last-used writes and the cost of bad keys.
 */
public final class Benchmark {

    /** What to run. {@code --quick}: a smoke run (1,000 tokens, 2 rounds of 3 s) that proves every row comes out; its figures mean little. */
    public record Options(int tokens, int rounds, int seconds, int connections) {
        static Options parse(String[] args) {
            boolean quick = List.of(args).contains("--quick");
            Map<String, Integer> values = new LinkedHashMap<>(quick
                    ? Map.of("tokens", 1_000, "rounds", 2, "seconds", 3, "connections", 8)
                    : Map.of("tokens", 100_000, "rounds", 5, "seconds", 10, "connections", 8));
            for (String arg : args) {
                if (arg.equals("--quick")) continue;
                String[] kv = arg.replaceFirst("^--", "").split("=", 2);
                if (!values.containsKey(kv[0]) || kv.length != 2) {
                    throw new IllegalArgumentException("unknown option " + arg + "; known: --quick, " + values.keySet());
                }
                values.put(kv[0], Integer.parseInt(kv[1]));
            }
            return new Options(values.get("tokens"), values.get("rounds"), values.get("seconds"), values.get("connections"));
        }
    }

    /** One figure of the table. */
    public record Figure(String name, double value, String goal, boolean met) {
        private static final String REFERENCE = "reference";

        /** A figure with no goal of its own, reported to explain the others. */
        static Figure reference(String name, double value) {
            return new Figure(name, value, REFERENCE, true);
        }

        /** A row of SPEC §8 that this build cannot measure yet; {@code why} is printed instead of a value. */
        static Figure notYet(String name, String goal, String why) {
            return new Figure(name + " [" + why + "]", Double.NaN, goal, false);
        }

        /** No value: what the row waits for is in its name. */
        public boolean notMeasured() {
            return Double.isNaN(value) && name.endsWith("]");
        }

        boolean isReference() {
            return REFERENCE.equals(goal);
        }
    }

    /** Requests per second and latency of one round. */
    record Round(double throughput, double p99Millis, int errors, double p50Millis, long requests, double serverCpuMillisPerRequest) {
    }

    private final String base;
    private final String metricsUrl;
    private final String admin;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** The server's CPU time so far, or null when the benchmark cannot see the server's processes. */
    private final Supplier<Duration> serverCpu;

    public Benchmark(String base, String metricsUrl, Supplier<Duration> serverCpu) {
        this.base = base;
        this.metricsUrl = metricsUrl;
        this.serverCpu = serverCpu;
        this.admin = adminToken();
    }

    /**
     * {@code bench/run.sh [options]}: the whole table; {@code --timing [--requests=N]}: the timing
     * side channel of issue 8 ({@link TimingBenchmark}).
     */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean timing = rest.remove("--timing");
        boolean profile = rest.remove("--profile");
        int requests = 2000;
        for (String arg : List.copyOf(rest)) {
            if (arg.startsWith("--requests=")) {
                requests = Integer.parseInt(arg.substring("--requests=".length()));
                rest.remove(arg);
            }
        }
        boolean tokensGiven = rest.stream().anyMatch(a -> a.startsWith("--tokens=") || a.equals("--quick"));
        Options options = Options.parse(rest.toArray(String[]::new));
        if ((timing || profile) && !tokensGiven) {
            options = new Options(profile ? 2000 : 200, options.rounds(), options.seconds(), options.connections());
        }
        Path work = Path.of("target/bench");
        try (KeycloakServer.DistributionServer server = KeycloakServer.DistributionServer.start(
                Path.of(System.getProperty("keycloak.home")), work, Path.of(System.getProperty("extension.jar")))) {
            Benchmark bench = new Benchmark(server.url(), server.metricsUrl(), server::cpuTime);
            if (timing) {
                new TimingBenchmark(bench).run(options.tokens(), requests, work);
            } else if (profile) {
                bench.profile(options, work, server.jvmPid());
            } else {
                String loadBefore = loadAverage();
                long started = System.nanoTime();
                List<Figure> figures = bench.run(options);
                print(figures, options);
                writeCsv(figures, work.resolve("results.csv"));
                System.out.println("CSV: " + work.resolve("results.csv").toAbsolutePath());
                Path results = writeResults(figures, options, Path.of(System.getProperty("bench.results", "bench/results")), loadBefore, started,
                        rest.contains("--quick"));
                System.out.println("results: " + results.toAbsolutePath());
            }
        }
    }

    static final String KEY_GRANT = "grant_type=urn:org-api-tokens:grant-type:api-key&client_id=org-api-tokens&api_key=";

    public List<Figure> run(Options o) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        boolean useWrk = Wrk.available();
        String big = realm("bench-big-" + run);
        String small = realm("bench-small-" + run);
        String hundred = realm("bench-100-" + run);
        // SPEC §8's usage row: the 10-token realm's twin with usage counting off (its only difference)
        String uncounted = realm("bench-uncounted-" + run);
        Http.Response off = Http.putJson(base + "/admin/realms/" + uncounted + "/org-api-tokens/settings", adminToken(), Map.of("usageCounting", false));
        if (off.status() != 200) throw new IllegalStateException("turn usage counting off: " + off.describe());
        String secret = confidentialClient(big);
        audience(big, "bench-cc"); // Keycloak 26.7 introspects a token only for a client in its audience
        log("seeding " + o.tokens() + " tokens (through the REST API)...");
        String bigKey = seed(big, o.tokens(), o.connections());
        String smallKey = seed(small, Math.min(10, o.tokens()), o.connections());
        String uncountedKey = seed(uncounted, Math.min(10, o.tokens()), o.connections());
        seed(hundred, Math.min(100, o.tokens()), o.connections());

        // each request described once (Wrk.Request), sent by wrk when installed, else by HttpClient (see load)
        String tokenUrl = base + "/realms/%s/protocol/openid-connect/token";
        Load keyLoginLoad = load(useWrk, Wrk.Request.form(tokenUrl.formatted(big), KEY_GRANT + bigKey));
        Load smallKeyLoginLoad = load(useWrk, Wrk.Request.form(tokenUrl.formatted(small), KEY_GRANT + smallKey));
        Load uncountedKeyLoginLoad = load(useWrk, Wrk.Request.form(tokenUrl.formatted(uncounted), KEY_GRANT + uncountedKey));
        // the password form of the same login, for reference: the cost of Keycloak's flow and required actions
        Load passwordLoginLoad = load(useWrk, Wrk.Request.form(tokenUrl.formatted(big),
                "grant_type=password&client_id=org-api-tokens&api_key=" + bigKey));
        Load clientCredentialsLoad = load(useWrk, Wrk.Request.form(tokenUrl.formatted(big),
                "grant_type=client_credentials&client_id=bench-cc&client_secret=" + secret));
        String broken = bigKey.substring(0, 10) + (bigKey.charAt(10) == 'a' ? 'b' : 'a') + bigKey.substring(11);
        log("key grant rows (load generator: " + (useWrk ? "wrk" : "Java HttpClient, wrk not installed") + ")...");
        warmUpLoads(List.of(keyLoginLoad, clientCredentialsLoad, smallKeyLoginLoad, passwordLoginLoad, uncountedKeyLoginLoad),
                Collections.nCopies(5, 200), o);

        double writesBefore = metric("org_api_tokens_last_used_writes_total");
        double loginLookupsBefore = metric("org_api_tokens_key_lookups_total");
        long goodLogins = 0;
        long loadStart = System.nanoTime();
        List<Double> throughputRatios = new ArrayList<>();
        List<Double> p99Ratios = new ArrayList<>();
        List<Double> scaleRatios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> passwordRatios = new ArrayList<>();
        List<Double> countingRatios = new ArrayList<>();
        for (int i = 1; i <= o.rounds(); i++) {
            // each comparison side by side: both loads in one window, half the connections each (see sideBySide)
            Round[] row = sideBySide(o, keyLoginLoad, clientCredentialsLoad);
            Round key = row[0], cc = row[1];
            Round[] scale = sideBySide(o, keyLoginLoad, smallKeyLoginLoad);
            Round[] counting = sideBySide(o, smallKeyLoginLoad, uncountedKeyLoginLoad);
            Round[] password = sideBySide(o, passwordLoginLoad, clientCredentialsLoad);
            // server CPU per request needs each load alone in its window (ABBA over the rounds)
            Round[] alone = abbaRound(i, o, List.of(200, 200), List.of(keyLoginLoad, clientCredentialsLoad));
            goodLogins += key.requests() + scale[0].requests() + scale[1].requests() + counting[0].requests() + password[0].requests()
                    + alone[0].requests();
            throughputRatios.add(key.throughput() / cc.throughput());
            p99Ratios.add(key.p99Millis() / cc.p99Millis());
            scaleRatios.add(scale[0].throughput() / scale[1].throughput());
            countingRatios.add(counting[0].throughput() / counting[1].throughput());
            passwordRatios.add(password[0].throughput() / password[1].throughput());
            cpuRatios.add(alone[0].serverCpuMillisPerRequest() / alone[1].serverCpuMillisPerRequest());
            log(String.format(Locale.ROOT, "round %d: key grant %.0f/s p99 %.1f ms | client_credentials %.0f/s p99 %.1f ms"
                    + " | %d tokens %.0f/s, 10 tokens %.0f/s | 10 tokens counted %.0f/s, not counted %.0f/s | password form %.0f/s, client_credentials %.0f/s"
                    + " | alone: key grant cpu %.2f ms, client_credentials cpu %.2f ms",
                    i, key.throughput(), key.p99Millis(), cc.throughput(), cc.p99Millis(), o.tokens(), scale[0].throughput(), scale[1].throughput(),
                    counting[0].throughput(), counting[1].throughput(), password[0].throughput(), password[1].throughput(),
                    alone[0].serverCpuMillisPerRequest(), alone[1].serverCpuMillisPerRequest()));
        }
        double lookupsPerLogin = (metric("org_api_tokens_key_lookups_total") - loginLookupsBefore) / Math.max(1, goodLogins);
        double minutes = (System.nanoTime() - loadStart) / 60e9;
        double writes = metric("org_api_tokens_last_used_writes_total") - writesBefore;
        int hotTokens = 3; // bigKey, smallKey and uncountedKey, used all along (counting off still records lastUsedAt)
        // The throttle allows one write per token per minute: at most floor(minutes) + 1 in a run
        // (the first login writes at once). Dividing by that gives a figure that is <= 1 exactly
        // when the throttle held, whatever the run's length.
        double writesPerTokenMinute = writes / hotTokens / (Math.floor(minutes) + 1);
        boolean writesWithinThrottle = writesPerTokenMinute <= 1;

        List<Double> noticesRatios = noticesTaskRounds(o, big, keyLoginLoad, clientCredentialsLoad);

        // The gateway check (SPEC §8): against the cheapest answer Keycloak gives and against RFC 7662 introspection.
        String realmUrl = base + "/realms/" + big;
        String authorizeUrl = realmUrl + "/org-api-tokens/authorize?role=observer";
        Wrk.Request notFound = Wrk.Request.get(realmUrl + "/no-such-path", Map.of());
        Supplier<String> keyJwt = freshAccessToken(big, bigKey);
        // a well-formed key no token has, a fresh one each request (issue 23): anyone can compute the checksum
        Wrk.Request unknownAuthorize = Wrk.Request.freshKeys(authorizeUrl, "X-API-Key");
        // refused before any key work (checksum): the floor of an answer of the extension's endpoint, with its login event
        Wrk.Request malformedAuthorize = Wrk.Request.get(authorizeUrl, Map.of("X-API-Key", broken));
        List<Load> gatewayLoads = List.of(
                load(useWrk, Wrk.Request.get(authorizeUrl, Map.of("X-API-Key", bigKey))),
                load(useWrk, Wrk.Request.get(authorizeUrl + "&jwt=true", Map.of("X-API-Key", bigKey))),
                load(useWrk, notFound),
                // the token is renewed every minute, so the request is made anew for each window
                load(useWrk, () -> Wrk.Request.form(realmUrl + "/protocol/openid-connect/token/introspect",
                        "client_id=bench-cc&client_secret=" + secret + "&token=" + keyJwt.get())),
                // the cheapest answer of a Keycloak endpoint that opens a session (the realm's cached JWKS)
                load(useWrk, Wrk.Request.get(realmUrl + "/protocol/openid-connect/certs", Map.of())),
                load(useWrk, unknownAuthorize),
                load(useWrk, malformedAuthorize));
        log("gateway check: authorize, authorize?jwt=true, 404, introspection, JWKS, unknown keys, malformed keys (load generator: "
                + (useWrk ? "wrk" : "Java HttpClient, wrk not installed") + ")...");
        List<Integer> gatewayStatus = List.of(200, 200, 404, 200, 200, 401, 401);
        warmUpLoads(gatewayLoads, gatewayStatus, o);
        double unknownRefusalsBefore = metric("org_api_tokens_key_uses_total", "outcome=\"unknown\"", "path=\"gateway\"");
        List<Double> authorizeVs404 = new ArrayList<>();
        List<Double> jwtVs404 = new ArrayList<>();
        List<Double> authorizeVsIntrospection = new ArrayList<>();
        List<Double> jwksVs404 = new ArrayList<>();
        List<Double> notFoundVsIntrospection = new ArrayList<>();
        List<Double> unknownVs404 = new ArrayList<>();
        List<Double> malformedVs404 = new ArrayList<>();
        List<Double> authorizeVsMalformed = new ArrayList<>();
        List<Double> unknownVsMalformed = new ArrayList<>();
        double checkLookupsBefore = metric("org_api_tokens_key_lookups_total");
        long goodChecks = 0;
        long unknownGatewayRequests = 0;
        for (int i = 1; i <= o.rounds(); i++) {
            Round[] round = abbaRound(i, o, gatewayStatus, gatewayLoads);
            goodChecks += round[0].requests() + round[1].requests();
            unknownGatewayRequests += round[5].requests();
            jwksVs404.add(round[4].throughput() / round[2].throughput());
            unknownVs404.add(round[5].throughput() / round[2].throughput());
            malformedVs404.add(round[6].throughput() / round[2].throughput());
            authorizeVsMalformed.add(round[0].throughput() / round[6].throughput());
            unknownVsMalformed.add(round[5].throughput() / round[6].throughput());
            authorizeVs404.add(round[0].throughput() / round[2].throughput());
            jwtVs404.add(round[1].throughput() / round[2].throughput());
            authorizeVsIntrospection.add(round[0].throughput() / round[3].throughput());
            notFoundVsIntrospection.add(round[2].throughput() / round[3].throughput());
            log(String.format(Locale.ROOT, "round %d: authorize %.0f/s cpu %.3f ms | jwt=true %.0f/s cpu %.3f ms | 404 %.0f/s cpu %.3f ms"
                    + " | introspection %.0f/s cpu %.3f ms | JWKS %.0f/s cpu %.3f ms | unknown keys %.0f/s cpu %.3f ms | malformed keys %.0f/s cpu %.3f ms",
                    i, round[0].throughput(), round[0].serverCpuMillisPerRequest(), round[1].throughput(), round[1].serverCpuMillisPerRequest(),
                    round[2].throughput(), round[2].serverCpuMillisPerRequest(), round[3].throughput(), round[3].serverCpuMillisPerRequest(),
                    round[4].throughput(), round[4].serverCpuMillisPerRequest(), round[5].throughput(), round[5].serverCpuMillisPerRequest(),
                    round[6].throughput(), round[6].serverCpuMillisPerRequest()));
        }

        // the unknown-keys load measured what its row says: each request refused as a key no token has, not as malformed
        double unknownRefusals = metric("org_api_tokens_key_uses_total", "outcome=\"unknown\"", "path=\"gateway\"") - unknownRefusalsBefore;
        if (unknownRefusals < unknownGatewayRequests) {
            throw new IllegalStateException("the unknown-keys load was refused " + unknownRefusals + " times as unknown for "
                    + unknownGatewayRequests + " requests");
        }
        // unknown keys, well-formed or not, read nothing; the key logins behind the introspected JWT are good keys too
        double lookupsPerCheck = (metric("org_api_tokens_key_lookups_total") - checkLookupsBefore) / Math.max(1, goodChecks);

        double[] listMedians = medianLatencies(() -> get("/admin/realms/" + big + "/org-api-tokens?first=0&max=100"),
                () -> get("/admin/realms/" + hundred + "/org-api-tokens?first=0&max=100"), 60);
        double listBig = listMedians[0];
        double listHundred = listMedians[1];
        log(String.format(Locale.ROOT, "admin list, first 100: %.1f ms with %d tokens, %.1f ms with 100 (medians)", listBig, o.tokens(), listHundred));

        // Server CPU per refusal against a 404 (the cheapest answer: routing only), each load alone on one connection.
        int sideSeconds = Math.max(2, o.seconds() / 2);
        // the token endpoint's own floor: Keycloak refusing a confidential client's wrong secret
        Wrk.Request wrongSecret = Wrk.Request.form(tokenUrl.formatted(big), "grant_type=client_credentials&client_id=bench-cc&client_secret=wrong");
        log("refusals and 404s alone, on one connection...");
        Map<String, Supplier<HttpRequest>> alone = new LinkedHashMap<>();
        alone.put("404", () -> httpRequest(notFound));
        alone.put("malformed key at authorize", () -> httpRequest(malformedAuthorize));
        alone.put("unknown key at authorize", () -> httpRequest(unknownAuthorize));
        alone.put("malformed key at the token endpoint", () -> httpRequest(Wrk.Request.form(tokenUrl.formatted(big), KEY_GRANT + broken)));
        alone.put("wrong client secret at the token endpoint", () -> httpRequest(wrongSecret));
        Map<String, Integer> aloneStatus = Map.of("404", 404, "wrong client secret at the token endpoint", 401);
        for (Map.Entry<String, Supplier<HttpRequest>> e : alone.entrySet()) load(e.getValue(), 1, sideSeconds, aloneStatus.getOrDefault(e.getKey(), 401)); // warm-up
        // ABBA rounds, each load's CPU per request divided by the 404's of the same round: one window
        // each at the end of the run moved these ratios by 2x between two runs of the same code (the
        // machine's speed drifted between windows); paired rounds and their median do not
        List<String> names = new ArrayList<>(alone.keySet());
        Map<String, List<Double>> cpuVs404 = new LinkedHashMap<>();
        Map<String, Double> aloneLookups = new LinkedHashMap<>();
        Map<String, Long> aloneRequests = new LinkedHashMap<>();
        List<Double> cpu404s = new ArrayList<>();
        for (String name : names) {
            cpuVs404.put(name, new ArrayList<>());
            aloneLookups.put(name, 0.0);
            aloneRequests.put(name, 0L);
        }
        for (int i = 1; i <= o.rounds(); i++) {
            Map<String, Round> round = new LinkedHashMap<>();
            for (int n = 0; n < names.size(); n++) {
                String name = names.get(i % 2 == 1 ? n : names.size() - 1 - n);
                double before = metric("org_api_tokens_key_lookups_total");
                round.put(name, load(alone.get(name), 1, sideSeconds, aloneStatus.getOrDefault(name, 401)));
                aloneLookups.merge(name, metric("org_api_tokens_key_lookups_total") - before, Double::sum);
                aloneRequests.merge(name, round.get(name).requests(), Long::sum);
            }
            double roundCpu404 = round.get("404").serverCpuMillisPerRequest();
            cpu404s.add(roundCpu404);
            StringBuilder line = new StringBuilder("alone, round " + i + ":");
            for (String name : names) {
                Round r = round.get(name);
                cpuVs404.get(name).add(r.serverCpuMillisPerRequest() / roundCpu404);
                line.append(String.format(Locale.ROOT, " %s %.0f/s cpu %.3f ms |", name, r.throughput(), r.serverCpuMillisPerRequest()));
            }
            log(line.substring(0, line.length() - 2));
        }
        log("alone: key lookups " + aloneLookups);
        double cpu404 = median(cpu404s);
        long unknownRequests = aloneRequests.get("unknown key at authorize");

        // SPEC §8, row by row and in its order; then figures that explain them.
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("key grant / client_credentials throughput (median)", median(throughputRatios), ">= 1.0", median(throughputRatios) >= 1.0));
        figures.add(new Figure("key grant / client_credentials p99 latency (median)", median(p99Ratios), "<= 1.0", median(p99Ratios) <= 1.0));
        figures.add(new Figure("authorize / unknown-path 404 throughput (median)", median(authorizeVs404), ">= 0.8", median(authorizeVs404) >= 0.8));
        figures.add(new Figure("authorize?jwt=true / unknown-path 404 throughput (median)", median(jwtVs404), ">= 0.5", median(jwtVs404) >= 0.5));
        figures.add(new Figure("authorize / token introspection throughput (median)", median(authorizeVsIntrospection), ">= 5",
                median(authorizeVsIntrospection) >= 5));
        double malformedCpu = median(cpuVs404.get("malformed key at authorize"));
        figures.add(new Figure("server CPU per refused malformed key (authorize) / per 404 (median)", malformedCpu, "<= 1.5", malformedCpu <= 1.5));
        figures.add(new Figure("authorize, well-formed unknown keys (a fresh one each request) / unknown-path 404 throughput (median)",
                median(unknownVs404), ">= 0.8", median(unknownVs404) >= 0.8));
        double unknownLookups = aloneLookups.get("unknown key at authorize");
        figures.add(new Figure("  database reads for " + unknownRequests + " well-formed unknown keys at authorize", unknownLookups, "0",
                unknownLookups == 0));
        double unknownCpu = median(cpuVs404.get("unknown key at authorize"));
        figures.add(new Figure("server CPU per refused well-formed unknown key (authorize) / per 404 (median)", unknownCpu, "<= 1.5", unknownCpu <= 1.5));
        // two 10-token realms, alike but for the policy's usageCounting
        figures.add(new Figure("key grant with usage counting on / off (throughput, median)", median(countingRatios), ">= 0.98",
                median(countingRatios) >= 0.98));
        figures.add(new Figure("key grant throughput, " + o.tokens() + " tokens / 10 tokens (median)", median(scaleRatios), ">= 0.95", median(scaleRatios) >= 0.95));
        double lookups = Math.max(lookupsPerLogin, lookupsPerCheck);
        figures.add(new Figure("database reads by key digest per good-key login or check, steady state (the larger of "
                + String.format(Locale.ROOT, "%.4f per login, %.4f per check)", lookupsPerLogin, lookupsPerCheck), lookups, "<= 1 (0 with a cluster-invalidated cache)", lookups <= 1));
        // issue 24's bar, not a SPEC §8 row: the lifecycle-notices task leaves the key grant row unchanged
        figures.add(new Figure("key grant / client_credentials while the notices task works the " + o.tokens()
                + "-token realm back to back / while it rests (median)", median(noticesRatios), ">= 0.97", median(noticesRatios) >= 0.97));

        figures.add(Figure.reference("server CPU per key grant / per client_credentials grant (median)", median(cpuRatios)));
        figures.add(Figure.reference("password form / client_credentials throughput (median)", median(passwordRatios)));
        figures.add(Figure.reference("JWKS (a Keycloak endpoint with a session) / unknown-path 404 throughput (median)", median(jwksVs404)));
        // the floor of rows 3 and 7: refusing a malformed key does no key work, only what every answer of the endpoint does
        // (Keycloak's realm lookup, session and transaction, the login event SPEC §5 asks for)
        figures.add(Figure.reference("authorize, malformed keys / unknown-path 404 throughput (median): the floor of any answer of the extension's endpoint",
                median(malformedVs404)));
        figures.add(Figure.reference("authorize, good key / malformed keys throughput (median): a good key's cost above that floor", median(authorizeVsMalformed)));
        figures.add(Figure.reference("authorize, unknown keys / malformed keys throughput (median): an unknown key's cost above that floor",
                median(unknownVsMalformed)));
        // the ceiling of the introspection row on this machine: no answer, not even routing's 404, is cheaper
        figures.add(Figure.reference("unknown-path 404 / token introspection throughput (median): the introspection row's ceiling",
                median(notFoundVsIntrospection)));
        figures.add(Figure.reference("server CPU per 404, ms (median)", cpu404));
        figures.add(Figure.reference("server CPU per refused malformed key at the token endpoint / per 404 (median)",
                median(cpuVs404.get("malformed key at the token endpoint"))));
        figures.add(Figure.reference("server CPU per wrong client secret at the token endpoint (Keycloak's floor there) / per 404 (median)",
                median(cpuVs404.get("wrong client secret at the token endpoint"))));
        double malformedLookups = aloneLookups.get("malformed key at authorize") + aloneLookups.get("malformed key at the token endpoint");
        figures.add(new Figure("database reads for malformed keys (authorize and token endpoint)", malformedLookups, "0", malformedLookups == 0));
        figures.add(new Figure("admin list first 100, " + o.tokens() + " tokens / 100 tokens (median latency)", listBig / listHundred, "<= 2", listBig / listHundred <= 2));
        figures.add(new Figure("last-used writes per token per started minute", writesPerTokenMinute, "<= 1", writesWithinThrottle));
        if (serverCpu == null) { // a server in a container: its CPU is out of sight
            figures.replaceAll(f -> f.name().contains("server CPU") ? Figure.notYet(f.name(), f.goal(), "server CPU not visible") : f);
        }
        return figures;
    }

    /**
     * {@code bench/run.sh --profile}: each load alone under a JFR recording (settings "profile",
     * started and stopped with jcmd on the server's JVM), in ABBA pairs (key grant, client_credentials,
     * client_credentials, key grant; then authorize, 404, JWKS, an unknown key and back) of {@code --seconds} each,
     * after a short warm-up; writes the recordings and {@code target/bench/profiles.md}, the
     * summaries of {@link ProfileSummary}. JFR samples only threads that run, so the shares hold on a
     * loaded machine too; the throughputs do not.
     */
    void profile(Options o, Path work, long pid) throws Exception {
        String realm = realm("bench-profile-" + UUID.randomUUID().toString().substring(0, 6));
        String secret = confidentialClient(realm);
        log("seeding " + o.tokens() + " tokens (through the REST API)...");
        String key = seed(realm, o.tokens(), o.connections());
        Map<String, Supplier<HttpRequest>> loads = new LinkedHashMap<>();
        loads.put("key-grant", () -> form(realm, KEY_GRANT + key));
        loads.put("client-credentials", () -> form(realm, "grant_type=client_credentials&client_id=bench-cc&client_secret=" + secret));
        loads.put("authorize", () -> HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/org-api-tokens/authorize?role=observer"))
                .header("X-API-Key", key).build());
        loads.put("not-found", () -> HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/no-such-path")).build());
        loads.put("jwks", () -> HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/protocol/openid-connect/certs")).build());
        // a well-formed key no token has: the gateway's answer with a Keycloak session but no user read (the floor of ours)
        loads.put("unknown-key", () -> HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/org-api-tokens/authorize?role=observer"))
                .header("X-API-Key", ApiKeys.generate()).build());
        Map<String, Integer> expected = Map.of("not-found", 404, "unknown-key", 401);
        // JFR instruments JDK classes when a JVM's first recording starts, which throws away compiled code: not in a measured window
        jcmd(pid, "JFR.start", "name=warm-up", "settings=profile");
        for (int pass = 1; pass <= 3; pass++) {
            for (Map.Entry<String, Supplier<HttpRequest>> load : loads.entrySet()) {
                load(load.getValue(), o.connections(), Math.max(1, o.seconds() / 3), expected.getOrDefault(load.getKey(), 200));
            }
            log("warming up: pass " + pass + " of 3");
        }
        jcmd(pid, "JFR.stop", "name=warm-up");
        List<String> schedule = List.of("key-grant", "client-credentials", "client-credentials", "key-grant",
                "authorize", "not-found", "jwks", "unknown-key", "unknown-key", "jwks", "not-found", "authorize");
        Map<String, List<Path>> recordings = new LinkedHashMap<>();
        Map<String, List<Round>> rounds = new LinkedHashMap<>();
        for (String name : schedule) {
            List<Path> files = recordings.computeIfAbsent(name, k -> new ArrayList<>());
            Path jfr = work.resolve("profile-" + name + "-" + (files.size() + 1) + ".jfr").toAbsolutePath();
            jcmd(pid, "JFR.start", "name=" + name, "settings=profile", "filename=" + jfr);
            Round round = load(loads.get(name), o.connections(), o.seconds(), expected.getOrDefault(name, 200));
            jcmd(pid, "JFR.stop", "name=" + name);
            files.add(jfr);
            rounds.computeIfAbsent(name, k -> new ArrayList<>()).add(round);
            log(String.format(Locale.ROOT, "profile %s: %.0f/s p99 %.1f ms, server cpu %.3f ms per request", name, round.throughput(),
                    round.p99Millis(), round.serverCpuMillisPerRequest()));
        }
        StringBuilder summaries = new StringBuilder(String.format(Locale.ROOT,
                "# JFR profiles: %d tokens, each load alone in 2 windows of %d s (ABBA) on %d connections, %d cores%n%n", o.tokens(),
                o.seconds(), o.connections(), Runtime.getRuntime().availableProcessors()));
        for (Map.Entry<String, List<Path>> entry : recordings.entrySet()) {
            String name = entry.getKey();
            long requests = 0;
            for (Round r : rounds.get(name)) {
                requests += r.requests();
                summaries.append(String.format(Locale.ROOT, "%s window: %.0f requests/s, p99 %.1f ms, server CPU %.3f ms per request%n",
                        name, r.throughput(), r.p99Millis(), r.serverCpuMillisPerRequest()));
            }
            summaries.append('\n').append(ProfileSummary.summarize(name, entry.getValue(), requests));
        }
        Files.writeString(work.resolve("profiles.md"), summaries);
        log("profiles: " + work.resolve("profiles.md").toAbsolutePath());
    }

    /**
     * Issue 24's bar: the key grant row (key grant / client_credentials) with the lifecycle-notices
     * task working the big realm back to back, against the same row while it rests. The task runs
     * every 15 minutes; back to back (through {@code POST /notices/run}, the same code) is the harshest
     * case. The realm gets SMTP settings (a GreenMail server in this JVM), a notice recipient and 20
     * tokens expiring in three days, so the task's first run (before the measurement) mails, and every
     * run pages through the realm's tokens as it does in production. Each round measures the row
     * resting and working, in ABBA order, each time with both grants side by side in one window; the
     * figure is the row working / resting. CPU the task takes slows both grants alike; what this
     * catches is a cost on the key path alone (a lock, a cache invalidation, a write it waits for).
     */
    private List<Double> noticesTaskRounds(Options o, String realm, Load keyLogin, Load clientCredentials) throws Exception {
        int smtpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            smtpPort = free.getLocalPort();
        }
        com.icegreen.greenmail.util.GreenMail smtp = new com.icegreen.greenmail.util.GreenMail(
                new com.icegreen.greenmail.util.ServerSetup(smtpPort, "127.0.0.1", com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            Http.Response smtpSettings = Http.putJson(base + "/admin/realms/" + realm, adminToken(), Map.of("smtpServer",
                    Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort), "from", "keycloak@example.test")));
            if (smtpSettings.status() != 204) throw new IllegalStateException("realm SMTP settings: " + smtpSettings.describe());
            Http.Response recipients = Http.putJson(base + "/admin/realms/" + realm + "/org-api-tokens/settings", adminToken(),
                    Map.of("noticeEmails", List.of("operators@example.test")));
            if (recipients.status() != 200) throw new IllegalStateException("notice recipients: " + recipients.describe());
            long inThreeDays = System.currentTimeMillis() + 3 * 86_400_000L;
            String admin = adminToken();
            for (int i = 0; i < 20; i++) {
                Http.Response r = Http.postJson(base + "/admin/realms/" + realm + "/org-api-tokens", admin,
                        Map.of("name", "expiring-" + i, "role", "observer", "sites", List.of("*"), "expiresAt", inThreeDays));
                if (r.status() != 201) throw new IllegalStateException("expiring token: " + r.describe());
            }
            // the first run mails the 20 notices; the measured runs find nothing due, the task's steady state
            Http.Response first = Http.send("POST", base + "/admin/realms/" + realm + "/org-api-tokens/notices/run", adminToken(),
                    "application/json", "{}");
            if (first.status() != 200) throw new IllegalStateException("notices/run: " + first.describe());
            log("notices task: first run " + first.body());
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            List<Double> ratios = new ArrayList<>();
            log("notices task: key grant and client_credentials while the task rests and while it works back to back...");
            for (int i = 1; i <= o.rounds(); i++) {
                double[] resting = null, working = null;
                for (boolean taskFirst : i % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                    double[] row = taskFirst ? whileNoticesRun(realm, runs, sent, () -> keyGrantRow(o, keyLogin, clientCredentials))
                            : keyGrantRow(o, keyLogin, clientCredentials);
                    if (taskFirst) working = row;
                    else resting = row;
                }
                ratios.add((working[0] / working[1]) / (resting[0] / resting[1]));
                log(String.format(Locale.ROOT, "round %d: resting: key grant %.0f/s, client_credentials %.0f/s | working: key grant %.0f/s, client_credentials %.0f/s",
                        i, resting[0], resting[1], working[0], working[1]));
            }
            log(String.format(Locale.ROOT, "notices task: %d runs over the realm while measured, %d notices mailed then (GreenMail received %d in all)",
                    runs.get(), sent.get(), smtp.getReceivedMessages().length));
            return ratios;
        } finally {
            smtp.stop();
        }
    }

    /** Key grant and client_credentials throughput, side by side. */
    private double[] keyGrantRow(Options o, Load keyLogin, Load clientCredentials) throws Exception {
        Round[] row = sideBySide(o, keyLogin, clientCredentials);
        return new double[] {row[0].throughput(), row[1].throughput()};
    }

    /**
     * Two loads side by side (SPEC §8's words): both in the same window, half the connections each,
     * so that whatever else the server does meanwhile (its JIT compiler, GC, the machine's other work)
     * weighs on both alike, and their ratio holds within a few percent from window to window. One
     * after the other, the same ratio moved by 10 % between windows on the 2-core machine. Each
     * load's server CPU is not separable here (see the alone windows).
     */
    private Round[] sideBySide(Options o, Load a, Load b) throws Exception {
        int half = Math.max(1, o.connections() / 2);
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            Future<Round> first = both.submit(() -> a.run(half, o.seconds(), 200));
            Future<Round> second = both.submit(() -> b.run(half, o.seconds(), 200));
            return new Round[] {first.get(), second.get()};
        } finally {
            both.shutdown();
        }
    }

    private interface Measurement {
        double[] take() throws Exception;
    }

    /** Takes the measurement while another thread runs the realm's notices task back to back. */
    private double[] whileNoticesRun(String realm, AtomicInteger runs, AtomicInteger sent, Measurement measurement) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService task = Executors.newSingleThreadExecutor();
        Future<?> loop = task.submit(() -> {
            while (!stop.get()) {
                Http.Response r = Http.send("POST", base + "/admin/realms/" + realm + "/org-api-tokens/notices/run", adminTokenCached(),
                        "application/json", "{}");
                if (r.status() != 200) throw new IllegalStateException("notices/run: " + r.describe());
                runs.incrementAndGet();
                sent.addAndGet(r.json().get("sent").asInt());
            }
            return null;
        });
        try {
            return measurement.take();
        } finally {
            stop.set(true);
            loop.get();
            task.shutdown();
        }
    }

    private static void jcmd(long pid, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", args) + ": " + out);
    }

    /**
     * One round of the loads, in the order given in odd rounds and backwards in even ones (ABBA), so
     * a server still speeding up (or slowing down) favours neither side of a ratio once the rounds
     * are taken together. The results come back in the order given.
     */
    @SafeVarargs
    private Round[] abbaRound(int round, Options o, Supplier<HttpRequest>... loads) throws Exception {
        return abbaRound(round, o, java.util.Collections.nCopies(loads.length, 200), loads);
    }

    /** The same, each load with the status it expects. */
    @SafeVarargs
    private Round[] abbaRound(int round, Options o, List<Integer> expected, Supplier<HttpRequest>... loads) throws Exception {
        return abbaRound(round, o, expected, Arrays.stream(loads).map(this::javaLoad).toList());
    }

    /** The same, with loads of either generator. */
    private Round[] abbaRound(int round, Options o, List<Integer> expected, List<Load> loads) throws Exception {
        Round[] results = new Round[loads.size()];
        for (int n = 0; n < loads.size(); n++) {
            int index = round % 2 == 1 ? n : loads.size() - 1 - n;
            results[index] = loads.get(index).run(o.connections(), o.seconds(), expected.get(index));
        }
        return results;
    }

    /** A load the benchmark can run for a window: the same request back to back on each connection. */
    interface Load {
        Round run(int connections, int seconds, int expectedStatus) throws Exception;
    }

    private Load javaLoad(Supplier<HttpRequest> request) {
        return (connections, seconds, expected) -> load(request, connections, seconds, expected);
    }

    /** A load of one request: sent by wrk when installed, else by Java's HttpClient. */
    private Load load(boolean useWrk, Wrk.Request request) {
        return load(useWrk, () -> request);
    }

    /** The same, the request made anew for each window. */
    private Load load(boolean useWrk, Supplier<Wrk.Request> request) {
        return useWrk ? wrkLoad(request) : javaLoad(() -> httpRequest(request.get()));
    }

    /** The request for Java's HttpClient (a fresh well-formed key no token has where the request asks for one). */
    private static HttpRequest httpRequest(Wrk.Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach(builder::header);
        if (request.freshKeyHeader() != null) builder.header(request.freshKeyHeader(), ApiKeys.generate());
        return builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(request.body())).build();
    }

    /** A load sent by wrk ({@link Wrk}); the request is made anew for each window (introspection's token is renewed). */
    private Load wrkLoad(Supplier<Wrk.Request> request) {
        return (connections, seconds, expected) -> {
            Duration cpuBefore = serverCpu == null ? null : serverCpu.get();
            Wrk.Result r = Wrk.run(request.get(), connections, seconds, expected);
            double cpuMillis = cpuBefore == null ? Double.NaN : serverCpu.get().minus(cpuBefore).toNanos() / 1e6;
            if (r.unexpected() > 0) log("  " + r.unexpected() + " unexpected answers or socket errors in this round");
            return new Round(r.requests() / r.seconds(), r.p99Millis(), (int) r.unexpected(), r.p50Millis(), r.requests(),
                    cpuMillis / Math.max(1, r.requests()));
        };
    }

    // ---- load ----

    /**
     * Runs the loads in turn until the server has stopped speeding up (its JIT compiler shares the
     * 2 cores with the load): three passes in a row within 5 % of their best, at most 12
     * passes (3 for a smoke run).
     */
    void warmUp(List<Supplier<HttpRequest>> loads, Options o) throws Exception {
        warmUp(loads, java.util.Collections.nCopies(loads.size(), 200), o);
    }

    /** The same, each load with the status it expects. */
    void warmUp(List<Supplier<HttpRequest>> loads, List<Integer> expected, Options o) throws Exception {
        warmUpLoads(loads.stream().map(this::javaLoad).toList(), expected, o);
    }

    /** The same, with loads of either generator. */
    void warmUpLoads(List<Load> loads, List<Integer> expected, Options o) throws Exception {
        int seconds = Math.max(1, o.seconds() / 2);
        int maxPasses = o.seconds() < 4 ? 3 : 12; // rounds this short are a smoke run, not a measurement
        List<Double> totals = new ArrayList<>();
        for (int pass = 1; pass <= maxPasses; pass++) {
            double total = 0;
            for (int i = 0; i < loads.size(); i++) total += loads.get(i).run(o.connections(), seconds, expected.get(i)).throughput();
            log(String.format(Locale.ROOT, "warming up: pass %d, %.0f requests/s", pass, total / loads.size()));
            totals.add(total);
            // settled: the last three passes within 5 % of their best (one flat pair can be a pause)
            int n = totals.size();
            if (n >= 3) {
                List<Double> last = totals.subList(n - 3, n);
                double best = Collections.max(last);
                if (Collections.min(last) >= 0.95 * best) return;
            }
        }
    }

    /** {@code connections} threads, each with its own connection, send requests back to back for {@code seconds}. */
    Round load(Supplier<HttpRequest> request, int connections, int seconds, int expectedStatus) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger errors = new AtomicInteger();
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        Duration cpuBefore = serverCpu == null ? null : serverCpu.get();
        for (int c = 0; c < connections; c++) {
            results.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    HttpResponse<Void> r = client.send(request.get(), HttpResponse.BodyHandlers.discarding());
                    long t = System.nanoTime() - t0;
                    if (r.statusCode() != expectedStatus) errors.incrementAndGet();
                    if (n == latencies.length) latencies = Arrays.copyOf(latencies, n * 2);
                    latencies[n++] = t;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : results) all.add(f.get());
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuMillis = cpuBefore == null ? Double.NaN : serverCpu.get().minus(cpuBefore).toNanos() / 1e6;
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        if (errors.get() > 0) log("  " + errors.get() + " unexpected answers in this round");
        double p99 = merged.length == 0 ? Double.NaN : merged[(int) Math.min(merged.length - 1, Math.ceil(merged.length * 0.99) - 1)] / 1e6;
        double p50 = merged.length == 0 ? Double.NaN : merged[merged.length / 2] / 1e6;
        return new Round(merged.length / elapsed, p99, errors.get(), p50, merged.length, cpuMillis / Math.max(1, merged.length));
    }

    /**
     * The median latency of two requests, each sent {@code count} times one at a time, interleaved
     * A B B A after a warm-up of each, so that neither pays alone for the JIT compiling the path,
     * a collection or the last-used writes left by the load before (measured one after the other,
     * 30 each, the first of the two read 11.6 and 9.9 ms, the second 13.4 and 3.3 ms in two runs).
     * The request is built before its clock starts (an admin token refresh is not the list's time).
     */
    double[] medianLatencies(Supplier<HttpRequest> a, Supplier<HttpRequest> b, int count) throws Exception {
        List<List<Double>> millis = List.of(new ArrayList<>(), new ArrayList<>());
        List<Supplier<HttpRequest>> requests = List.of(a, b);
        for (int i = 0; i < count / 3; i++) {
            latencyMillis(a);
            latencyMillis(b);
        }
        for (int i = 0; i < count; i++) {
            int first = i % 2; // A B, then B A
            millis.get(first).add(latencyMillis(requests.get(first)));
            millis.get(1 - first).add(latencyMillis(requests.get(1 - first)));
        }
        return new double[] {median(millis.get(0)), median(millis.get(1))};
    }

    private double latencyMillis(Supplier<HttpRequest> request) throws Exception {
        HttpRequest built = request.get();
        long t0 = System.nanoTime();
        HttpResponse<Void> r = client.send(built, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) throw new IllegalStateException(built.uri().getPath() + " answered " + r.statusCode());
        return (System.nanoTime() - t0) / 1e6;
    }

    // ---- setup through the REST API ----

    private String adminToken() {
        Http.Response r = Http.postForm(base + "/realms/master/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD));
        if (r.status() != 200) throw new IllegalStateException("admin login: " + r.describe());
        return r.json().get("access_token").asText();
    }

    String base() {
        return base;
    }

    /** A new realm for a benchmark run. */
    String realmForBench(String name) {
        return realm(name);
    }

    private String realm(String name) {
        // long-lived admin tokens: seeding many tokens takes longer than the default 60 s lifespan
        Http.Response r = Http.postJson(base + "/admin/realms", adminToken(), Map.of("realm", name, "enabled", true));
        if (r.status() != 201) throw new IllegalStateException("create realm: " + r.describe());
        // The default policy allows 5,000 logins per token per hour, which a benchmark makes in seconds.
        // The highest limit instead of none: every login still pays for being counted, as in production.
        Http.Response policy = Http.putJson(base + "/admin/realms/" + name + "/org-api-tokens/settings", adminToken(),
                Map.of("loginRateLimitPerHour", 1_000_000_000));
        if (policy.status() != 200) throw new IllegalStateException("raise the login rate limit: " + policy.describe());
        return name;
    }

    private String confidentialClient(String realm) {
        String secret = UUID.randomUUID().toString();
        Http.Response r = Http.postJson(base + "/admin/realms/" + realm + "/clients", adminToken(), Map.of(
                "clientId", "bench-cc", "publicClient", false, "serviceAccountsEnabled", true, "secret", secret,
                "standardFlowEnabled", false, "directAccessGrantsEnabled", false));
        if (r.status() != 201) throw new IllegalStateException("create client: " + r.describe());
        return secret;
    }

    /** An Audience mapper on the realm's org-api-tokens client naming {@code clientId}, the Keycloak way (docs/api.md "Audience"). */
    private void audience(String realm, String clientId) {
        Http.Response clients = Http.get(base + "/admin/realms/" + realm + "/clients?clientId=org-api-tokens", adminToken());
        String id = clients.json().get(0).get("id").asText();
        Http.Response r = Http.postJson(base + "/admin/realms/" + realm + "/clients/" + id + "/protocol-mappers/models", adminToken(), Map.of(
                "name", clientId + " audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", clientId, "access.token.claim", "true", "introspection.token.claim", "true")));
        if (r.status() != 201) throw new IllegalStateException("audience mapper: " + r.describe());
    }

    /** A key login's access token, renewed every minute (it must stay active for the introspection rounds). */
    private Supplier<String> freshAccessToken(String realm, String key) {
        String[] token = new String[1];
        long[] at = new long[1];
        return () -> {
            synchronized (token) {
                if (token[0] == null || System.nanoTime() - at[0] > 60e9) {
                    Http.Response r = Http.send(form(realm, KEY_GRANT + key));
                    if (r.status() != 200) throw new IllegalStateException("key login: " + r.describe());
                    token[0] = r.json().get("access_token").asText();
                    at[0] = System.nanoTime();
                }
                return token[0];
            }
        };
    }

    /** Creates n tokens with the real API on parallel connections; returns the first one's key. */
    private String seed(String realm, int n, int connections) throws Exception {
        return seedKeys(realm, n, connections, 1).get(0);
    }

    /** Creates n tokens with the real API on parallel connections; returns the keys of the first {@code keep} (in memory only). */
    List<String> seedKeys(String realm, int n, int connections, int keep) throws Exception {
        AtomicInteger next = new AtomicInteger();
        String[] firstKey = new String[Math.max(1, keep)];
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        List<Future<?>> workers = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            workers.add(pool.submit(() -> {
                String token = adminToken();
                long tokenTime = System.nanoTime();
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    if (System.nanoTime() - tokenTime > 30e9) {
                        token = adminToken();
                        tokenTime = System.nanoTime();
                    }
                    Http.Response r = Http.postJson(base + "/admin/realms/" + realm + "/org-api-tokens", token,
                            Map.of("name", "token-" + i, "role", "observer", "sites", List.of("site-" + (i % 50))));
                    if (r.status() != 201) throw new IllegalStateException("seed: " + r.describe());
                    if (i < firstKey.length) firstKey[i] = r.json().get("key").asText();
                    if (i > 0 && i % 10_000 == 0) log("  " + i + " tokens");
                }
                return null;
            }));
        }
        for (Future<?> f : workers) f.get();
        pool.shutdown();
        log(String.format(Locale.ROOT, "  %s: %d tokens in %.0f s", realm, n, (System.nanoTime() - started) / 1e9));
        return Arrays.stream(firstKey).filter(java.util.Objects::nonNull).toList();
    }

    /** A form POST to the realm's token endpoint. */
    private HttpRequest form(String realm, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + adminTokenCached()).build();
    }

    private String cachedAdmin;
    private long cachedAt;

    private synchronized String adminTokenCached() {
        if (cachedAdmin == null || System.nanoTime() - cachedAt > 30e9) {
            cachedAdmin = adminToken();
            cachedAt = System.nanoTime();
        }
        return cachedAdmin;
    }

    /** A counter from Keycloak's Prometheus endpoint, all label sets summed, or those with every one of {@code labels}. */
    double metric(String name, String... labels) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString());
        return Prometheus.counter(r.body(), name, labels);
    }

    // ---- output ----

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** How many of {@link #run}'s figures are SPEC §8's rows (in its order; the unknown keys' reads as a row of their own). */
    public static final int SPEC_ROWS = 12;

    static String table(List<Figure> figures, Options o) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d tokens, %d rounds of %d s, %d connections, %d cores%n%n", o.tokens(), o.rounds(), o.seconds(),
                o.connections(), Runtime.getRuntime().availableProcessors()));
        out.append("SPEC §8:\n\n| figure | value | goal | met |\n| --- | --- | --- | --- |\n");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            if (i == SPEC_ROWS) out.append("\nOther goals and reference figures:\n\n| figure | value | goal | met |\n| --- | --- | --- | --- |\n");
            String value = f.notMeasured() ? "n/a" : String.format(Locale.ROOT, "%.3f", f.value());
            String met = f.isReference() ? "-" : f.notMeasured() ? "n/a" : f.met() ? "yes" : "NO";
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", f.name(), value, f.goal(), met));
        }
        return out.toString();
    }

    static void print(List<Figure> figures, Options o) {
        System.out.println();
        System.out.print(table(figures, o));
    }

    /**
     * The dated results file: what ran, on what, how loaded the machine was, every round's log line
     * and the tables. A load average above the number of cores marks the run as taken on a loaded
     * machine (indicative only).
     */
    static Path writeResults(List<Figure> figures, Options o, Path dir, String loadBefore, long startedNanos, boolean quick) throws Exception {
        Files.createDirectories(dir);
        String date = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String db = System.getProperty("keycloak.db", "dev-file").equals("dev-file") ? "h2" : System.getProperty("keycloak.db");
        Path file = dir.resolve(date + "-" + db + "-" + o.tokens() + "-tokens" + (quick ? "-quick" : "") + ".md");
        String loadAfter = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean loaded = isAbove(loadBefore, cores) || isAbove(loadAfter, cores);
        String header = String.format(Locale.ROOT, "# bench/run.sh %s%n%n* date: %s (UTC), %.1f minutes%n* Keycloak %s, database %s, extension %s%n"
                        + "* %d cores; load average %s at the start, %s at the end%s%n%n",
                String.join(" ", System.getProperty("bench.args", "").split(" ")).trim(), java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                (System.nanoTime() - startedNanos) / 60e9, System.getProperty("keycloak.version", "?"), db,
                Path.of(System.getProperty("extension.jar", "?")).getFileName(), cores, loadBefore, loadAfter,
                loaded ? "\n* **taken on a loaded machine (load average above the core count): indicative only**" : "");
        String body;
        synchronized (LOG) {
            body = LOG.toString();
        }
        Files.writeString(file, header + "```\n" + body + "```\n\n" + table(figures, o));
        return file;
    }

    private static boolean isAbove(String loadAverage, int cores) {
        try {
            return Double.parseDouble(loadAverage.split(",")[0]) > cores;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void writeCsv(List<Figure> figures, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder csv = new StringBuilder("figure,value,goal,met\n");
        for (Figure f : figures) {
            csv.append('"').append(f.name()).append("\",").append(String.format(Locale.ROOT, "%.4f", f.value())).append(",\"")
                    .append(f.goal()).append("\",").append(f.met()).append('\n');
        }
        Files.writeString(file, csv);
    }

    /** Everything the run logged, for the results file. */
    private static final StringBuilder LOG = new StringBuilder();

    private static void log(String line) {
        System.out.println(line);
        synchronized (LOG) {
            LOG.append(line).append('\n');
        }
    }

    /** The machine's load average (1, 5, 15 minutes) from /proc, or "unknown". */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
