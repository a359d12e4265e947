package dev.orgapitokens.service;

/**
 * A validated rotate request (SPEC §4 {@code POST /{id}/rotate}); an empty body is a plain rotation:
 * the old key stops at once.
 *
 * @param expiresAtSet whether the body sets a new expiry (needed when maxLifetimeDays applies and the
 *     token has no compliant one)
 * @param previousKeyExpiresIn seconds the old key keeps working (1..604800), or null: it stops now
 */
public record Rotation(boolean expiresAtSet, Long expiresAt, Integer previousKeyExpiresIn) {

    public static final Rotation PLAIN = new Rotation(false, null, null);
    public static final int MAX_GRACE_SECONDS = 604_800;
}
