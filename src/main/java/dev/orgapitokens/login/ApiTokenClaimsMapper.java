package dev.orgapitokens.login;

import dev.orgapitokens.service.ServiceIdentities;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

/**
 * Shapes access tokens of key logins (SPEC §5), from the user session notes of {@link LoginNotes},
 * so no database read per login: {@code api_token_id} and {@code sites}; exactly the token's role
 * (the login client's scope already keeps other roles out, but an operator may have made a token
 * role composite, and Keycloak expands composites within the scope); an {@code exp} no later than
 * the token's expiry; no {@code sid}, because the session is transient and never stored (with one,
 * introspection would look for it and answer inactive); and an {@code iat} not before the service
 * identity's not-before, which changes to the token set (see ApiTokenService) so that tokens issued
 * before a change introspect as inactive at once, while a login right after the change in the same
 * second still gives a usable token.
 */
public class ApiTokenClaimsMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenMapper, TokenIntrospectionTokenMapper {

    public static final String ID = "org-api-token-claims-mapper";
    public static final String SITES_CLAIM = "sites";
    /** After Keycloak's role, audience and script mappers, so the role claim it pins is final. */
    static final int PRIORITY = 100;
    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, ApiTokenClaimsMapper.class);
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        String tokenId = LoginNotes.tokenId(userSession);
        if (tokenId == null) return; // not a key login
        token.getOtherClaims().put(ServiceIdentities.TOKEN_ID_CLAIM, tokenId);
        token.getOtherClaims().put(SITES_CLAIM, LoginNotes.sites(userSession));
        token.setSessionId(null);
        Long expiresAt = LoginNotes.expiresAt(userSession);
        if (expiresAt != null && token.getExp() != null && token.getExp() > expiresAt / 1000) token.exp(expiresAt / 1000);
        int notBefore = session.users().getNotBeforeOfUser(userSession.getRealm(), userSession.getUser());
        if (token.getIat() != null && token.getIat() < notBefore) token.iat((long) notBefore);
        if (token instanceof AccessToken access) {
            AccessToken.Access realmAccess = new AccessToken.Access();
            realmAccess.addRole(LoginNotes.role(userSession));
            access.setRealmAccess(realmAccess);
            access.setResourceAccess(new HashMap<>());
        }
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    public static ProtocolMapperModel model() {
        ProtocolMapperModel model = new ProtocolMapperModel();
        model.setName("org API token claims");
        model.setProtocolMapper(ID);
        model.setProtocol("openid-connect");
        model.setConfig(new HashMap<>(Map.of(
                OIDCAttributeMapperHelper.INCLUDE_IN_ACCESS_TOKEN, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_LIGHTWEIGHT_ACCESS_TOKEN, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_INTROSPECTION, "true")));
        return model;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "Org API token claims";
    }

    @Override
    public String getHelpText() {
        return "Shapes access tokens obtained with an org API key: api_token_id, sites, exactly the token's role, exp within the token's expiry.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public String getId() {
        return ID;
    }
}
