package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenErrors;
import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.setup.RealmSetup;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/org-api-tokens}: Keycloak has already authenticated the admin
 * (realm or master); access follows Keycloak's admin permission evaluator.
 */
public class AdminTokensResourceProviderFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    public static final String ID = "org-api-tokens";

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new AdminTokensResource(session, realm, new AdminAccess(session, realm, auth, adminEvent));
    }

    /** Read: view-realm or view-api-tokens. Write: manage-realm or manage-api-tokens. */
    record AdminAccess(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder events)
            implements TokensResource.Access {

        @Override
        public Caller reader() {
            requireHumanAdmin();
            if (!auth.realm().canViewRealm() && !auth.hasOneAdminRole(RealmSetup.VIEW_API_TOKENS, RealmSetup.MANAGE_API_TOKENS)) {
                throw ApiTokenErrors.forbidden("Reading API tokens requires view-realm or view-api-tokens");
            }
            return caller();
        }

        @Override
        public Caller writer() {
            requireHumanAdmin();
            if (!canWrite()) {
                throw ApiTokenErrors.forbidden("Managing API tokens requires manage-realm or manage-api-tokens");
            }
            return caller();
        }

        @Override
        public boolean canWrite() {
            return auth.realm().canManageRealm() || auth.hasOneAdminRole(RealmSetup.MANAGE_API_TOKENS);
        }

        private void requireHumanAdmin() {
            AdminAuth admin = auth.adminAuth();
            if (ServiceIdentities.isKeyDerived(admin.getToken(), admin.getUser())) {
                throw ApiTokenErrors.forbidden("An access token obtained with an API key cannot manage API tokens");
            }
        }

        /**
         * Administrators reach every token. Where fine-grained admin permissions are on, changing a
         * token of an organization also needs Keycloak's permission to manage that organization.
         */
        private Caller caller() {
            return new Caller(auth.adminAuth().getUser().getUsername(), events, null, organizationId -> {
                if (organizationId == null || !realm.isAdminPermissionsEnabled()) return;
                var organizations = session.getProvider(org.keycloak.organization.OrganizationProvider.class);
                var organization = organizations == null ? null : organizations.getById(organizationId);
                if (organization != null && !auth.orgs().canManage(organization)) {
                    throw ApiTokenErrors.forbidden("Managing tokens of this organization requires permission to manage it");
                }
            });
        }
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
