package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.ManagementRoles;
import dev.orgapitokens.service.TokenRole;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The admin door's policy. Keycloak has already authenticated the admin (realm or master); access
 * follows Keycloak's admin permission evaluator. Read: view-realm or view-api-tokens. Write:
 * manage-realm or manage-api-tokens.
 */
record AdminAccess(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder events,
                   OrganizationAdminPermissions organizationPermissions)
        implements TokenAccess {

    @Override
    public Caller reader() {
        refuseKeyDerived();
        if (!auth.realm().canViewRealm() && !auth.hasOneAdminRole(ManagementRoles.VIEW_API_TOKENS, ManagementRoles.MANAGE_API_TOKENS)) {
            throw ApiTokenErrors.forbidden("Reading API tokens requires view-realm or view-api-tokens");
        }
        return caller();
    }

    @Override
    public Caller writer() {
        refuseKeyDerived();
        if (!canWrite()) {
            throw ApiTokenErrors.forbidden("Managing API tokens requires manage-realm or manage-api-tokens");
        }
        return caller();
    }

    @Override
    public boolean canWrite() {
        return auth.realm().canManageRealm() || auth.hasOneAdminRole(ManagementRoles.MANAGE_API_TOKENS);
    }

    private void refuseKeyDerived() {
        AdminAuth admin = auth.adminAuth();
        KeyDerivedTokens.refuse(admin.getToken(), admin.getUser());
    }

    /**
     * Administrators reach every token. Where fine-grained admin permissions are on, changing a
     * token of an organization also needs Keycloak's permission to manage that organization, and
     * giving a token a role needs Keycloak's permission to map that role (a token is a way to hold it).
     */
    private Caller caller() {
        return new Caller(auth.adminAuth().getUser().getUsername(), events, null, this::requireManage, this::requireMapRole);
    }

    private void requireManage(String organizationId) {
        if (organizationId == null || !realm.isAdminPermissionsEnabled()) return;
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        OrganizationModel organization = organizations == null ? null : organizations.getById(organizationId);
        if (organization != null && !organizationPermissions.canManage(auth, organization)) {
            throw ApiTokenErrors.forbidden("Managing tokens of this organization requires permission to manage it");
        }
    }

    private void requireMapRole(TokenRole role) {
        if (!realm.isAdminPermissionsEnabled()) return;
        RoleModel model = realm.getRole(role.roleName());
        if (model != null && !auth.roles().canMapRole(model)) {
            throw ApiTokenErrors.forbidden("Giving a token the role '" + role.roleName() + "' requires permission to map that role");
        }
    }
}
