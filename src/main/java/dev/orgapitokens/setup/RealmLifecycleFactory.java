package dev.orgapitokens.setup;

import dev.orgapitokens.service.KeycloakLine;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers {@link RealmLifecycleListener} when Keycloak boots. */
public class RealmLifecycleFactory implements SetupSpi.SetupProviderFactory {

    private static final Logger LOG = Logger.getLogger(RealmLifecycleFactory.class);

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
        KeycloakLine line = KeycloakLine.running();
        // The one word an unsupported Keycloak gets (SPEC §1). On an older line nothing is set up, so
        // the server runs as if the JAR were absent; on a newer one the extension tries its newest ways.
        if (!line.supported()) LOG.error(KeycloakLine.unsupportedMessage());
        if (line.tooOld()) return;
        OrganizationRemovals organizationRemovals = OrganizationRemovals.forLine(line);
        LOG.infof("org-api-tokens: Keycloak %s; organization removals from %s", line, organizationRemovals.getClass().getSimpleName());
        factory.register(new RealmLifecycleListener(factory, organizationRemovals));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
