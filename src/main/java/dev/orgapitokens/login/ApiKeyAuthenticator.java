package dev.orgapitokens.login;

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
    /** Login event detail: why a key was refused. */
    static final String REASON_DETAIL = "reason";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String key = PresentedKey.from(form.getFirst(PresentedKey.FORM_FIELD),
                context.getHttpRequest().getHttpHeaders().getHeaderString(PresentedKey.HEADER), null);
        KeyUse use = KeyVerifier.verify(context.getSession(), context.getRealm(), key,
                context.getConnection().getRemoteAddr(), TokenMetrics.Path.TOKEN_ENDPOINT);
        if (use.tokenId() != null) context.getEvent().detail(ServiceIdentities.TOKEN_ID_CLAIM, use.tokenId()).detail(KeyUse.KEY_DETAIL, use.keySlot());
        if (!use.admitted()) {
            context.getEvent().detail(REASON_DETAIL, use.outcome().tag())
                    .error(use.rateLimited() ? Errors.SLOW_DOWN : Errors.INVALID_USER_CREDENTIALS);
            context.failure(use.rateLimited() ? AuthenticationFlowError.ACCESS_DENIED : AuthenticationFlowError.INVALID_CREDENTIALS,
                    KeyRefusals.of(use));
            return;
        }
        context.getEvent().user(use.identity());
        // Key logins keep no user session rows: a million logins must not fill the database.
        context.getAuthenticationSession().setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        LoginNotes.write(context.getAuthenticationSession(), use);
        // The identity is a service account, which Keycloak refuses in any flow (context.setUser checks
        // that): the key authenticated it here, so it is set on the authentication session directly, as
        // Keycloak's client_credentials grant sets its service account. An earlier user of an
        // operator's own flow must be this one.
        UserModel earlier = context.getAuthenticationSession().getAuthenticatedUser();
        if (earlier != null && !earlier.getId().equals(use.identity().getId())) {
            context.getEvent().detail(REASON_DETAIL, "user_conflict").error(Errors.DIFFERENT_USER_AUTHENTICATED);
            context.failure(AuthenticationFlowError.USER_CONFLICT, KeyRefusals.invalidKey());
            return;
        }
        context.getAuthenticationSession().setAuthenticatedUser(use.identity());
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
