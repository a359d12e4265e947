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

    static void record(KeycloakSession session, String tokenId, String ip, long now) {
        Long previous = LAST_WRITE.get(tokenId);
        if (previous != null && now - previous < INTERVAL_MILLIS) return;
        boolean claimed = previous == null ? LAST_WRITE.putIfAbsent(tokenId, now) == null : LAST_WRITE.replace(tokenId, previous, now);
        if (!claimed) return; // another login on this node is writing it
        if (LAST_WRITE.size() > MAX_TRACKED) LAST_WRITE.clear(); // bounded memory; at worst one extra write per token

        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        try {
            session.getProvider(ExecutorsProvider.class).getExecutor("org-api-tokens-last-used").execute(() -> {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> new ApiTokenStore(s).touch(tokenId, now, ip));
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
