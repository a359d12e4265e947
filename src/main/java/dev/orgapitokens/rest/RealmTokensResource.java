package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenRepresentation;
import dev.orgapitokens.service.ApiTokenService;
import dev.orgapitokens.service.KeyVerifier;
import dev.orgapitokens.service.RateLimitResponses;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The realm front door: the shared token calls for super-users, plus the two calls that only the
 * key itself authenticates (SPEC §5): the gateway check and the leaked-key report.
 */
public class RealmTokensResource extends TokensResource {

    public RealmTokensResource(KeycloakSession session, RealmModel realm, Access access) {
        super(session, realm, access);
    }

    /** 200 with the token (never the key) when the key may be used from here; else the same 401 as a key login. */
    @GET
    @Path("self")
    @Produces(MediaType.APPLICATION_JSON)
    public Response self(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam("X-API-Key") String apiKey) {
        String key = KeyVerifier.presentedKey(null, apiKey, authorization);
        ApiTokenService.KeyCheck check = service.checkKey(key, session.getContext().getConnection().getRemoteAddr());
        if (check.retryAfterSeconds() > 0) return RateLimitResponses.tooManyRequests(check.retryAfterSeconds());
        ApiTokenRepresentation token = check.token();
        if (token == null) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "invalid_grant", "error_description", "Invalid API key")).build();
        }
        return Response.ok(token, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    /** Anyone who finds a key can kill it; the answer is the same whether or not the key was valid. */
    @POST
    @Path("revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@FormParam("api_key") String apiKey) {
        service.reportExposed(apiKey);
        return Response.ok(Map.of("status", "received"), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
