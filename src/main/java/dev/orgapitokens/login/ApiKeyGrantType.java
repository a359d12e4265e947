package dev.orgapitokens.login;

import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenMetrics;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenRequestContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;

/**
 * {@code grant_type=urn:org-api-tokens:grant-type:api-key} (SPEC §5): a machine-to-machine grant
 * built like Keycloak's {@code client_credentials}. The key is verified first (a malformed one
 * before any database access and before any authentication session exists); the service identity
 * is then the authenticated user, set directly: no authentication flow, no required actions, a
 * transient user session. Client scopes, protocol mappers and client policies apply as for any
 * token (the policies of service-account token requests, the closest Keycloak event).
 */
public class ApiKeyGrantType extends OAuth2GrantTypeBase {

    /** How login events name this way of authenticating. */
    static final String AUTH_METHOD = "api_key";

    @Override
    public Response process(Context context) {
        setContext(context);
        event.detail(Details.AUTH_METHOD, AUTH_METHOD);
        if (!ApiKeyGrantTypeFactory.isAllowedFor(client)) {
            String message = "Client not allowed for the API key grant";
            event.detail(Details.REASON, message).error(Errors.NOT_ALLOWED);
            throw new CorsErrorResponseException(cors, OAuthErrorException.UNAUTHORIZED_CLIENT, message, Response.Status.BAD_REQUEST);
        }

        String key = PresentedKey.from(formParams.getFirst(PresentedKey.FORM_FIELD), headers.getHeaderString(PresentedKey.HEADER), null);
        KeyUse use = KeyVerifier.verify(session, realm, key, clientConnection.getRemoteAddr(), TokenMetrics.Path.TOKEN_ENDPOINT);
        if (use.tokenId() != null) event.detail(ServiceIdentities.TOKEN_ID_CLAIM, use.tokenId()).detail(KeyUse.KEY_DETAIL, use.keySlot());
        if (!use.admitted()) {
            event.detail(Details.REASON, use.outcome().tag()).error(use.rateLimited() ? Errors.SLOW_DOWN : Errors.INVALID_USER_CREDENTIALS);
            return cors.add(Response.fromResponse(KeyRefusals.of(use)));
        }
        UserModel identity = use.identity();
        event.user(identity).detail(Details.USERNAME, identity.getUsername());

        String scope = getRequestedScopes();
        KeyLoginSession.Opened opened = KeyLoginSession.open(session, realm, client, use, scope, clientConnection.getRemoteHost());
        UserSessionModel userSession = opened.userSession();
        ClientSessionContext clientSessionCtx = opened.clientSessionCtx();
        event.session(userSession);
        updateUserSessionFromClientAuth(userSession);

        try {
            session.clientPolicy().triggerOnEvent(new ServiceAccountTokenRequestContext(formParams, clientSessionCtx.getClientSession()));
        } catch (ClientPolicyException cpe) {
            event.detail(Details.REASON, Details.CLIENT_POLICY_ERROR)
                    .detail(Details.CLIENT_POLICY_ERROR, cpe.getError())
                    .detail(Details.CLIENT_POLICY_ERROR_DETAIL, cpe.getErrorDetail())
                    .error(cpe.getError());
            throw new CorsErrorResponseException(cors, cpe.getError(), cpe.getErrorDetail(), Response.Status.BAD_REQUEST);
        }
        return createTokenResponse(identity, userSession, clientSessionCtx, scope, true,
                builder -> new ServiceAccountTokenResponseContext(formParams, clientSessionCtx.getClientSession(), builder));
    }

    @Override
    public EventType getEventType() {
        return EventType.LOGIN;
    }

    /** Keycloak 26.7 asks each grant which of its parameters carry tokens (none here); older lines never call it. */
    public Set<String> getTokenParameterNames() {
        return Set.of();
    }

    /**
     * Keys log in again when their access token expires; a refresh token would outlive a deleted key.
     * Keycloak 26.5 and later ask the grant; on 26.4 the client's "use refresh tokens" switch decides,
     * which setup turns off on the login client (no {@code @Override}: the JAR compiles against 26.4).
     */
    protected boolean useRefreshToken() {
        return false;
    }
}
