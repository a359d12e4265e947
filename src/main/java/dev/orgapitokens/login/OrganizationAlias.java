package dev.orgapitokens.login;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.organization.OrganizationProvider;

/**
 * The alias of a token's organization, as gateways' {@code X-Api-Token-Organization} header and
 * the access token's {@code organization} claim carry it: read through Keycloak's organization
 * provider (cached per node), null for a realm token or an organization no longer there. (A disabled
 * organization's keys never get here: Keycloak reads its managed members as disabled users.)
 */
final class OrganizationAlias {

    private OrganizationAlias() {
    }

    static String of(KeycloakSession session, String organizationId) {
        if (organizationId == null) return null;
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        OrganizationModel organization = organizations == null ? null : organizations.getById(organizationId);
        return organization == null ? null : organization.getAlias();
    }
}
