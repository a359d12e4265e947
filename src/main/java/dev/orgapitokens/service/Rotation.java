package dev.orgapitokens.service;

/**
 * A validated rotate request (SPEC §4 {@code POST /{id}/rotate}); an empty body is a plain rotation.
 *
 * @param expiresAtSet whether the body sets a new expiry (needed when maxLifetimeDays applies and the
 *     token has no compliant one)
 */
public record Rotation(boolean expiresAtSet, Long expiresAt) {

    public static final Rotation PLAIN = new Rotation(false, null);
}
