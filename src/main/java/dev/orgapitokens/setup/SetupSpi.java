package dev.orgapitokens.setup;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * A small SPI of the extension's own, so that per-realm setup and the lifecycle listeners are wired
 * by a factory of their own at boot ({@link RealmLifecycleFactory}), as Keycloak's organization
 * provider factory registers its event handler, and not by whichever storage or REST factory
 * happens to load.
 */
public class SetupSpi implements Spi {

    /** Nothing to provide per session: the factory's work is done once, in postInit. */
    public interface SetupProvider extends Provider {
    }

    public interface SetupProviderFactory extends ProviderFactory<SetupProvider> {
    }

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "org-api-tokens-setup";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return SetupProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SetupProviderFactory.class;
    }
}
