package dev.orgapitokens.setup;

import org.keycloak.models.OrganizationModel;
import org.keycloak.provider.ProviderEvent;

/** Keycloak 26.7 and later announce a removed organization ({@code OrganizationRemovedEvent}). */
public final class OrganizationRemovedEvents implements OrganizationRemovals {

    @Override
    public Removal removedBy(ProviderEvent event) {
        return event instanceof OrganizationModel.OrganizationRemovedEvent removed
                ? new Removal(removed.getKeycloakSession(), removed.getOrganization()) : null;
    }
}
