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

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                if (KeycloakLine.running().tooOld()) return new UnsupportedLineResource();
                return new RealmTokensResource(session, session.getContext().getRealm());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
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
