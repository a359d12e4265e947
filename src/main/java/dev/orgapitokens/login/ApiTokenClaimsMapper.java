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
 * so no database read per login: {@code api_token_id} and {@code sites}; {@code realm_access}
 * holding exactly the token's role; {@code organization} as Keycloak's organization membership
 * mapper writes it by default (a list holding the alias); an {@code exp} no later than the token's
 * expiry; no {@code sid}, because the session is transient and never stored (with one,
 * introspection would look for it and answer inactive); and an {@code iat} not before the service
 * identity's not-before, which changes to the token set (see ApiTokenService) so that tokens issued
 * before a change introspect as inactive at once, while a login right after the change in the same
 * second still gives a usable token.
 *
 * <p>The role and the organization are written here, not by Keycloak's "roles" and "organization"
 * client scopes, which the login client does not have (setup's LoginClientSetup): their mappers
 * resolved the identity's roles within the client's scope and looked up its organizations on every
 * login, about 6 % of a key grant's CPU (bench/results/2026-12-02-profiles-findings.md), to give
 * the values this mapper pins anyway.
 */
public class ApiTokenClaimsMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenMapper, TokenIntrospectionTokenMapper {

    public static final String ID = "org-api-token-claims-mapper";
    public static final String SITES_CLAIM = "sites";
    /** Keycloak's organization claim, in the shape its organization membership mapper gives by default: a list of aliases. */
    public static final String ORGANIZATION_CLAIM = "organization";
    /** After Keycloak's mappers (an operator's audience or script mapper), so the claims it pins are final. */
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
        String organization = OrganizationAlias.of(session, LoginNotes.organizationId(userSession));
        if (organization != null) token.getOtherClaims().put(ORGANIZATION_CLAIM, List.of(organization));
        else token.getOtherClaims().remove(ORGANIZATION_CLAIM);
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
