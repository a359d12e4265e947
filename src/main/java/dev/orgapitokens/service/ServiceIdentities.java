package dev.orgapitokens.service;

import dev.orgapitokens.setup.RealmSetup;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.AccessToken;

/**
 * The Keycloak user that stands for one token: it holds only the token's role (no default roles,
 * no credentials, so no other flow can log it in) and is removed with the token.
 */
public final class ServiceIdentities {

    /** User attribute that marks a service identity and names its token. */
    public static final String TOKEN_ID_ATTRIBUTE = "org_api_token_id";
    /** Access-token claim set by key logins. */
    public static final String TOKEN_ID_CLAIM = "api_token_id";
    public static final String LOGIN_CLIENT_ID = "org-api-tokens";
    static final String USERNAME_PREFIX = "api-token-";

    private ServiceIdentities() {
    }

    /** With an organization, the identity becomes a managed member: removing it from the organization deletes it, and its token. */
    static UserModel create(KeycloakSession session, RealmModel realm, String tokenId, TokenRole role, OrganizationModel organization) {
        UserModel user = session.users().addUser(realm, KeycloakModelUtils.generateId(), USERNAME_PREFIX + tokenId, false, false);
        user.setEnabled(true);
        // A complete default user profile, so no required action (verify profile/email) blocks a key login.
        // The .invalid domain (RFC 2606) can never receive mail.
        user.setFirstName("API token");
        user.setLastName(tokenId.substring(0, 8));
        user.setEmail(USERNAME_PREFIX + tokenId + "@org-api-tokens.invalid");
        user.setEmailVerified(true);
        user.setSingleAttribute(TOKEN_ID_ATTRIBUTE, tokenId);
        user.grantRole(RealmSetup.tokenRole(realm, role));
        if (organization != null) session.getProvider(OrganizationProvider.class).addManagedMember(organization, user);
        return user;
    }

    static void changeRole(KeycloakSession session, RealmModel realm, UserModel user, TokenRole from, TokenRole to) {
        user.deleteRoleMapping(RealmSetup.tokenRole(realm, from));
        user.grantRole(RealmSetup.tokenRole(realm, to));
        endSessions(session, realm, user);
    }

    static void endSessions(KeycloakSession session, RealmModel realm, UserModel user) {
        session.sessions().removeUserSessions(realm, user);
    }

    static void remove(KeycloakSession session, RealmModel realm, UserModel user) {
        session.users().removeUser(realm, user);
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
