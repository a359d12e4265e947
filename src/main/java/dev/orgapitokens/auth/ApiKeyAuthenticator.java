package dev.orgapitokens.auth;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.service.KeyVerifier;
import dev.orgapitokens.service.RateLimitResponses;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenMetrics;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.directgrant.AbstractDirectGrantAuthenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Direct-grant authenticator: trades an API key (form field {@code api_key} or header
 * {@code X-API-Key}) for the token's service identity. Every refusal looks the same to the caller.
 */
public class ApiKeyAuthenticator extends AbstractDirectGrantAuthenticator {

    public static final String ID = "org-api-key";
    public static final String FORM_FIELD = "api_key";
    public static final String HEADER = "X-API-Key";
    /** User session notes read by {@link ApiTokenClaimsMapper}. */
    public static final String NOTE_TOKEN_ID = "org_api_token.id";
    public static final String NOTE_SITES = "org_api_token.sites";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String key = KeyVerifier.presentedKey(form.getFirst(FORM_FIELD),
                context.getHttpRequest().getHttpHeaders().getHeaderString(HEADER), null);
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        String remoteAddress = context.getConnection().getRemoteAddr();

        KeyVerifier.Admission admission = KeyVerifier.admit(session, realm, key, remoteAddress, TokenMetrics.Path.TOKEN_ENDPOINT);
        ApiTokenEntity token = admission.token();
        if (token != null) context.getEvent().detail(ServiceIdentities.TOKEN_ID_CLAIM, token.getId()).user(token.getServiceUserId());
        if (admission.retryAfterSeconds() > 0) {
            context.getEvent().detail("reason", admission.outcome()).error(Errors.SLOW_DOWN);
            context.failure(AuthenticationFlowError.ACCESS_DENIED, RateLimitResponses.tooManyRequests(admission.retryAfterSeconds()));
            return;
        }
        if (!admission.admitted()) {
            context.getEvent().detail("reason", admission.outcome()).error(Errors.INVALID_USER_CREDENTIALS);
            context.failure(AuthenticationFlowError.INVALID_CREDENTIALS, errorResponse(401, "invalid_grant", "Invalid API key"));
            return;
        }

        // Key logins keep no user session rows: a million logins must not fill the database.
        context.getAuthenticationSession().setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        context.getAuthenticationSession().setUserSessionNote(NOTE_TOKEN_ID, token.getId());
        context.getAuthenticationSession().setUserSessionNote(NOTE_SITES, token.getSites());
        context.setUser(admission.identity());
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public String getDisplayType() {
        return "Org API key";
    }

    @Override
    public String getReferenceCategory() {
        return "api-key";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public Requirement[] getRequirementChoices() {
        return new Requirement[] {Requirement.REQUIRED, Requirement.ALTERNATIVE, Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Logs in the service identity of an org API token from the form field api_key or the X-API-Key header.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public String getId() {
        return ID;
    }
}
