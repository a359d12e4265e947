package dev.orgapitokens.login;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.login.KeyUse.Outcome;
import dev.orgapitokens.login.VerifiedKeys.Snapshot;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.service.Cidr;
import dev.orgapitokens.service.TokenMetrics;
import java.util.List;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Decides one key use, for the grants and the gateway check alike: the key verified, its service
 * identity usable, one use counted against the realm's rate limit; records the metric, and the last
 * use when admitted. A malformed key (prefix, length, alphabet, checksum) is refused before any
 * database access; a well-formed one costs one indexed read by digest, unless this node holds a
 * snapshot of its token that Keycloak's user cache confirms is current ({@link VerifiedKeys}).
 */
public final class KeyVerifier {

    private KeyVerifier() {
    }

    public static KeyUse verify(KeycloakSession session, RealmModel realm, String key, String remoteAddress, TokenMetrics.Path path) {
        KeyUse use = decide(session, realm, key, remoteAddress);
        TokenMetrics.keyUse(path, use.outcome().tag());
        if (use.admitted()) LastUsedRecorder.record(session, use.tokenId(), remoteAddress, Time.currentTimeMillis());
        return use;
    }

    private static KeyUse decide(KeycloakSession session, RealmModel realm, String key, String remoteAddress) {
        if (!ApiKeys.isWellFormed(key)) return KeyUse.refused(Outcome.MALFORMED, null);
        String digest = ApiKeys.digest(key);
        Snapshot token = VerifiedKeys.get(digest);
        UserModel identity = null;
        if (token != null) {
            identity = session.users().getUserById(realm, token.serviceUserId());
            if (!token.realmId().equals(realm.getId()) || !token.currentFor(identity)) {
                VerifiedKeys.drop(digest);
                token = null;
            }
        }
        if (token == null) {
            TokenMetrics.keyLookup();
            ApiTokenEntity row = new ApiTokenStore(session).findByDigest(digest);
            if (row == null || !row.getRealmId().equals(realm.getId())) return KeyUse.refused(Outcome.UNKNOWN, null);
            identity = session.users().getUserById(realm, row.getServiceUserId());
            token = VerifiedKeys.remember(digest, row, identity);
        }
        String id = token.tokenId();
        if (token.expiresAt() != null && token.expiresAt() <= Time.currentTimeMillis()) return KeyUse.refused(Outcome.EXPIRED, id);
        if (token.exposed()) return KeyUse.refused(Outcome.EXPOSED, id);
        if (!addressAllowed(token.allowedCidrs(), remoteAddress)) return KeyUse.refused(Outcome.ADDRESS_NOT_ALLOWED, id);
        if (identity == null || !identity.isEnabled()) return KeyUse.refused(Outcome.SERVICE_IDENTITY_MISSING, id);
        long retryAfter = LoginRateLimiter.acquire(session, realm, id);
        if (retryAfter > 0) return new KeyUse(Outcome.RATE_LIMITED, id, null, null, null, null, null, retryAfter);
        return new KeyUse(Outcome.SUCCESS, id, token.role(), token.sites(), token.organizationId(), token.expiresAt(), identity, 0);
    }

    static boolean addressAllowed(List<String> cidrs, String remoteAddress) {
        return cidrs.isEmpty() || cidrs.stream().anyMatch(c -> Cidr.parse(c).contains(remoteAddress));
    }
}
