package dev.orgapitokens.login;

import java.util.List;
import java.util.Locale;
import org.keycloak.models.UserModel;

/**
 * The decision on one presented key, the same for the grants and the gateway check: the outcome,
 * the token id when the token was found (login events name it, also on refusal), and for an
 * admitted key what access tokens and gateway answers carry: {@code expiresAt} is when this key
 * stops working (the token's expiry, or the previous key's end), {@code previousKey} whether the
 * key is the one a rotation with a grace period left working. Never the stored entity.
 */
public record KeyUse(Outcome outcome, String tokenId, String role, List<String> sites, String organizationId,
        Long expiresAt, boolean previousKey, UserModel identity, long retryAfterSeconds) {

    /** Why a key was refused, or SUCCESS; login events and metrics record {@link #tag()}, the caller never sees it. */
    public enum Outcome {
        SUCCESS, MALFORMED, UNKNOWN, PREVIOUS_KEY_EXPIRED, EXPIRED, EXPOSED, ADDRESS_NOT_ALLOWED, SERVICE_IDENTITY_MISSING, SERVICE_IDENTITY_ALTERED, COMPOSITE_ROLE,
        RATE_LIMITED;

        private final String tag = name().toLowerCase(Locale.ROOT); // once, not per key use

        public String tag() {
            return tag;
        }
    }

    static KeyUse refused(Outcome outcome, String tokenId) {
        return refused(outcome, tokenId, false);
    }

    static KeyUse refused(Outcome outcome, String tokenId, boolean previousKey) {
        return new KeyUse(outcome, tokenId, null, null, null, null, previousKey, null, 0);
    }

    public boolean admitted() {
        return outcome == Outcome.SUCCESS;
    }

    /** Login event detail naming the key used, so operators see who has not switched after a rotation. */
    public static final String KEY_DETAIL = "key";

    /** How login events name the key used: current or previous. */
    public String keySlot() {
        return previousKey ? "previous" : "current";
    }

    public boolean rateLimited() {
        return outcome == Outcome.RATE_LIMITED;
    }
}
