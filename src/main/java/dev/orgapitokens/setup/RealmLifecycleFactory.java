package dev.orgapitokens.setup;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers {@link RealmLifecycleListener} when Keycloak boots. */
public class RealmLifecycleFactory implements SetupSpi.SetupProviderFactory {

    public static final String ID = "org-api-tokens";

    @Override
    public SetupSpi.SetupProvider create(KeycloakSession session) {
        return () -> { };
    }

    @Override
    public void init(Config.Scope config) {
    }

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
