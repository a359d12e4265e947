package dev.orgapitokens.setup;

import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.service.ApiTokenService;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * Sets up realms (existing ones once the database is migrated, new ones as they are created) and
 * removes tokens whose realm, organization or service identity is deleted. Tokens have no foreign
 * keys, so these deletes are never blocked; this listener is what leaves no rows behind.
 */
class RealmLifecycleListener implements ProviderEventListener {

    private static final Logger LOG = Logger.getLogger(RealmLifecycleListener.class);

    private final KeycloakSessionFactory factory;
    private final OrganizationRemovals organizationRemovals;

    RealmLifecycleListener(KeycloakSessionFactory factory, OrganizationRemovals organizationRemovals) {
        this.factory = factory;
        this.organizationRemovals = organizationRemovals;
    }

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().forEach(RealmSetup::apply));
            LOG.debug("org-api-tokens: realms set up");
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RealmSetup.apply(created.getCreatedRealm());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            new ApiTokenStore(removed.getKeycloakSession()).deleteByRealm(removed.getRealm().getId());
        } else if (event instanceof UserModel.UserRemovedEvent removed) {
            new ApiTokenStore(removed.getKeycloakSession()).deleteByServiceUser(removed.getUser().getId());
        } else if (event instanceof OrganizationModel.OrganizationMemberLeaveEvent left) {
            // Keycloak deletes a managed member that leaves its organization (without a UserRemovedEvent):
            // removing a service identity from its organization revokes its token.
            new ApiTokenStore(left.getSession()).deleteByServiceUser(left.getUser().getId());
        } else {
            OrganizationRemovals.Removal removed = organizationRemovals.removedBy(event);
            if (removed == null) return;
            RealmModel realm = removed.session().getContext().getRealm();
            if (realm != null) new ApiTokenService(removed.session(), realm).deleteTokensOf(removed.organization());
        }
    }
}
