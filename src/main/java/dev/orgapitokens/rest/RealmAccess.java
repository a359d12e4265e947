package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.TokenRole;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * The realm door's policy: users of the realm who hold the super-user role, authenticated with a
 * bearer token of this realm, per call (so anonymous calls get 401). Super-users read and write
 * alike; their changes are admin events too.
 */
record RealmAccess(KeycloakSession session, RealmModel realm) implements TokenAccess {

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
        KeyDerivedTokens.refuse(auth.token(), user);
        RoleModel superUser = realm.getRole(TokenRole.SUPER_USER.roleName());
        if (superUser == null || !user.hasRole(superUser)) {
            throw ApiTokenErrors.forbidden("Managing API tokens requires the super-user role");
        }
        AdminAuth adminAuth = new AdminAuth(realm, auth.token(), user, auth.client());
        AdminEventBuilder events = new AdminEventBuilder(realm, adminAuth, session, session.getContext().getConnection());
        return new Caller(user.getUsername(), events, organizationsOf(user));
    }

    /** With Organizations on, a super-user reaches the tokens of their organizations (none: realm-wide tokens). */
    private Set<String> organizationsOf(UserModel user) {
        if (!realm.isOrganizationsEnabled()) return Set.of();
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null) return Set.of();
        return organizations.getByMember(user).map(OrganizationModel::getId).collect(Collectors.toSet());
    }
}
