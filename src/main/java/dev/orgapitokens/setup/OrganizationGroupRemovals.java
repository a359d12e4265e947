package dev.orgapitokens.setup;

import org.keycloak.models.GroupModel;
import org.keycloak.models.OrganizationModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Keycloak 26.4 to 26.6: removing an organization removes its top-level group (type ORGANIZATION,
 * named by the organization's id) while the organization is the session context's.
 */
final class OrganizationGroupRemovals implements OrganizationRemovals {

    @Override
    public Removal removedBy(ProviderEvent event) {
        if (!(event instanceof GroupModel.GroupRemovedEvent removed)) return null;
        GroupModel group = removed.getGroup();
        if (group.getType() != GroupModel.Type.ORGANIZATION || group.getParentId() != null) return null;
        OrganizationModel organization = removed.getKeycloakSession().getContext().getOrganization();
        return organization != null && organization.getId().equals(group.getName())
                ? new Removal(removed.getKeycloakSession(), organization) : null;
    }
}
