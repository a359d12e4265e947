package dev.orgapitokens.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Counters in Keycloak's Micrometer registry: with {@code --metrics-enabled=true} they appear on
 * the management port's {@code /metrics} as {@code org_api_tokens_*_total}. Without it the global
 * registry has no backend and each increment costs next to nothing.
 */
public final class TokenMetrics {

    /** Where a key was presented. */
    public enum Path {
        TOKEN_ENDPOINT, GATEWAY;

        private final String tag = name().toLowerCase(java.util.Locale.ROOT);
        /** This path's key-use counters by outcome, built once each. */
        private final Map<String, Counter> keyUses = new ConcurrentHashMap<>();

        String tag() {
            return tag;
        }
    }

    private TokenMetrics() {
    }

    /**
     * The key-use counters, built once: building and registering a counter per use (a meter-id
     * lookup in the registry) was a visible share of refusing a malformed key. Counters of the
     * global registry also reach registries added to it later.
     */
    private static final Counter KEY_LOOKUPS = Metrics.counter("org_api_tokens.key_lookups");

    /** One key login or gateway check; outcome is "success" or the refusal reason. */
    public static void keyUse(Path path, String outcome) {
        Counter counter = path.keyUses.get(outcome); // no string built per use
        if (counter == null) counter = path.keyUses.computeIfAbsent(outcome, k -> Counter.builder("org_api_tokens.key_uses")
                .description("Key logins at the token endpoint and gateway checks, by outcome")
                .tag("path", path.tag())
                .tag("outcome", outcome)
                .register(Metrics.globalRegistry));
        counter.increment();
    }

    /** A database read by key digest (never done for malformed keys). */
    public static void keyLookup() {
        KEY_LOOKUPS.increment();
    }

    /**
     * The node's filter of known keys: how many digests it holds and the bytes of its table (both 0
     * while it is not in use, when every well-formed key is looked up).
     */
    public static void knownKeys(Supplier<Number> digests, Supplier<Number> bytes) {
        Gauge.builder("org_api_tokens.known_key_digests", digests)
                .description("Key digests this node's filter of known keys holds").register(Metrics.globalRegistry);
        Gauge.builder("org_api_tokens.known_key_bytes", bytes)
                .description("Bytes of this node's filter of known keys").register(Metrics.globalRegistry);
    }

    public static void lastUsedWrite() {
        Metrics.counter("org_api_tokens.last_used_writes").increment();
    }

    /** create, update, rotate, delete, report (a leaked-key report that revoked a token) or settings. */
    static void operation(String operation) {
        Metrics.counter("org_api_tokens.operations", "operation", operation).increment();
    }
}
