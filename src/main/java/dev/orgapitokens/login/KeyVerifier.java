package dev.orgapitokens.login;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.login.KeyUse.Outcome;
import dev.orgapitokens.login.VerifiedKeys.Snapshot;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.service.Cidr;
import dev.orgapitokens.service.CompositeRoles;
import dev.orgapitokens.service.TokenMetrics;
import dev.orgapitokens.service.TokenPolicy;
import dev.orgapitokens.service.TokenRole;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Decides one key use, for the grants and the gateway check alike: the key verified, its service
 * identity usable, one use counted against the realm's rate limit; records the metric, and the last
 * use when admitted. A malformed key (prefix, length, alphabet, checksum) is refused before any
 * database access; a well-formed one that no token has, without one either ({@link KnownKeys}); any
 * other costs one indexed read by digest, unless this node holds a snapshot of its token that
 * Keycloak's user cache confirms is current ({@link VerifiedKeys}).
 */
public final class KeyVerifier {

    private static final Logger LOG = Logger.getLogger(KeyVerifier.class);

    private KeyVerifier() {
    }

    public static KeyUse verify(KeycloakSession session, RealmModel realm, String key, String remoteAddress, TokenMetrics.Path path) {
        KeyUse use = decide(session, realm, key, remoteAddress);
        TokenMetrics.keyUse(path, use.outcome().tag());
        if (TokenPolicy.usageCounting(realm)) UsageCounts.count(realm.getId(), use, path, remoteAddress, Time.currentTimeMillis());
        if (use.admitted()) LastUsedRecorder.record(session, use.tokenId(), remoteAddress, Time.currentTimeMillis(), use.previousKey());
        return use;
    }

    private static KeyUse decide(KeycloakSession session, RealmModel realm, String key, String remoteAddress) {
        if (!ApiKeys.isWellFormed(key)) return KeyUse.refused(Outcome.MALFORMED, null);
        String digest = ApiKeys.digest(key);
        if (!KnownKeys.mayExist(digest)) return KeyUse.refused(Outcome.UNKNOWN, null);
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
        long now = Time.currentTimeMillis();
        boolean previousKey = token.previousKey();
        if (token.previousKeyEndedAt(now)) return KeyUse.refused(Outcome.PREVIOUS_KEY_EXPIRED, id, true);
        if (token.expiresAt() != null && token.expiresAt() <= now) return KeyUse.refused(Outcome.EXPIRED, id, previousKey);
        if (token.exposed()) return KeyUse.refused(Outcome.EXPOSED, id, previousKey);
        if (!addressAllowed(token.allowedCidrs(), remoteAddress)) return KeyUse.refused(Outcome.ADDRESS_NOT_ALLOWED, id, previousKey);
        if (identity == null || !identity.isEnabled()) return KeyUse.refused(Outcome.SERVICE_IDENTITY_MISSING, id, previousKey);
        if (hasAnotherWayIn(session, realm, identity)) {
            LOG.warnf("API token %s of realm %s refused: its service identity has gained a credential or an identity-provider link,"
                    + " a way in besides the key; remove it (or delete the token)", id, realm.getName());
            return KeyUse.refused(Outcome.SERVICE_IDENTITY_ALTERED, id, previousKey);
        }
        // a role that holds other roles would hand them to the key (SPEC §4); the realm cache answers
        TokenRole role = TokenRole.byName(token.role()).orElse(null);
        if (role != null && CompositeRoles.refuses(realm, role)) return KeyUse.refused(Outcome.COMPOSITE_ROLE, id, previousKey);
        long retryAfter = LoginRateLimiter.acquire(session, realm, id);
        if (retryAfter > 0) return new KeyUse(Outcome.RATE_LIMITED, id, null, null, null, null, previousKey, null, retryAfter);
        Long keyExpiresAt = previousKey ? earliest(token.expiresAt(), token.previousKeyExpiresAt()) : token.expiresAt();
        return new KeyUse(Outcome.SUCCESS, id, token.role(), token.sites(), token.organizationId(), keyExpiresAt, previousKey, identity, 0);
    }

    private static Long earliest(Long a, Long b) {
        return a == null ? b : b == null ? a : Math.min(a, b);
    }

    /** Both come from Keycloak's user cache: no database read per key use. */
    private static boolean hasAnotherWayIn(KeycloakSession session, RealmModel realm, UserModel identity) {
        return identity.getFederationLink() != null
                || identity.credentialManager().getStoredCredentialsStream().findAny().isPresent()
                || session.users().getFederatedIdentitiesStream(realm, identity).findAny().isPresent();
    }

    static boolean addressAllowed(List<String> cidrs, String remoteAddress) {
        return cidrs.isEmpty() || Cidr.anyContains(cidrs, remoteAddress);
    }
}
