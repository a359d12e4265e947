package dev.orgapitokens.rest;

import dev.orgapitokens.login.GatewayCheck;
import dev.orgapitokens.login.KeyRefusals;
import dev.orgapitokens.login.KeyUse;
import dev.orgapitokens.login.KeyVerifier;
import dev.orgapitokens.login.PresentedKey;
import dev.orgapitokens.service.TokenMetrics;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The realm front door: the shared token calls for super-users, plus the two calls that only the
 * key itself authenticates (SPEC §5): the gateway check and the leaked-key report.
 */
public class RealmTokensResource extends TokensResource {

    RealmTokensResource(KeycloakSession session, RealmModel realm) {
        super(session, realm, new RealmAccess(session, realm));
    }

    /** 200 with the token (never the key) when the key may be used from here; else the same 401 as a key login. */
    @GET
    @Path("self")
    @Produces(MediaType.APPLICATION_JSON)
    public Response self(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(PresentedKey.HEADER) String apiKey) {
        String key = PresentedKey.from(null, apiKey, authorization);
        KeyUse use = KeyVerifier.verify(session, realm, key, session.getContext().getConnection().getRemoteAddr(), TokenMetrics.Path.GATEWAY);
        if (!use.admitted()) return KeyRefusals.of(use);
        return Response.ok(refusing(() -> service.get(use.tokenId())), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }

    /**
     * Forward authentication (SPEC §5): the sub-request of NGINX {@code auth_request}, Caddy
     * {@code forward_auth}, Traefik {@code forwardAuth} or Envoy {@code ext_authz}; headers only.
     * The decision is {@link GatewayCheck}'s. Also under any sub-path, for Envoy, which appends the
     * original request's path to its check URL.
     */
    @GET
    @Path("authorize{path: (/.*)?}")
    public Response authorize(@Context HttpHeaders headers, @QueryParam("role") List<String> role, @QueryParam("site") List<String> site,
            @QueryParam("jwt") String jwt) {
        List<String> roles = new ArrayList<>(role);
        roles.addAll(headers.getRequestHeader(GatewayCheck.REQUIRED_ROLE) == null ? List.of() : headers.getRequestHeader(GatewayCheck.REQUIRED_ROLE));
        List<String> sites = new ArrayList<>(site);
        sites.addAll(headers.getRequestHeader(GatewayCheck.REQUIRED_SITE) == null ? List.of() : headers.getRequestHeader(GatewayCheck.REQUIRED_SITE));
        return GatewayCheck.answer(session, realm, new GatewayCheck.Request(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                headers.getHeaderString(PresentedKey.HEADER), roles, sites, "true".equalsIgnoreCase(jwt)));
    }

    /** Anyone who finds a key can kill it; the answer is the same whether or not the key was valid. */
    @POST
    @Path("revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@FormParam(PresentedKey.FORM_FIELD) String apiKey) {
        service.reportExposed(apiKey);
        return Response.ok(status("received"), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
