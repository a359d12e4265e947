package dev.orgapitokens.service;

import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderEvent;

/**
 * A new key's digest, published to the session factory's listeners (synchronously, in the issuing
 * request) when a create or a rotation sets it, before the row that carries it is written. The
 * {@code login} package learns it here and makes every node of the cluster know it before the
 * request can answer with the key (its filter of known keys). Never the key.
 */
public record KeyIssuedEvent(KeycloakSession session, String digest) implements ProviderEvent {
}
