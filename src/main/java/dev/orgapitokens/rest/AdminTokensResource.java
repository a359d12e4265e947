package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.LifecycleNotices;
import dev.orgapitokens.service.TokenPolicy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Map;
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

    /** SPEC §9: sends the lifecycle notices and makes the deletions due now in this realm; {"sent": n, "deleted": n}. */
    @POST
    @Path("notices/run")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> runNotices() {
        access.writer();
        try {
            LifecycleNotices.Outcome outcome = new LifecycleNotices(session.getKeycloakSessionFactory())
                    .runRealm(realm.getId(), session.getContext().getUri().getBaseUri());
            return Map.of("sent", outcome.sent(), "deleted", outcome.deleted());
        } catch (LifecycleNotices.Busy busy) {
            throw ApiTokenErrors.busy(busy.getMessage());
        }
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
