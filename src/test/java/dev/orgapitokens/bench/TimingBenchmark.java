package dev.orgapitokens.bench;

import dev.orgapitokens.key.ApiKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Issue 8's timing side channel, measured: does a refusal take longer for a key that looks like an
 * issued one than for a key nobody ever issued? {@code bench/run.sh --timing} sends, on one
 * connection and in a random order within each block, requests of these kinds to the token
 * endpoint and to {@code GET /realms/{realm}/org-api-tokens/self}:
 *
 * <ul>
 * <li>{@code unknown}: a fresh well-formed key with a valid checksum that was never issued; the
 * two of each block are labelled A and B at random, an A/A control that shows the noise;</li>
 * <li>{@code wrong-secret}: a fresh key with the same key hint as a real issued key (prefix, the
 * four hint characters, and the same checksum, so the whole {@code oat_Ab3d…x9Qz} hint matches),
 * a different secret, and a checksum that is correct for it;</li>
 * <li>{@code valid}: a real key, for reference.</li>
 * </ul>
 *
 * Keys exist in this process's memory only: none is printed or written. The per-request CSV holds
 * kind, endpoint, status, body length and latency.
 */
final class TimingBenchmark {

    enum Kind {
        UNKNOWN_A, UNKNOWN_B, WRONG_SECRET, VALID
    }

    enum Endpoint {
        TOKEN, SELF
    }

    record Sample(int seq, Endpoint endpoint, Kind kind, int status, int bodyLength, long nanos) {
    }

    /** Statistics of one comparison: b minus a. */
    record Comparison(String name, Endpoint endpoint, int nA, int nB, double medianA, double medianB, double deltaMedian,
            double ciLow, double ciHigh, double deltaP90, double mannWhitneyP, double auc) {
    }

    private final Benchmark bench;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final SecureRandom random = new SecureRandom();

    TimingBenchmark(Benchmark bench) {
        this.bench = bench;
    }

    /** Runs {@code perKind} requests of each kind on each endpoint (unknown: twice that, split A/B); writes CSVs to {@code work}. */
    List<Comparison> run(int tokens, int perKind, Path work) throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        String realm = bench.realmForBench("bench-timing-" + run);
        log("seeding " + tokens + " tokens (through the REST API)...");
        List<String> realKeys = bench.seedKeys(realm, tokens, 4, Math.min(tokens, 50));

        int warmup = Math.max(50, perKind / 10);
        log("warming up (" + warmup + " blocks)...");
        measure(realm, realKeys, warmup, new ArrayList<>());
        log(String.format(Locale.ROOT, "measuring: %d blocks of %d requests, interleaved in random order on one connection...",
                perKind, Kind.values().length * Endpoint.values().length));
        List<Sample> samples = new ArrayList<>();
        long started = System.nanoTime();
        measure(realm, realKeys, perKind, samples);
        log(String.format(Locale.ROOT, "  %d requests in %.0f s", samples.size(), (System.nanoTime() - started) / 1e9));

