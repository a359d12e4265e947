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
 * no credentials) and is removed with the token. It is marked as a service account (Keycloak's
 * {@code serviceAccountClientLink}, set to {@link #SERVICE_ACCOUNT_LINK}, which names no client):
 * Keycloak itself then refuses it in every authentication flow (a password, OTP or browser login an
 * administrator might open for it), keeps it out of the admin console's Users list and search, and
 * requires no profile attributes of it. Only the key logs it in: the key grant sets the user
 * directly, as Keycloak's client_credentials grant does, and the password form's authenticator
 * authenticates it by its key.
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
    /**
     * The service-account link of every service identity: not a client id (those are UUIDs), so
     * Keycloak's lookups of a client's service account never find one, and realm exports leave it out.
     * Changeset org-api-tokens-1.3 sets it on identities made before.
     */
    public static final String SERVICE_ACCOUNT_LINK = "org-api-tokens:service-identity";

    private ServiceIdentities() {
    }

    /** With an organization, the identity becomes a managed member: removing it from the organization deletes it, and its token. */
    static UserModel create(KeycloakSession session, RealmModel realm, String tokenId, TokenRole role, OrganizationModel organization) {
        RoleModel granted = realmRole(realm, role);
        UserModel user = session.users().addUser(realm, KeycloakModelUtils.generateId(), USERNAME_PREFIX + tokenId, false, false);
        user.setEnabled(true);
        user.setServiceAccountClientLink(SERVICE_ACCOUNT_LINK);
        // No e-mail (none to verify, none an identity provider could match); the user profile of a
        // service account requires none, so no required action blocks the password form.
        user.setEmailVerified(false);
        user.setFirstName("API token");
        user.setLastName(tokenId.substring(0, 8));
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
