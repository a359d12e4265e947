package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenRepresentation;
import dev.orgapitokens.service.ApiTokenService;
import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.JsonBodies;
import dev.orgapitokens.service.TokenInput;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The token calls of SPEC §4, shared by both front doors; each door supplies its own
 * {@link Access}. Parse, authorize, call the service, map the result: nothing else lives here.
 */
public class TokensResource {

    /** How a front door decides who may read and who may write. */
    public interface Access {
        Caller reader();

        Caller writer();

        /** Whether {@link #writer()} would succeed, without failing: lets a UI hide write controls. */
        boolean canWrite();
    }

    protected final KeycloakSession session;
    protected final RealmModel realm;
    protected final Access access;
    protected final ApiTokenService service;

    public TokensResource(KeycloakSession session, RealmModel realm, Access access) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.service = new ApiTokenService(session, realm);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<ApiTokenRepresentation> list(@QueryParam("first") String first, @QueryParam("max") String max,
            @QueryParam("search") String search, @QueryParam("role") String role,
            @QueryParam("organizationId") String organizationId) {
        return service.list(access.reader(), first, max, search, role, organizationId);
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        Caller caller = access.writer();
        ApiTokenRepresentation created = service.create(caller,
                TokenInput.forCreate(JsonBodies.read(body), Time.currentTimeMillis()));
        return Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(created.id()).build())
                .entity(created).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    /** What the caller may do here: {@code {"view": true, "manage": false}}; 403 when they may not even read. */
    @GET
    @Path("access")
    @Produces(MediaType.APPLICATION_JSON)
    public java.util.Map<String, Boolean> access() {
        access.reader();
        return java.util.Map.of("view", true, "manage", access.canWrite());
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ApiTokenRepresentation get(@PathParam("id") String id) {
        return service.get(access.reader(), id);
    }

    @PUT
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ApiTokenRepresentation update(@PathParam("id") String id, InputStream body) {
        Caller caller = access.writer();
        return service.update(caller, id, TokenInput.forUpdate(JsonBodies.read(body), Time.currentTimeMillis()));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        Caller caller = access.writer();
        service.delete(caller, id);
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id) {
        Caller caller = access.writer();
        return Response.ok(service.rotate(caller, id), MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }
}
