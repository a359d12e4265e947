package dev.orgapitokens.rest;

import dev.orgapitokens.service.KeycloakLine;
import org.keycloak.models.OrganizationModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Whether an administrator may manage an organization, as Keycloak's own organization endpoints
 * decide it: 26.7 brought organizations into fine-grained admin permissions
 * ({@code AdminPermissionEvaluator.orgs()}); the lines before manage them with manage-realm.
 */
interface OrganizationAdminPermissions {

    boolean canManage(AdminPermissionEvaluator auth, OrganizationModel organization);

    static OrganizationAdminPermissions forLine(KeycloakLine line) {
        return line.atLeast(new KeycloakLine(26, 7))
                ? KeycloakLine.load(OrganizationAdminPermissions.class, "dev.orgapitokens.rest.OrganizationPermissionsOfOrgs")
                : (auth, organization) -> auth.realm().canManageRealm();
    }
}
