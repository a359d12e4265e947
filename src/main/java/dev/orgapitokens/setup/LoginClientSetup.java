package dev.orgapitokens.setup;

import dev.orgapitokens.login.ApiKeyAuthenticator;
import dev.orgapitokens.login.ApiKeyGrantTypeFactory;
import dev.orgapitokens.login.ApiTokenClaimsMapper;
import dev.orgapitokens.login.KeyOnlyAction;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenRole;
import java.util.List;
import java.util.stream.Collectors;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * The key-login path of SPEC §5, created idempotently in every realm: an authentication flow
 * holding the API-key authenticator, and the public client {@code org-api-tokens} (the key grant
 * and direct grants only, no refresh tokens, no consent, full scope off with the four token roles
 * in its scope) bound to that flow, with the claims mapper, which writes the role and organization
 * claims itself (so the client has not Keycloak's "roles" and "organization" scopes). What the contract needs is put back at
 * every start; additions an operator made (an audience mapper, a client scope) are kept.
 */
final class LoginClientSetup {

    static final String FLOW_ALIAS = "org-api-tokens direct grant";
    /** Keycloak's client scopes whose claims the claims mapper writes for key logins. */
    static final java.util.Set<String> SCOPES_THE_MAPPER_REPLACES = java.util.Set.of("roles", "organization");

    private LoginClientSetup() {
    }

    static void apply(RealmModel realm, List<TokenRole> compositeRoles) {
        AuthenticationFlowModel flow = flow(realm);
        ClientModel client = realm.getClientByClientId(ServiceIdentities.LOGIN_CLIENT_ID);
        if (client == null) {
            client = createClient(realm);
        }
        if (client.getClientAuthenticatorType() == null) {
            client.setClientAuthenticatorType("client-secret"); // unused by a public client; avoids a warning per login
        }
        if (client.getAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING) == null) {
            client.setAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING, flow.getId());
        }
        if (client.getProtocolMappersStream().noneMatch(m -> ApiTokenClaimsMapper.ID.equals(m.getProtocolMapper()))) {
            client.addProtocolMapper(ApiTokenClaimsMapper.model());
        }
        allowOnlyKeyLogins(client);
        keyOnlyAction(realm);
        scopeToTokenRoles(realm, client, compositeRoles);
        withoutClaimsTheMapperWrites(client);
    }

    /** The key grant and the password form, nothing else (SPEC §5). */
    private static void allowOnlyKeyLogins(ClientModel client) {
        if (!ApiKeyGrantTypeFactory.isAllowedFor(client)) client.setAttribute(ApiKeyGrantTypeFactory.CLIENT_ATTRIBUTE, "true");
        if (!client.isDirectAccessGrantsEnabled()) client.setDirectAccessGrantsEnabled(true);
        if (client.isStandardFlowEnabled()) client.setStandardFlowEnabled(false);
        if (client.isImplicitFlowEnabled()) client.setImplicitFlowEnabled(false);
        if (client.isServiceAccountsEnabled()) client.setServiceAccountsEnabled(false);
    }

    /**
     * The required action that refuses a service identity any login but its key's (an identity
     * provider's, SPEC §7), enabled in every realm; an administrator who disables it gets it back at
     * the next start.
     */
    private static void keyOnlyAction(RealmModel realm) {
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(KeyOnlyAction.ID);
        if (action == null) {
            action = new RequiredActionProviderModel();
            action.setAlias(KeyOnlyAction.ID);
            action.setProviderId(KeyOnlyAction.ID);
            action.setName("Org API tokens: key only");
            action.setEnabled(true);
            action.setDefaultAction(false);
            action.setPriority(1); // before any action a login could complete
            realm.addRequiredActionProvider(action);
        } else if (!action.isEnabled()) {
            action.setEnabled(true);
            realm.updateRequiredActionProvider(action);
        }
    }

    /**
     * Full scope off, the four roles in scope: a key's token carries no default or admin role of the
     * realm. A token role the realm has as a composite role stays out (its keys are refused anyway).
     */
    private static void scopeToTokenRoles(RealmModel realm, ClientModel client, List<TokenRole> compositeRoles) {
        if (client.isFullScopeAllowed()) client.setFullScopeAllowed(false);
        for (TokenRole role : TokenRole.values()) {
            RoleModel model = realm.getRole(role.roleName());
            if (model == null) continue;
            if (compositeRoles.contains(role)) {
                if (client.hasDirectScope(model)) client.deleteScopeMapping(model);
            } else if (!client.hasDirectScope(model)) {
                client.addScopeMapping(model);
            }
        }
    }

    /**
     * The claims mapper writes the role and the organization claim itself (from the login's notes),
     * so the login client has neither Keycloak's "roles" nor its "organization" client scope: their
     * mappers cost about 6 % of a key grant (resolving the identity's roles within the client's scope,
     * looking up its organizations) to give values the mapper pins anyway. Realms set up by earlier
     * versions had both as default scopes; they are taken off at the next start.
     */
    private static void withoutClaimsTheMapperWrites(ClientModel client) {
        for (boolean defaultScope : new boolean[] {true, false}) {
            client.getClientScopes(defaultScope).values().stream()
                    .filter(LoginClientSetup::writtenByTheMapper)
                    .toList()
                    .forEach(client::removeClientScope);
        }
    }

    private static boolean writtenByTheMapper(ClientScopeModel scope) {
        return OIDCLoginProtocol.LOGIN_PROTOCOL.equals(scope.getProtocol()) && SCOPES_THE_MAPPER_REPLACES.contains(scope.getName());
    }

    private static AuthenticationFlowModel flow(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getFlowByAlias(FLOW_ALIAS);
        if (flow != null) return flow;
        flow = new AuthenticationFlowModel();
        flow.setAlias(FLOW_ALIAS);
        flow.setDescription("Logs in API clients with an org API key (api_key form field or X-API-Key header)");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flow = realm.addAuthenticationFlow(flow);

        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(flow.getId());
        execution.setAuthenticator(ApiKeyAuthenticator.ID);
        execution.setRequirement(AuthenticationExecutionModel.Requirement.REQUIRED);
        execution.setPriority(10);
        execution.setAuthenticatorFlow(false);
        realm.addAuthenticatorExecution(execution);
        return flow;
    }

    private static ClientModel createClient(RealmModel realm) {
        ClientModel client = realm.addClient(ServiceIdentities.LOGIN_CLIENT_ID);
        client.setName("Org API tokens (key login)");
        client.setDescription("Trades an org API key for an access token: the API key grant, or the password grant with api_key.");
        client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        client.setEnabled(true);
        client.setPublicClient(true);
        client.setDirectAccessGrantsEnabled(true);
        client.setStandardFlowEnabled(false);
        client.setImplicitFlowEnabled(false);
        client.setServiceAccountsEnabled(false);
        client.setConsentRequired(false);
        client.setAttribute(OIDCConfigAttributes.USE_REFRESH_TOKEN, "false");
        client.addClientScopes(openIdScopes(realm, true), true);
        client.addClientScopes(openIdScopes(realm, false), false);
        return client;
    }

    private static java.util.Set<ClientScopeModel> openIdScopes(RealmModel realm, boolean defaultScopes) {
        return realm.getDefaultClientScopesStream(defaultScopes)
                .filter(s -> OIDCLoginProtocol.LOGIN_PROTOCOL.equals(s.getProtocol()))
                .filter(s -> !writtenByTheMapper(s))
                .collect(Collectors.toSet());
    }
}