        List<Comparison> comparisons = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            long[] a = latencies(samples, e, Kind.UNKNOWN_A);
            long[] b = latencies(samples, e, Kind.UNKNOWN_B);
            long[] unknown = concat(a, b);
            long[] wrong = latencies(samples, e, Kind.WRONG_SECRET);
            long[] valid = latencies(samples, e, Kind.VALID);
            comparisons.add(compare("A/A: unknown B - unknown A", e, a, b));
            comparisons.add(compare("wrong-secret - unknown", e, unknown, wrong));
            comparisons.add(compare("wrong-secret - unknown A (same n)", e, a, wrong));
            comparisons.add(compare("valid - unknown", e, unknown, valid));
        }
        print(samples, comparisons);
        writeSamples(samples, work.resolve("timing.csv"));
        writeComparisons(comparisons, work.resolve("timing-summary.csv"));
        log("CSV: " + work.resolve("timing.csv").toAbsolutePath() + ", " + work.resolve("timing-summary.csv").toAbsolutePath());
        return comparisons;
    }

    /** {@code blocks} blocks; each holds every kind once per endpoint (unknown twice: A and B), shuffled. */
    private void measure(String realm, List<String> realKeys, int blocks, List<Sample> out) throws Exception {
        List<Object[]> block = new ArrayList<>();
        Random shuffler = new Random(random.nextLong());
        int seq = out.size();
        for (int i = 0; i < blocks; i++) {
            block.clear();
            for (Endpoint e : Endpoint.values()) {
                for (Kind k : Kind.values()) block.add(new Object[] {e, k});
            }
            Collections.shuffle(block, shuffler);
            for (Object[] entry : block) {
                Endpoint e = (Endpoint) entry[0];
                Kind k = (Kind) entry[1];
                String key = switch (k) {
                    case UNKNOWN_A, UNKNOWN_B -> ApiKeys.generate();
                    case WRONG_SECRET -> sameHintOtherSecret(realKeys.get(random.nextInt(realKeys.size())));
                    case VALID -> realKeys.get(random.nextInt(realKeys.size()));
                };
                HttpRequest request = e == Endpoint.TOKEN
                        ? HttpRequest.newBuilder(URI.create(bench.base() + "/realms/" + realm + "/protocol/openid-connect/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(Benchmark.KEY_GRANT
                                        + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                                .build()
                        : HttpRequest.newBuilder(URI.create(bench.base() + "/realms/" + realm + "/org-api-tokens/self"))
                                .header("Authorization", "Token " + key).GET().build();
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                long t = System.nanoTime() - t0;
                int expected = k == Kind.VALID ? 200 : 401;
                if (r.statusCode() != expected) {
                    throw new IllegalStateException(e + " " + k + ": expected " + expected + ", got " + r.statusCode());
                }
                out.add(new Sample(seq++, e, k, r.statusCode(), r.body().length, t));
            }
        }
    }

    // ---- keys ----

    /**
     * A key with the same hint as {@code real} ({@code oat_} + its first four random characters, and
     * its whole checksum) but another secret, whose checksum is correct. CRC32 is affine over GF(2)
     * for messages of one length, so ten characters drawn from {0-7, p-w} (0x30 XOR any of the bits
     * 0, 1, 2 and 6: forty free bits) are solved for the wanted 32-bit CRC; the rest is random.
     */
    String sameHintOtherSecret(String real) {
        int bodyLength = ApiKeys.KEY_LENGTH - 6;
        String realBody = real.substring(0, bodyLength);
        int target = crc(realBody.getBytes(StandardCharsets.US_ASCII));
        char[] alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
        int[] bits = {0, 1, 2, 6};
        int free = 10;
        for (int attempt = 0; attempt < 100; attempt++) {
            byte[] body = realBody.getBytes(StandardCharsets.US_ASCII);
            for (int i = 8; i < bodyLength; i++) body[i] = (byte) alphabet[random.nextInt(alphabet.length)];
            int firstFree = bodyLength - free;
            for (int i = firstFree; i < bodyLength; i++) body[i] = 0x30;
            int base = crc(body);
            // columns: the CRC change of flipping one free bit
            int n = free * bits.length;
            int[] columns = new int[n];
            for (int v = 0; v < n; v++) {
                byte[] flipped = body.clone();
                flipped[firstFree + v / bits.length] ^= (byte) (1 << bits[v % bits.length]);
                columns[v] = crc(flipped) ^ base;
            }
            long[] solution = solve(columns, base ^ target);
            if (solution == null) continue;
            for (int v = 0; v < n; v++) {
                if ((solution[0] >>> v & 1) != 0) body[firstFree + v / bits.length] ^= (byte) (1 << bits[v % bits.length]);
            }
            String candidate = new String(body, StandardCharsets.US_ASCII);
            String key = candidate + real.substring(bodyLength);
            if (!key.equals(real) && ApiKeys.isWellFormed(key) && ApiKeys.hint(key).equals(ApiKeys.hint(real))) return key;
        }
        throw new IllegalStateException("could not build a key with the same hint");
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** x (bit v = column v used) with XOR of the chosen columns = rhs, free variables random; null if none. */
    private long[] solve(int[] columns, int rhs) {
        int n = columns.length;
        // rows: 32 equations over n unknowns; row r is a bit mask of the unknowns, plus its right-hand side bit
        long[] rows = new long[32];
        int[] rhsBits = new int[32];
        for (int r = 0; r < 32; r++) {
            for (int v = 0; v < n; v++) if ((columns[v] >>> r & 1) != 0) rows[r] |= 1L << v;
            rhsBits[r] = rhs >>> r & 1;
        }
        int[] pivotOf = new int[32];
        Arrays.fill(pivotOf, -1);
        int rank = 0;
        for (int v = 0; v < n && rank < 32; v++) {
            int found = -1;
            for (int r = rank; r < 32; r++) if ((rows[r] >>> v & 1) != 0) { found = r; break; }
            if (found < 0) continue;
            long tr = rows[found]; rows[found] = rows[rank]; rows[rank] = tr;
            int tb = rhsBits[found]; rhsBits[found] = rhsBits[rank]; rhsBits[rank] = tb;
            for (int r = 0; r < 32; r++) {
                if (r != rank && (rows[r] >>> v & 1) != 0) { rows[r] ^= rows[rank]; rhsBits[r] ^= rhsBits[rank]; }
            }
            pivotOf[rank] = v;
            rank++;
        }
        for (int r = rank; r < 32; r++) if (rhsBits[r] != 0) return null;
        long pivots = 0;
        for (int r = 0; r < rank; r++) pivots |= 1L << pivotOf[r];
        long x = random.nextLong() & ((1L << n) - 1) & ~pivots; // free variables at random
        for (int r = 0; r < rank; r++) {
            int bit = rhsBits[r] ^ (Long.bitCount(rows[r] & x & ~(1L << pivotOf[r])) & 1);
            if (bit != 0) x |= 1L << pivotOf[r];
        }
        return new long[] {x};
    }

    // ---- statistics ----

    static long[] latencies(List<Sample> samples, Endpoint e, Kind k) {
        return samples.stream().filter(s -> s.endpoint() == e && s.kind() == k).mapToLong(Sample::nanos).toArray();
    }

    static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static double quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantileSorted(sorted, q);
    }

    private static double quantileSorted(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Median and p90 differences (b - a) in microseconds, a bootstrap 95% interval of the median difference, Mann-Whitney. */
    static Comparison compare(String name, Endpoint e, long[] a, long[] b) {
        double medianA = quantile(a, 0.5) / 1e3;
        double medianB = quantile(b, 0.5) / 1e3;
        double deltaP90 = (quantile(b, 0.9) - quantile(a, 0.9)) / 1e3;
        SplittableRandom rnd = new SplittableRandom(42);
        int resamples = 2000;
        double[] deltas = new double[resamples];
        long[] ra = new long[a.length];
        long[] rb = new long[b.length];
        for (int i = 0; i < resamples; i++) {
            for (int j = 0; j < a.length; j++) ra[j] = a[rnd.nextInt(a.length)];
            for (int j = 0; j < b.length; j++) rb[j] = b[rnd.nextInt(b.length)];
            Arrays.sort(ra);
            Arrays.sort(rb);
            deltas[i] = (quantileSorted(rb, 0.5) - quantileSorted(ra, 0.5)) / 1e3;
        }
        Arrays.sort(deltas);
        double[] mw = mannWhitney(a, b);
        return new Comparison(name, e, a.length, b.length, medianA, medianB, medianB - medianA,
                deltas[(int) (resamples * 0.025)], deltas[(int) (resamples * 0.975) - 1], deltaP90, mw[0], mw[1]);
    }

    /** Two-sided Mann-Whitney U test (normal approximation, tie-corrected): {p, P(b > a)}. */
    static double[] mannWhitney(long[] a, long[] b) {
        int n1 = a.length;
        int n2 = b.length;
        long[][] all = new long[n1 + n2][];
        for (int i = 0; i < n1; i++) all[i] = new long[] {a[i], 0};
        for (int i = 0; i < n2; i++) all[n1 + i] = new long[] {b[i], 1};
        Arrays.sort(all, (x, y) -> Long.compare(x[0], y[0]));
        double rankSumB = 0;
        double tieTerm = 0;
        int i = 0;
        while (i < all.length) {
            int j = i;
            while (j + 1 < all.length && all[j + 1][0] == all[i][0]) j++;
            double rank = (i + j) / 2.0 + 1;
            int t = j - i + 1;
            if (t > 1) tieTerm += (double) t * t * t - t;
            for (int k = i; k <= j; k++) if (all[k][1] == 1) rankSumB += rank;
            i = j + 1;
        }
        double u = rankSumB - n2 * (n2 + 1) / 2.0;
        double n = n1 + n2;
        double mean = n1 * (double) n2 / 2;
        double sd = Math.sqrt(n1 * (double) n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
        double z = (Math.abs(u - mean) - 0.5) / sd;
        double p = 2 * (1 - normalCdf(Math.max(0, z)));
        return new double[] {Math.min(1, p), u / (n1 * (double) n2)};
    }

    static double normalCdf(double z) {
        // Abramowitz-Stegun 7.1.26 for erf
        double x = z / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return 0.5 * (1 + erf);
    }

    // ---- output ----

    private void print(List<Sample> samples, List<Comparison> comparisons) {
        System.out.println();
        System.out.println("| endpoint | kind | n | median µs | p90 µs | p99 µs | body bytes |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (Endpoint e : Endpoint.values()) {
            Map<Kind, long[]> byKind = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) byKind.put(k, latencies(samples, e, k));
            for (Kind k : Kind.values()) {
                long[] l = byKind.get(k);
                String bytes = samples.stream().filter(s -> s.endpoint() == e && s.kind() == k).mapToInt(Sample::bodyLength)
                        .distinct().sorted().mapToObj(Integer::toString).reduce((x, y) -> x + "/" + y).orElse("-");
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %s |%n", e.name().toLowerCase(Locale.ROOT),
                        k.name().toLowerCase(Locale.ROOT).replace('_', '-'), l.length, quantile(l, 0.5) / 1e3,
                        quantile(l, 0.9) / 1e3, quantile(l, 0.99) / 1e3, bytes);
            }
        }
        System.out.println();
        System.out.println("| endpoint | comparison (b - a) | n a / b | Δ median µs | 95% bootstrap CI | Δ p90 µs | Mann-Whitney p | P(b > a) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Comparison c : comparisons) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d / %d | %+.0f | [%+.0f, %+.0f] | %+.0f | %.3g | %.3f |%n",
                    c.endpoint().name().toLowerCase(Locale.ROOT), c.name(), c.nA(), c.nB(), c.deltaMedian(), c.ciLow(), c.ciHigh(),
                    c.deltaP90(), c.mannWhitneyP(), c.auc());
        }
        System.out.println();
        for (Endpoint e : Endpoint.values()) {
            Comparison aa = comparisons.stream().filter(c -> c.endpoint() == e && c.name().startsWith("A/A")).findFirst().orElseThrow();
            Comparison test = comparisons.stream().filter(c -> c.endpoint() == e && c.name().equals("wrong-secret - unknown")).findFirst().orElseThrow();
            boolean within = test.ciLow() <= 0 && test.ciHigh() >= 0 || Math.abs(test.deltaMedian()) <= Math.abs(aa.deltaMedian());
            System.out.printf(Locale.ROOT, "%s: wrong-secret vs unknown Δ median %+.0f µs (A/A %+.0f µs, A/A 95%% CI [%+.0f, %+.0f]); "
                    + "Mann-Whitney p %.3g (A/A %.3g): %s%n", e.name().toLowerCase(Locale.ROOT), test.deltaMedian(), aa.deltaMedian(),
                    aa.ciLow(), aa.ciHigh(), test.mannWhitneyP(), aa.mannWhitneyP(),
                    within && test.mannWhitneyP() >= 0.01 ? "no difference beyond noise" : "DIFFERENCE beyond noise");
        }
    }

    private static void writeSamples(List<Sample> samples, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder csv = new StringBuilder("seq,endpoint,kind,status,body_bytes,latency_us\n");
        for (Sample s : samples) {
            csv.append(s.seq()).append(',').append(s.endpoint().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')).append(',').append(s.status()).append(',')
                    .append(s.bodyLength()).append(',').append(String.format(Locale.ROOT, "%.1f", s.nanos() / 1e3)).append('\n');
        }
        Files.writeString(file, csv);
    }

    private static void writeComparisons(List<Comparison> comparisons, Path file) throws Exception {
        StringBuilder csv = new StringBuilder("endpoint,comparison,n_a,n_b,median_a_us,median_b_us,delta_median_us,ci_low_us,ci_high_us,delta_p90_us,mann_whitney_p,p_b_greater\n");
        for (Comparison c : comparisons) {
            csv.append(String.format(Locale.ROOT, "%s,\"%s\",%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.4g,%.4f%n",
                    c.endpoint().name().toLowerCase(Locale.ROOT), c.name(), c.nA(), c.nB(), c.medianA(), c.medianB(), c.deltaMedian(),
                    c.ciLow(), c.ciHigh(), c.deltaP90(), c.mannWhitneyP(), c.auc()));
        }
        Files.writeString(file, csv);
    }

    private static void log(String line) {
        System.out.println(line);
    }
}
