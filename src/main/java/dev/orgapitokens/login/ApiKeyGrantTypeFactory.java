package dev.orgapitokens.login;

import dev.orgapitokens.service.KeycloakLine;
import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/** Registers {@link ApiKeyGrantType} with Keycloak's token endpoint under its URN. */
public class ApiKeyGrantTypeFactory implements OAuth2GrantTypeFactory {

    public static final String GRANT_TYPE = "urn:org-api-tokens:grant-type:api-key";
    /**
     * The client attribute that allows the grant ("true"). Setup sets it on the login client;
     * operators may set it on a client of their own.
     */
    public static final String CLIENT_ATTRIBUTE = "org-api-tokens.api-key-grant.enabled";

    public static boolean isAllowedFor(ClientModel client) {
        return client != null && Boolean.parseBoolean(client.getAttribute(CLIENT_ATTRIBUTE));
    }

    @Override
    public String getId() {
        return GRANT_TYPE;
    }

    /** Access token ids carry it (Keycloak's token context encoding); unique among grant types. */
    @Override
    public String getShortcut() {
        return "ok";
    }

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new ApiKeyGrantType();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // On a line older than the supported ones nothing is set up (SPEC §1), and the known-keys set
        // asks Keycloak's feature profile in a way those lines lack.
        if (KeycloakLine.running().tooOld()) return;
        KnownKeys.register(factory); // every key use goes through the grant's verifier, which asks it first
    }

    @Override
    public void close() {
    }
}
