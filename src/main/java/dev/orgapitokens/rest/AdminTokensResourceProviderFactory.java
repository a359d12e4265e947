package dev.orgapitokens.rest;

import dev.orgapitokens.service.KeycloakLine;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Mounts {@code /admin/realms/{realm}/org-api-tokens}; who may do what is {@link AdminAccess}. Not
 * mounted on Keycloak lines older than the supported ones: their admin extension interface takes
 * another permission evaluator, so this class could not serve it.
 */
public class AdminTokensResourceProviderFactory
        implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider, EnvironmentDependentProviderFactory {

    public static final String ID = "org-api-tokens";

    private OrganizationAdminPermissions organizationPermissions;

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new AdminTokensResource(session, realm, new AdminAccess(session, realm, auth, adminEvent, organizationPermissions));
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public boolean isSupported(Config.Scope config) {
        return !KeycloakLine.running().tooOld();
    }

    @Override
    public void init(Config.Scope config) {
        if (KeycloakLine.running().tooOld()) return;
        organizationPermissions = OrganizationAdminPermissions.forLine(KeycloakLine.running());
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
