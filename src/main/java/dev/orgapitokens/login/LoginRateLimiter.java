package dev.orgapitokens.login;

import dev.orgapitokens.service.TokenPolicy;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.keycloak.common.util.Time;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The per-token login allowance of the realm policy ({@code loginRateLimitPerHour}), for key logins
 * and gateway checks alike. Uses are counted in fixed one-hour windows in Keycloak's {@code work}
 * cache, which is replicated to every node of a cluster: all nodes draw on one allowance, and
 * Infinispan's conditional writes make each increment atomic cluster-wide.
 */
final class LoginRateLimiter {

    private static final long WINDOW_MILLIS = TimeUnit.HOURS.toMillis(1);
    /** Counters outlive their window a little, so clock skew between nodes never resets one early. */
    private static final long EXPIRY_SLACK_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final String KEY_PREFIX = "org-api-tokens.rate.";

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
        long windowEnd = (window + 1) * WINDOW_MILLIS;
        long lifespan = windowEnd - now + EXPIRY_SLACK_MILLIS;
        String key = KEY_PREFIX + tokenId + "." + window;
        Cache<Object, Object> counters = session.getProvider(InfinispanConnectionProvider.class)
                .getCache(InfinispanConnectionProvider.WORK_CACHE_NAME);
        while (true) {
            Object current = counters.get(key);
            if (current == null) {
                if (counters.putIfAbsent(key, 1L, lifespan, TimeUnit.MILLISECONDS) == null) return 0;
            } else if ((Long) current >= limit) {
                return Math.max(1, (windowEnd - now + 999) / 1000);
            } else if (counters.replace(key, current, (Long) current + 1, lifespan, TimeUnit.MILLISECONDS)) {
                return 0;
            }
            // another login of this token counted meanwhile (on this node or another): read again
        }
    }
}
