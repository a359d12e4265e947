package dev.orgapitokens.login;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Access tokens the gateway check minted, per node, by key digest, so that {@code jwt=true} signs a
 * JWT once per key and lifetime rather than per request (SPEC §5, §8). A JWT is handed out again
 * only while the key's check (done on every request) gives the same token, role, sites and service
 * identity and the JWT's {@code exp} still lies within the token's expiry, while the identity's Keycloak not-before (set by every delete, rotation, role or sites
 * change and leak report; read through Keycloak's user cache, invalidated on every node) does not
 * lie after its {@code iat}, and during the first three quarters of its lifetime, so that an
 * upstream always receives a JWT with time left. Holds no key.
 */
final class MintedTokens {

    private static final int MAX_ENTRIES = 100_000;
    private static final Map<String, Minted> BY_DIGEST = new ConcurrentHashMap<>();

    private MintedTokens() {
    }

    record Minted(String tokenId, String serviceUserId, String role, List<String> sites, String jwt, long iat, long exp) {
    }

    /** The JWT minted earlier for this key, if it may still be served for this use; else null. */
    static String reusable(KeycloakSession session, RealmModel realm, String digest, KeyUse use) {
        Minted minted = BY_DIGEST.get(digest);
        if (minted == null) return null;
        UserModel identity = use.identity();
        long now = Time.currentTime();
        boolean same = minted.tokenId().equals(use.tokenId()) && minted.serviceUserId().equals(identity.getId())
                && minted.role().equals(use.role()) && minted.sites().equals(use.sites())
                && (use.expiresAt() == null || minted.exp() <= use.expiresAt() / 1000); // an expiry moved earlier caps exp
        boolean fresh = now < minted.exp() - (minted.exp() - minted.iat()) / 4;
        if (same && fresh && minted.iat() >= session.users().getNotBeforeOfUser(realm, identity)) return minted.jwt();
        BY_DIGEST.remove(digest, minted);
        return null;
    }

    static void remember(String digest, KeyUse use, String jwt, long iat, long exp) {
        if (BY_DIGEST.size() >= MAX_ENTRIES) BY_DIGEST.clear();
        BY_DIGEST.put(digest, new Minted(use.tokenId(), use.identity().getId(), use.role(), use.sites(), jwt, iat, exp));
    }
}
