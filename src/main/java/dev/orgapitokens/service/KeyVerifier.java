package dev.orgapitokens.service;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Decides whether a presented key may be used, for the authenticator and the gateway check alike.
 * A malformed key (prefix, length, alphabet, checksum) is refused before any database access;
 * a well-formed one costs one indexed read by digest.
 */
public final class KeyVerifier {

    /** Why a key was refused; recorded in login events, never shown to the caller. */
    public enum Reason {
        MALFORMED, UNKNOWN, EXPIRED, EXPOSED, ADDRESS_NOT_ALLOWED
    }

    /** The outcome: a usable token, or a reason (with the token when one was found). */
    public record Result(ApiTokenEntity token, Reason refused) {
        public boolean ok() {
            return refused == null;
        }

        /** "success" or the refusal reason in lower case, as login events and metrics record it. */
        public String outcome() {
            return refused == null ? SUCCESS : refused.name().toLowerCase();
        }
    }

    /**
     * A key use as both doors decide it: the token (when found), its service identity, the outcome
     * ("success" or why not) and, when over the rate limit, the seconds until the allowance renews.
     */
    public record Admission(ApiTokenEntity token, UserModel identity, String outcome, long retryAfterSeconds) {
        public boolean admitted() {
            return SUCCESS.equals(outcome);
        }
    }

    private static final String SUCCESS = "success";
    private static final String IDENTITY_MISSING = "service_identity_missing";

    private KeyVerifier() {
    }

    /**
     * One key use at the token endpoint or the gateway check: the key verified, its service identity
     * usable, one use counted against the realm's rate limit. Records the metric, and the last use
     * when admitted; what a refusal looks like is up to the door.
     */
    public static Admission admit(KeycloakSession session, RealmModel realm, String key, String remoteAddress, TokenMetrics.Path path) {
        Result result = verify(session, realm, key, remoteAddress);
        ApiTokenEntity token = result.token();
        UserModel identity = result.ok() ? session.users().getUserById(realm, token.getServiceUserId()) : null;
        String outcome;
        long retryAfter = 0;
        if (!result.ok()) {
            outcome = result.outcome();
        } else if (identity == null || !identity.isEnabled()) {
            outcome = IDENTITY_MISSING;
        } else {
            retryAfter = LoginRateLimiter.acquire(session, realm, token.getId());
            outcome = retryAfter > 0 ? TokenMetrics.RATE_LIMITED : SUCCESS;
        }
        TokenMetrics.keyUse(path, outcome);
        if (outcome.equals(SUCCESS)) LastUsedRecorder.record(session, token.getId(), remoteAddress, Time.currentTimeMillis());
        return new Admission(token, identity, outcome, retryAfter);
    }

    public static Result verify(KeycloakSession session, RealmModel realm, String key, String remoteAddress) {
        if (!ApiKeys.isWellFormed(key)) return new Result(null, Reason.MALFORMED);
        TokenMetrics.keyLookup();
        ApiTokenEntity token = new ApiTokenStore(session).findByDigest(ApiKeys.digest(key));
        if (token == null || !token.getRealmId().equals(realm.getId())) return new Result(null, Reason.UNKNOWN);
        if (token.getExpiresAt() != null && token.getExpiresAt() <= Time.currentTimeMillis()) return new Result(token, Reason.EXPIRED);
        if (token.isExposed()) return new Result(token, Reason.EXPOSED);
        if (!addressAllowed(token, remoteAddress)) return new Result(token, Reason.ADDRESS_NOT_ALLOWED);
        return new Result(token, null);
    }

    static boolean addressAllowed(ApiTokenEntity token, String remoteAddress) {
        var cidrs = StoredLists.read(token.getAllowedCidrs());
        return cidrs.isEmpty() || cidrs.stream().anyMatch(c -> Cidr.parse(c).contains(remoteAddress));
    }

    /** The key from a form field, an {@code X-API-Key} header or {@code Authorization: Token <key>}. */
    public static String presentedKey(String formField, String apiKeyHeader, String authorization) {
        if (formField != null && !formField.isEmpty()) return formField.trim();
        if (apiKeyHeader != null && !apiKeyHeader.isEmpty()) return apiKeyHeader.trim();
        if (authorization != null && authorization.regionMatches(true, 0, "Token ", 0, 6)) return authorization.substring(6).trim();
        return null;
    }
}
