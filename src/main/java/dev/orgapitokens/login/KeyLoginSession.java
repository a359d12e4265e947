package dev.orgapitokens.login;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The token-issuing part of a key login, shared by the key grant and the gateway check's
 * {@code jwt=true}: the admitted key's service identity as the authenticated user of a transient
 * user session for the client, with the notes the claims mapper reads, and the client scopes of
 * the request. Access tokens made from it are the same wherever they are made.
 */
final class KeyLoginSession {

    private KeyLoginSession() {
    }

    /** What a token is made from. */
    record Opened(UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
    }

    static Opened open(KeycloakSession session, RealmModel realm, ClientModel client, KeyUse use, String scope, String remoteHost) {
        UserModel identity = use.identity();
        AuthenticationSessionModel authSession = new AuthenticationSessionManager(session)
                .createAuthenticationSession(realm, false).createAuthenticationSession(client);
        authSession.setAuthenticatedUser(identity);
        authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        authSession.setClientNote(OIDCLoginProtocol.ISSUER, Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
        authSession.setClientNote(OIDCLoginProtocol.SCOPE_PARAM, scope);
        LoginNotes.write(authSession, use);

        // Transient: a million key logins store no session.
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(authSession.getParentSession().getId(), realm,
                identity, identity.getUsername(), remoteHost, ApiKeyGrantType.AUTH_METHOD, false, null, null,
                UserSessionModel.SessionPersistenceState.TRANSIENT);
        AuthenticationManager.setClientScopesInSession(session, authSession);
        ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);
        // token ids name the key grant (Keycloak's token context encoding), wherever the token is made
        clientSessionCtx.setAttribute(Constants.GRANT_TYPE, ApiKeyGrantTypeFactory.GRANT_TYPE);
        return new Opened(userSession, clientSessionCtx);
    }
}
