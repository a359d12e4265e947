package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.TokenPolicy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** The admin front door: the shared token calls, plus the realm policy, which only administrators set. */
public class AdminTokensResource extends TokensResource {

    AdminTokensResource(KeycloakSession session, RealmModel realm, AdminAccess access) {
        super(session, realm, access);
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public TokenPolicy settings() {
        access.reader();
        return service.settings();
    }

    @PUT
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public TokenPolicy updateSettings(InputStream body) {
        Caller caller = access.writer();
        TokenPolicy updated = PolicyInput.apply(service.settings(), JsonBodies.read(body));
        return refusing(() -> service.updateSettings(caller, updated));
    }
}
