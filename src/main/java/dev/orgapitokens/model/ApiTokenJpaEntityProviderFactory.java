package dev.orgapitokens.model;

import dev.orgapitokens.setup.RealmLifecycleListener;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public class ApiTokenJpaEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String ID = "org-api-tokens";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new ApiTokenJpaEntityProvider();
    }

    @Override
    public void init(Config.Scope config) {
    }

    /** The storage factory is the one that always loads with the JAR, so it wires the realm lifecycle. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new RealmLifecycleListener(factory));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
