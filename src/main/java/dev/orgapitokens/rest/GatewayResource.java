package dev.orgapitokens.rest;

import dev.orgapitokens.login.GatewayCheck;
import dev.orgapitokens.login.PresentedKey;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code /realms/{realm}/org-api-tokens/authorize[/<any path>]} (SPEC §5 "Forward authentication"):
 * the sub-request of NGINX {@code auth_request}, Caddy {@code forward_auth}, Traefik
 * {@code forwardAuth} and Envoy {@code ext_authz}. Envoy's HTTP check keeps the client's method and
 * appends its path, so every method and sub-path gets the same answer; the body is never read.
 * Parsing only: {@link GatewayCheck} decides.
 */
public class GatewayResource {

    private final KeycloakSession session;
    private final RealmModel realm;

    GatewayResource(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @GET
    public Response get(@Context HttpHeaders headers, @Context UriInfo uri) {
        return check(headers, uri);
    }

    @POST
    public Response post(@Context HttpHeaders headers, @Context UriInfo uri) {
        return check(headers, uri);
    }

    @PUT
    public Response put(@Context HttpHeaders headers, @Context UriInfo uri) {
        return check(headers, uri);
    }

    @PATCH
    public Response patch(@Context HttpHeaders headers, @Context UriInfo uri) {
        return check(headers, uri);
    }

    @DELETE
    public Response delete(@Context HttpHeaders headers, @Context UriInfo uri) {
        return check(headers, uri);
    }

    private Response check(HttpHeaders headers, UriInfo uri) {
        List<String> roles = new ArrayList<>(values(uri.getQueryParameters().get("role")));
        roles.addAll(values(headers.getRequestHeader(GatewayCheck.REQUIRED_ROLE)));
        List<String> sites = new ArrayList<>(values(uri.getQueryParameters().get("site")));
        sites.addAll(values(headers.getRequestHeader(GatewayCheck.REQUIRED_SITE)));
        boolean jwt = "true".equalsIgnoreCase(uri.getQueryParameters().getFirst("jwt"));
        return GatewayCheck.answer(session, realm, new GatewayCheck.Request(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                headers.getHeaderString(PresentedKey.HEADER), roles, sites, jwt));
    }

    private static List<String> values(List<String> values) {
        return values == null ? List.of() : values;
    }
}
