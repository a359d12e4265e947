package dev.orgapitokens.auth;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.service.KeyVerifier;
import dev.orgapitokens.service.LastUsedRecorder;
import dev.orgapitokens.service.LoginRateLimiter;
import dev.orgapitokens.service.RateLimitResponses;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenMetrics;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.directgrant.AbstractDirectGrantAuthenticator;
import org.keycloak.common.util.Time;
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

        KeyVerifier.Result result = KeyVerifier.verify(session, realm, key, remoteAddress);
        ApiTokenEntity token = result.token();
        if (token != null) context.getEvent().detail(ServiceIdentities.TOKEN_ID_CLAIM, token.getId());
        UserModel user = token == null ? null : session.users().getUserById(realm, token.getServiceUserId());
        if (!result.ok() || user == null || !user.isEnabled()) {
            String reason = result.ok() ? "service_identity_missing" : result.outcome();
            TokenMetrics.keyUse(TokenMetrics.Path.TOKEN_ENDPOINT, reason);
            if (token != null) context.getEvent().user(token.getServiceUserId());
            context.getEvent().detail("reason", reason).error(Errors.INVALID_USER_CREDENTIALS);
            context.failure(AuthenticationFlowError.INVALID_CREDENTIALS,
                    errorResponse(401, "invalid_grant", "Invalid API key"));
            return;
        }

        long retryAfter = LoginRateLimiter.acquire(session, realm, token.getId());
        if (retryAfter > 0) {
            TokenMetrics.keyUse(TokenMetrics.Path.TOKEN_ENDPOINT, TokenMetrics.RATE_LIMITED);
            context.getEvent().user(token.getServiceUserId()).detail("reason", TokenMetrics.RATE_LIMITED).error(Errors.SLOW_DOWN);
            context.failure(AuthenticationFlowError.ACCESS_DENIED, RateLimitResponses.tooManyRequests(retryAfter));
            return;
        }

        // Key logins keep no user session rows: a million logins must not fill the database.
        context.getAuthenticationSession().setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        context.getAuthenticationSession().setUserSessionNote(NOTE_TOKEN_ID, token.getId());
        context.getAuthenticationSession().setUserSessionNote(NOTE_SITES, token.getSites());
        context.setUser(user);
        context.success();
        TokenMetrics.keyUse(TokenMetrics.Path.TOKEN_ENDPOINT, "success");
        LastUsedRecorder.record(session, token.getId(), remoteAddress, Time.currentTimeMillis());
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
