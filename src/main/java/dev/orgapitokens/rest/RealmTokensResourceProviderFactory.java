package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenErrors;
import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenRole;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.OrganizationModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /realms/{realm}/org-api-tokens}: for users of the realm who hold the super-user role,
 * authenticated with a bearer token of this realm. Their changes are recorded as admin events too.
 */
public class RealmTokensResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "org-api-tokens";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                RealmModel realm = session.getContext().getRealm();
                return new RealmTokensResource(session, realm, new SuperUserAccess(session, realm));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Super-users read and write alike; authentication happens per call so anonymous calls get 401. */
    record SuperUserAccess(KeycloakSession session, RealmModel realm) implements TokensResource.Access {

        @Override
        public Caller reader() {
            return authenticate();
        }

        @Override
        public Caller writer() {
            return authenticate();
        }

        @Override
        public boolean canWrite() {
            return true; // a super-user who may read may also write
        }

        private Caller authenticate() {
            AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).setRealm(realm).authenticate();
            if (auth == null) throw ApiTokenErrors.unauthorized();
            UserModel user = auth.user();
            if (ServiceIdentities.isKeyDerived(auth.token(), user)) {
                throw ApiTokenErrors.forbidden("An access token obtained with an API key cannot manage API tokens");
            }
            RoleModel superUser = realm.getRole(TokenRole.SUPER_USER.roleName());
            if (superUser == null || !user.hasRole(superUser)) {
                throw ApiTokenErrors.forbidden("Managing API tokens requires the super-user role");
            }
            AdminAuth adminAuth = new AdminAuth(realm, auth.token(), user, auth.client());
            AdminEventBuilder events = new AdminEventBuilder(realm, adminAuth, session, session.getContext().getConnection());
            return new Caller(user.getUsername(), events, organizationsOf(user));
        }

        /** With Organizations on, a super-user reaches the tokens of their organizations (none: realm-wide tokens). */
        private java.util.Set<String> organizationsOf(UserModel user) {
            if (!realm.isOrganizationsEnabled()) return java.util.Set.of();
            OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
            if (organizations == null) return java.util.Set.of();
            return organizations.getByMember(user).map(OrganizationModel::getId).collect(java.util.stream.Collectors.toSet());
        }
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
