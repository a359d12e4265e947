package dev.orgapitokens.rest;

import dev.orgapitokens.service.KeycloakLine;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

/**
 * The realm door on a Keycloak older than the supported lines: every call answers 503 naming the
 * supported lines, so a script learns why instead of meeting a 404 (SPEC §1).
 */
public class UnsupportedLineResource {

    @GET
    @Path("{any: .*}")
    public Object get() {
        throw unavailable();
    }

    @POST
    @Path("{any: .*}")
    public Object post() {
        throw unavailable();
    }

    @PUT
    @Path("{any: .*}")
    public Object put() {
        throw unavailable();
    }

    @DELETE
    @Path("{any: .*}")
    public Object delete() {
        throw unavailable();
    }

    private static RuntimeException unavailable() {
        return ApiTokenErrors.unavailable(KeycloakLine.unsupportedMessage());
    }
}
