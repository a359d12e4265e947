package dev.orgapitokens.service;

import java.util.Set;
import java.util.function.Consumer;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Who is calling, already authorized by the front door: the username recorded as createdBy, the
 * admin event builder that records every change, and which tokens the caller may reach.
 *
 * @param organizations null: every token of the realm (administrators). Otherwise the ids of the
 *     caller's organizations; an empty set means realm-wide tokens only (a super-user in a realm
 *     without Organizations).
 * @param organizationWriteCheck throws when the caller may not change tokens of that organization
 *     (Keycloak's fine-grained organization permissions, on the admin path)
 * @param roleGrantCheck throws when the caller may not give a token that role (Keycloak's
 *     permission to map the role, where fine-grained admin permissions are on)
 */
public record Caller(String username, AdminEventBuilder events, Set<String> organizations,
        Consumer<String> organizationWriteCheck, Consumer<TokenRole> roleGrantCheck) {

    /** A caller whose writes need no further permission check. */
    public Caller(String username, AdminEventBuilder events, Set<String> organizations) {
        this(username, events, organizations, organizationId -> { }, role -> { });
    }

    /** Whether a token of this organization (null: realm-wide) is visible to the caller at all. */
    public boolean reaches(String organizationId) {
        if (organizations == null) return true;
        return organizationId == null ? organizations.isEmpty() : organizations.contains(organizationId);
    }
}
