package dev.orgapitokens.login;

import dev.orgapitokens.model.StoredLists;
import java.util.List;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * What a key login hands to the claims mapper: notes on the (transient) user session, written
 * and read here only, so the mapper needs no database read and no parsing of its own.
 */
final class LoginNotes {

    private static final String TOKEN_ID = "org_api_token.id";
    private static final String ROLE = "org_api_token.role";
    private static final String SITES = "org_api_token.sites";
    private static final String EXPIRES_AT = "org_api_token.expires_at";
    private static final String ORGANIZATION_ID = "org_api_token.organization_id";

    private LoginNotes() {
    }

    /** Both grants: the notes go with the authentication session into the user session Keycloak makes from it. */
    static void write(AuthenticationSessionModel authSession, KeyUse use) {
        authSession.setUserSessionNote(TOKEN_ID, use.tokenId());
        authSession.setUserSessionNote(ROLE, use.role());
        authSession.setUserSessionNote(SITES, StoredLists.write(use.sites()));
        if (use.expiresAt() != null) authSession.setUserSessionNote(EXPIRES_AT, use.expiresAt().toString());
        if (use.organizationId() != null) authSession.setUserSessionNote(ORGANIZATION_ID, use.organizationId());
    }

    /** Whether this authentication is a key login (the password form's authenticator proved the key). */
    static boolean provedByKey(AuthenticationSessionModel authSession) {
        return authSession.getUserSessionNotes().containsKey(TOKEN_ID);
    }

    /** The token id of a key login, or null for any other login. */
    static String tokenId(UserSessionModel userSession) {
        return userSession.getNote(TOKEN_ID);
    }

    static String role(UserSessionModel userSession) {
        return userSession.getNote(ROLE);
    }

    static List<String> sites(UserSessionModel userSession) {
        return StoredLists.read(userSession.getNote(SITES));
    }

    /** The token's expiry in epoch milliseconds, or null. */
    static Long expiresAt(UserSessionModel userSession) {
        String value = userSession.getNote(EXPIRES_AT);
        return value == null ? null : Long.valueOf(value);
    }

    /** The id of the token's organization, or null for a realm token. */
    static String organizationId(UserSessionModel userSession) {
        return userSession.getNote(ORGANIZATION_ID);
    }
}
