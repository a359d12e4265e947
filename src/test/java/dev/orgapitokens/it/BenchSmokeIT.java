package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgapitokens.bench.Benchmark;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of the benchmark (bench/run.sh) on the suite's server: tiny, a few seconds, so the
 * benchmark cannot rot. Its goals are not asserted here (a loaded CI machine says little about
 * them); that every figure comes out, and that checksum-broken keys and well-formed keys no token
 * has never reach the database, are.
 */
class BenchSmokeIT extends ServerTest {

    @Test
    void theBenchmarkRunsAndBadKeysCostNoDatabaseRead() throws Exception {
        Supplier<Duration> serverCpu = KeycloakServer.server() instanceof KeycloakServer.DistributionServer d ? d::cpuTime : null;
        List<Benchmark.Figure> figures = new Benchmark(KeycloakServer.server().url(), KeycloakServer.server().metricsUrl(), serverCpu)
                .run(new Benchmark.Options(20, 1, 1, 2));
        assertEquals(Benchmark.SPEC_ROWS + 14, figures.size(), "every row of SPEC §8, then the figures that explain them");
        for (Benchmark.Figure f : figures) {
            if (f.notMeasured()) continue; // usage counting (not on this branch), server CPU (when the server is a container)
            assertFalse(Double.isNaN(f.value()) || Double.isInfinite(f.value()), f.name() + " = " + f.value());
        }
        Benchmark.Figure badKeyReads = figures.stream().filter(f -> f.name().contains("reads for malformed keys")).findFirst().orElseThrow();
        assertEquals(0, badKeyReads.value(), "checksum-broken keys are refused without a database read");
        Benchmark.Figure goodKeyReads = figures.stream().filter(f -> f.name().startsWith("database reads by key digest per good-key")).findFirst().orElseThrow();
        assertTrue(goodKeyReads.value() <= 1, "a good key costs at most one read: " + goodKeyReads.name());
        Benchmark.Figure unknownKeyReads = figures.stream().filter(f -> f.name().contains("well-formed unknown keys at authorize")).findFirst().orElseThrow();
        assertEquals(0, unknownKeyReads.value(), "well-formed keys no token has are refused without a database read");
        Benchmark.Figure writes = figures.stream().filter(f -> f.name().startsWith("last-used writes")).findFirst().orElseThrow();
        assertTrue(writes.met(), "last-used writes stay within the once-a-minute throttle: " + writes.value());
        assertTrue(figures.stream().anyMatch(f -> f.name().contains("while the notices task works") && !f.notMeasured()),
                "the notices task's bar (issue 24) is measured");
    }
}
