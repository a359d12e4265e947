package dev.orgapitokens.model;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers the token entity and its Liquibase changelog with Keycloak's JPA connection. */
public class ApiTokenJpaEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String ID = "org-api-tokens";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new ApiTokenJpaEntityProvider();
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
