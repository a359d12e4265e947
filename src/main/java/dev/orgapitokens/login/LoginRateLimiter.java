package dev.orgapitokens.login;

import dev.orgapitokens.service.TokenPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.infinispan.Cache;
import org.keycloak.common.util.Time;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The per-token login allowance of the realm policy ({@code loginRateLimitPerHour}), for key logins
 * and gateway checks alike. Uses are counted in fixed one-hour windows in Keycloak's {@code work}
 * cache, which is replicated to every node of a cluster: all nodes draw on one allowance, and
 * Infinispan's conditional writes make each claim atomic cluster-wide.
 *
 * <p>So that a use does not cost a cluster round trip, a node claims a share of the allowance at
 * once, a lease of 1% of the limit (at least 1, at most 1,000 uses), and spends it locally. The
 * cluster never admits more than the limit (every lease is claimed from the shared counter first);
 * near the limit, at most one lease per node may go unused, i.e. a token may be refused up to 1% of
 * its limit early per node. Limits under 200 lease one use at a time: exact. A changed limit drops
 * the leases taken under the old one.
 */
final class LoginRateLimiter {

    private static final long WINDOW_MILLIS = TimeUnit.HOURS.toMillis(1);
    /** Counters outlive their window a little, so clock skew between nodes never resets one early. */
    private static final long EXPIRY_SLACK_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final String KEY_PREFIX = "org-api-tokens.rate.";
    private static final int MAX_LEASES = 200_000;
    private static final int MAX_LEASE = 1_000;
    private static final Map<String, Lease> LEASES = new ConcurrentHashMap<>();

    /** Uses this node claimed from the shared counter and has not spent yet. */
    private record Lease(long window, int limit, AtomicInteger left) {
    }

    private LoginRateLimiter() {
    }

    /**
     * Counts one use of the token, or refuses it: 0 when the use is allowed (and counted), else the
     * seconds until the token's allowance renews. Refused uses are not counted.
     */
    static long acquire(KeycloakSession session, RealmModel realm, String tokenId) {
        Integer limit = TokenPolicy.loginRateLimitPerHour(realm);
        if (limit == null) return 0;
        long now = Time.currentTimeMillis();
        long window = now / WINDOW_MILLIS;
        Lease lease = LEASES.get(tokenId);
        if (lease != null && lease.window() == window && lease.limit() == limit && lease.left().getAndDecrement() > 0) return 0;

        long windowEnd = (window + 1) * WINDOW_MILLIS;
        long lifespan = windowEnd - now + EXPIRY_SLACK_MILLIS;
        // 1% of the limit: for a busy gateway key with a high limit, a cap of 100 made the claim (a
        // conditional write to the work cache) a twentieth of a check's samples; 1,000 keeps the 1% bound
        int share = Math.max(1, Math.min(MAX_LEASE, limit / 100));
        String key = KEY_PREFIX + tokenId + "." + window;
        Cache<Object, Object> counters = session.getProvider(InfinispanConnectionProvider.class)
                .getCache(InfinispanConnectionProvider.WORK_CACHE_NAME);
        while (true) {
            Object current = counters.get(key);
            long used = current == null ? 0 : (Long) current;
            if (used >= limit) return Math.max(1, (windowEnd - now + 999) / 1000);
            int claim = (int) Math.min(share, limit - used);
            boolean claimed = current == null
                    ? counters.putIfAbsent(key, (long) claim, lifespan, TimeUnit.MILLISECONDS) == null
                    : counters.replace(key, current, used + claim, lifespan, TimeUnit.MILLISECONDS);
            if (claimed) {
                if (LEASES.size() >= MAX_LEASES) LEASES.clear(); // bounded memory; the cleared leases go unused
                if (claim > 1) LEASES.put(tokenId, new Lease(window, limit, new AtomicInteger(claim - 1)));
                else LEASES.remove(tokenId);
                return 0;
            }
            // another node (or thread) claimed meanwhile: read again
        }
    }
}
