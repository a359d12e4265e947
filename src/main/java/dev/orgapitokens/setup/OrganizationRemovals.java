package dev.orgapitokens.setup;

import dev.orgapitokens.service.KeycloakLine;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Tells the lifecycle listener when an organization is removed, so its tokens go with it. Keycloak
 * 26.7 announces it ({@code OrganizationRemovedEvent}); the lines before only remove the
 * organization's group, with the organization set in the session's context.
 */
interface OrganizationRemovals {

    /** An organization on its way out, in the session that removes it. */
    record Removal(KeycloakSession session, OrganizationModel organization) {
    }

    /** The removal that {@code event} announces, or null if it is none. */
    Removal removedBy(ProviderEvent event);

    static OrganizationRemovals forLine(KeycloakLine line) {
        return line.atLeast(new KeycloakLine(26, 7))
                ? KeycloakLine.load(OrganizationRemovals.class, "dev.orgapitokens.setup.OrganizationRemovedEvents")
                : new OrganizationGroupRemovals();
    }
}
