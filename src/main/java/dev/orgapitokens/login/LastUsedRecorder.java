package dev.orgapitokens.login;

import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.service.TokenMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Writes lastUsedAt/lastUsedIp at most once per token per minute on this node (SPEC §6), in its
 * own transaction on Keycloak's executor: a login never waits for, or fails because of, this write.
 */
final class LastUsedRecorder {

    static final long INTERVAL_MILLIS = 60_000;
    private static final int MAX_TRACKED = 200_000;
    private static final Logger LOG = Logger.getLogger(LastUsedRecorder.class);
    private static final Map<String, Long> LAST_WRITE = new ConcurrentHashMap<>();

    private LastUsedRecorder() {
    }

    /** A use of the token's current or previous key; a previous-key use also dates the previous key. */
    static void record(KeycloakSession session, String tokenId, String ip, long now, boolean previousKey) {
        if (claim(tokenId, now)) write(session, tokenId, store -> store.touch(tokenId, now, ip));
        if (previousKey && claim(tokenId + "#previous", now)) write(session, tokenId, store -> store.touchPreviousKey(tokenId, now));
    }

    /** Whether this node should write now: at most once a minute per throttle key. */
    private static boolean claim(String throttleKey, long now) {
        Long previous = LAST_WRITE.get(throttleKey);
        if (previous != null && now - previous < INTERVAL_MILLIS) return false;
        boolean claimed = previous == null ? LAST_WRITE.putIfAbsent(throttleKey, now) == null : LAST_WRITE.replace(throttleKey, previous, now);
        if (claimed && LAST_WRITE.size() > MAX_TRACKED) LAST_WRITE.clear(); // bounded memory; at worst one extra write per token
        return claimed; // else another login on this node is writing it
    }

    private static void write(KeycloakSession session, String tokenId, java.util.function.Consumer<ApiTokenStore> update) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        try {
            session.getProvider(ExecutorsProvider.class).getExecutor("org-api-tokens-last-used").execute(() -> {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> update.accept(new ApiTokenStore(s)));
                    TokenMetrics.lastUsedWrite();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "could not record last use of API token %s", tokenId);
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf(e, "could not schedule last-use write for API token %s", tokenId);
        }
    }
}
