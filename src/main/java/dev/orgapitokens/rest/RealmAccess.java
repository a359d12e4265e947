package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.TokenPolicy;
import dev.orgapitokens.service.TokenRole;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * The realm door's policy (SPEC §4), checked per call (so anonymous calls get 401): a bearer token
 * of this realm, issued to one of the realm's management clients, that itself carries super-user
 * (Keycloak's AdminAuth.hasRealmRole: the user holds the role and the issuing client's scope has
 * it). A super-user's token from any other client (a third-party app) is refused: stolen, it must
 * not mint keys that outlive the session. With Organizations on, the user must belong to one.
 * Super-users read and write alike; their changes are admin events too.
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
        UserModel user = auth.getUser();
        KeyDerivedTokens.refuse(auth.getToken(), user);
        List<String> managementClients = TokenPolicy.managementClients(realm);
        if (auth.getClient() == null || !managementClients.contains(auth.getClient().getClientId())) {
            throw ApiTokenErrors.forbidden("Access tokens of this client cannot manage API tokens; use one of the realm's management clients: "
                    + String.join(", ", managementClients));
        }
        AdminAuth adminAuth = new AdminAuth(realm, auth.getToken(), user, auth.getClient());
        if (!adminAuth.hasRealmRole(TokenRole.SUPER_USER.roleName())) {
            throw ApiTokenErrors.forbidden("Managing API tokens requires the super-user role, in the access token itself");
        }
        Set<String> organizations = organizationsOf(user);
        if (realm.isOrganizationsEnabled() && organizations.isEmpty()) {
            throw ApiTokenErrors.forbidden("This realm has Organizations: a super-user manages the tokens of their organizations, and you belong to none");
        }
        AdminEventBuilder events = new AdminEventBuilder(realm, adminAuth, session, session.getContext().getConnection());
        return new Caller(user.getUsername(), events, organizations);
    }

    /** With Organizations on, a super-user reaches the tokens of their organizations; without, the realm's (an empty set). */
    private Set<String> organizationsOf(UserModel user) {
        if (!realm.isOrganizationsEnabled()) return Set.of();
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null) return Set.of();
        return organizations.getByMember(user).map(OrganizationModel::getId).collect(Collectors.toSet());
    }
}
