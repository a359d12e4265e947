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
    private static final String SITES = "org_api_token.sites";

    private LoginNotes() {
    }

    static void write(AuthenticationSessionModel authSession, KeyUse use) {
        authSession.setUserSessionNote(TOKEN_ID, use.tokenId());
        authSession.setUserSessionNote(SITES, StoredLists.write(use.sites()));
    }

    /** The token id of a key login, or null for any other login. */
    static String tokenId(UserSessionModel userSession) {
        return userSession.getNote(TOKEN_ID);
    }

    static List<String> sites(UserSessionModel userSession) {
        return StoredLists.read(userSession.getNote(SITES));
    }
}
