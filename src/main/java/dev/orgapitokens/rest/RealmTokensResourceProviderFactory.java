package dev.orgapitokens.rest;

import dev.orgapitokens.service.KeycloakLine;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts {@code /realms/{realm}/org-api-tokens}; who may do what is {@link RealmAccess}. */
public class RealmTokensResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "org-api-tokens";

    /** Decided once at start-up: on a line older than the supported ones every call answers 503. */
    private boolean unsupportedLine;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                if (unsupportedLine) return new UnsupportedLineResource();
                return new RealmTokensResource(session, session.getContext().getRealm());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        unsupportedLine = KeycloakLine.running().tooOld();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
