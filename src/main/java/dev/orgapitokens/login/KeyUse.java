package dev.orgapitokens.login;

import java.util.List;
import java.util.Locale;
import org.keycloak.models.UserModel;

/**
 * The decision on one presented key, the same for the grants and the gateway check: the outcome,
 * the token id when the token was found (login events name it, also on refusal), and for an
 * admitted key what access tokens and gateway answers carry. Never the stored entity.
 */
public record KeyUse(Outcome outcome, String tokenId, String role, List<String> sites, String organizationId,
        Long expiresAt, UserModel identity, long retryAfterSeconds) {

    /** Why a key was refused, or SUCCESS; login events and metrics record {@link #tag()}, the caller never sees it. */
    public enum Outcome {
        SUCCESS, MALFORMED, UNKNOWN, EXPIRED, EXPOSED, ADDRESS_NOT_ALLOWED, SERVICE_IDENTITY_MISSING, SERVICE_IDENTITY_ALTERED, RATE_LIMITED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static KeyUse refused(Outcome outcome, String tokenId) {
        return new KeyUse(outcome, tokenId, null, null, null, null, null, 0);
    }

    public boolean admitted() {
        return outcome == Outcome.SUCCESS;
    }

    public boolean rateLimited() {
        return outcome == Outcome.RATE_LIMITED;
    }
}
