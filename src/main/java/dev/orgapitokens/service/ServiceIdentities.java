package dev.orgapitokens.service;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.representations.AccessToken;

/**
 * The Keycloak user that stands for one token: it holds only the token's role (no default roles,
 * no credentials, so no other flow can log it in) and is removed with the token.
 */
public final class ServiceIdentities {

    /** User attribute that marks a service identity and names its token. */
    public static final String TOKEN_ID_ATTRIBUTE = "org_api_token_id";
    /**
     * User attribute holding the token's {@code updatedAt} after each change: Keycloak's user cache,
     * invalidated on every node when it changes, tells the key verifier's per-node snapshot that the
     * token changed (see login's VerifiedKeys).
     */
    public static final String STAMP_ATTRIBUTE = "org_api_token_stamp";
    /** Access-token claim (and login event detail) naming the token of a key login. */
    public static final String TOKEN_ID_CLAIM = "api_token_id";
    /** The public client keys log in with (SPEC §5). */
    public static final String LOGIN_CLIENT_ID = "org-api-tokens";
    static final String USERNAME_PREFIX = "api-token-";

    private ServiceIdentities() {
    }

    /** With an organization, the identity becomes a managed member: removing it from the organization deletes it, and its token. */
    static UserModel create(KeycloakSession session, RealmModel realm, String tokenId, TokenRole role, OrganizationModel organization) {
        RoleModel granted = realmRole(realm, role);
        UserModel user = session.users().addUser(realm, KeycloakModelUtils.generateId(), USERNAME_PREFIX + tokenId, false, false);
        user.setEnabled(true);
        // A complete default user profile, so no required action (verify profile/email) blocks a key login.
        // The .invalid domain (RFC 2606) can never receive mail.
        user.setFirstName("API token");
        user.setLastName(tokenId.substring(0, 8));
        user.setEmail(USERNAME_PREFIX + tokenId + "@org-api-tokens.invalid");
        user.setEmailVerified(true);
        user.setSingleAttribute(TOKEN_ID_ATTRIBUTE, tokenId);
        user.grantRole(granted);
        if (organization != null) session.getProvider(OrganizationProvider.class).addManagedMember(organization, user);
        return user;
    }

    /** Marks a change of the token on its identity (see {@link #STAMP_ATTRIBUTE}). */
    static void stamp(UserModel user, long updatedAt) {
        user.setSingleAttribute(STAMP_ATTRIBUTE, Long.toString(updatedAt));
    }

    static void changeRole(KeycloakSession session, RealmModel realm, UserModel user, TokenRole from, TokenRole to) {
        RoleModel granted = realmRole(realm, to);
        RoleModel previous = realm.getRole(from.roleName());
        if (previous != null) user.deleteRoleMapping(previous);
        user.grantRole(granted);
        revokeIssuedTokens(session, realm, user);
    }

    /**
     * Makes every access token issued to the identity so far inactive (SPEC §5): Keycloak's
     * not-before of the user, which introspection checks on every node, and the end of any session.
     * Not-before counts whole seconds and refuses tokens issued before it, so it is set one second
     * ahead, and past any earlier not-before: a token issued earlier in this same second is refused
     * too (the claims mapper lifts the iat of logins made after the change to it).
     */
    static void revokeIssuedTokens(KeycloakSession session, RealmModel realm, UserModel user) {
        // Past the previous not-before too: two changes in one second must each end what was issued between them.
        int notBefore = Math.max(Time.currentTime() + 1, session.users().getNotBeforeOfUser(realm, user) + 1);
        session.users().setNotBeforeForUser(realm, user, notBefore);
        session.sessions().removeUserSessions(realm, user);
    }

    /**
     * The realm role of a token role. Setup creates the four roles at start-up and with every new
     * realm; one missing now was deleted by an administrator since.
     */
    private static RoleModel realmRole(RealmModel realm, TokenRole role) {
        RoleModel model = realm.getRole(role.roleName());
        if (model == null) {
            throw TokenRefusal.invalid("role", "This realm has no role '" + role.roleName()
                    + "' (an administrator deleted it); restarting Keycloak re-creates it");
        }
        return model;
    }

    public static boolean isServiceIdentity(UserModel user) {
        return user != null && user.getFirstAttribute(TOKEN_ID_ATTRIBUTE) != null;
    }

    /** True for an access token minted by a key login: such tokens never manage API tokens (SPEC §4). */
    public static boolean isKeyDerived(AccessToken token, UserModel user) {
        return isServiceIdentity(user)
                || (token != null && (token.getOtherClaims().containsKey(TOKEN_ID_CLAIM)
                        || LOGIN_CLIENT_ID.equals(token.getIssuedFor())));
    }
}
