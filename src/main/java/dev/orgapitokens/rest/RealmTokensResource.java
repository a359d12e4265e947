package dev.orgapitokens.rest;

import dev.orgapitokens.login.KeyRefusals;
import dev.orgapitokens.login.KeyUse;
import dev.orgapitokens.login.KeyVerifier;
import dev.orgapitokens.login.KnownKeys;
import dev.orgapitokens.login.LoginClient;
import dev.orgapitokens.login.PresentedKey;
import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.TokenMetrics;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
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
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The realm front door: the shared token calls for super-users, plus the calls that only the key
 * itself authenticates (SPEC §5): the key check, the gateway check and the leaked-key report; and the
 * API's OpenAPI description.
 */
public class RealmTokensResource extends TokensResource {

    RealmTokensResource(KeycloakSession session, RealmModel realm) {
        super(session, realm, new RealmAccess(session, realm));
    }

    /**
     * 200 with the key holder's view of the token (never the key, its creator or its address ranges)
     * when the key may be used from here; else the same 401 as a key login.
     */
    @GET
    @Path("self")
    @Produces(MediaType.APPLICATION_JSON)
    public Response self(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(PresentedKey.HEADER) String apiKey) {
        if (LoginClient.refusal(realm) != null) return KeyRefusals.invalidKey(); // as the token endpoint, while disabled
        String key = PresentedKey.from(null, apiKey, authorization);
        KeyUse use = KeyVerifier.verify(session, realm, key, session.getContext().getConnection().getRemoteAddr(), TokenMetrics.Path.GATEWAY);
        if (!use.admitted()) return KeyRefusals.of(use);
        return Response.ok(refusing(() -> service.getForKeyHolder(use.tokenId())), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }

    /** Forward authentication for reverse proxies (SPEC §5), at {@code authorize} and any path below it. */
    @Path("authorize{path: (/.*)?}")
    public GatewayResource authorize() {
        return new GatewayResource(session, realm);
    }

    /** This API's OpenAPI description (docs/openapi.yaml, as JSON); no authentication: it holds no data. */
    @GET
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response openApi() {
        return Response.ok(OpenApiDocument.json(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** Anyone who finds a key can kill it; the answer is the same whether or not the key was valid. */
    @POST
    @Path("revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@FormParam(PresentedKey.FORM_FIELD) String apiKey) {
        // a key no token has is dropped from memory, as at the key's other doors
        if (KnownKeys.mayBeIssued(apiKey)) service.reportExposed(new Caller(null, ReporterEvents.of(session, realm), Set.of()), apiKey);
        return Response.ok(Map.of("status", "received"), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * The same report as JSON, {@code {"api_key": "..."}}, as scanners and scripts often send it: a
     * report that went unheard because of its content type would leave a leaked key working. Any
     * other body is read as a report without a key: the same answer.
     */
    @POST
    @Path("revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revokeJson(InputStream body) {
        return revoke(JsonBodies.textField(JsonBodies.read(body), PresentedKey.FORM_FIELD));
    }
}
