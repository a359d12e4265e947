package dev.orgapitokens.rest;

import org.keycloak.models.OrganizationModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Keycloak 26.7 and later: organizations have fine-grained admin permissions of their own. */
public final class OrganizationPermissionsOfOrgs implements OrganizationAdminPermissions {

    @Override
    public boolean canManage(AdminPermissionEvaluator auth, OrganizationModel organization) {
        return auth.orgs().canManage(organization);
    }
}
