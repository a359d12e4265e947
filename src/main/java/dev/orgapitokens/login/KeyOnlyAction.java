package dev.orgapitokens.login;

import dev.orgapitokens.service.ServiceIdentities;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;

/**
 * A required action that never completes, triggered for a service identity on any login its key did
 * not make (SPEC §7). Keycloak already refuses service accounts in its authentication flows; its
 * identity-provider broker, however, logs in a user already linked to an identity provider without
 * a flow, and required actions are what runs after every such login. Setup enables it in every realm.
 */
public class KeyOnlyAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String ID = "org-api-tokens-key-only";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        UserModel user = context.getUser();
        if (user == null || !ServiceIdentities.isServiceIdentity(user)) return;
        if (LoginNotes.provedByKey(context.getAuthenticationSession())) return; // the key authenticator logged it in
        context.getAuthenticationSession().addRequiredAction(ID);
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!ServiceIdentities.isServiceIdentity(context.getUser())) {
            context.success(); // given to a person by hand: nothing to refuse
            return;
        }
        context.getEvent().detail(Details.REASON, "service_identity_key_only").error(Errors.NOT_ALLOWED);
        Response page = context.form()
                .setError("This account stands for an API token and logs in with its key only.")
                .createErrorPage(Response.Status.FORBIDDEN);
        context.challenge(page);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        requiredActionChallenge(context);
    }

    @Override
    public String getDisplayText() {
        return "Org API tokens: service identities log in with their key only";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
