package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenRepresentation;
import dev.orgapitokens.service.ApiTokenService;
import dev.orgapitokens.service.Caller;
import dev.orgapitokens.service.TokenRefusal;
import dev.orgapitokens.service.TokenRole;
import dev.orgapitokens.service.TokenUsage;
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
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The token calls of SPEC §4, shared by both front doors; each door supplies its own
 * {@link TokenAccess}. Parse, authorize, call the service, map the result: nothing else lives here.
 */
public class TokensResource {

    protected final KeycloakSession session;
    protected final RealmModel realm;
    protected final TokenAccess access;
    protected final ApiTokenService service;

    TokensResource(KeycloakSession session, RealmModel realm, TokenAccess access) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.service = new ApiTokenService(session, realm);
    }

    /** A role as the consoles list it. */
    public record RoleChoice(String name, String displayName) {
    }

    /**
     * What a console needs before it draws the page. {@code expiryNoticeDays}: the first notice period
     * of the realm's expiry notices (SPEC §9), so both consoles mark the tokens inside it; null when off.
     */
    public record AccessInfo(boolean view, boolean manage, List<RoleChoice> roles, Integer expiryNoticeDays) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<ApiTokenRepresentation> list(@QueryParam("first") String first, @QueryParam("max") String max,
            @QueryParam("search") String search, @QueryParam("role") String role,
            @QueryParam("organizationId") String organizationId) {
        Caller caller = access.reader();
        ApiTokenService.ListQuery query = ListInput.parse(first, max, search, role, organizationId);
        return refusing(() -> service.list(caller, query));
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) {
        Caller caller = access.writer();
        var input = TokenInput.forCreate(JsonBodies.read(body), Time.currentTimeMillis());
        ApiTokenRepresentation created = refusing(() -> service.create(caller, input));
        return Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(created.id()).build())
                .entity(created).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    /** What the caller may do here and the roles a token can have; 403 when they may not even read. */
    @GET
    @Path("access")
    @Produces(MediaType.APPLICATION_JSON)
    public AccessInfo access() {
        access.reader();
        List<RoleChoice> roles = Arrays.stream(TokenRole.values()).map(r -> new RoleChoice(r.roleName(), r.displayName())).toList();
        Integer firstNotice = service.settings().expiryNoticeDays().stream().max(Integer::compare).orElse(null);
        return new AccessInfo(true, access.canWrite(), roles, firstNotice);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ApiTokenRepresentation get(@PathParam("id") String id) {
        Caller caller = access.reader();
        return refusing(() -> service.get(caller, id));
    }

    /** The token's use per day and its last addresses (SPEC §10), for whoever may read the token. */
    @GET
    @Path("{id}/usage")
    @Produces(MediaType.APPLICATION_JSON)
    public TokenUsage.Report usage(@PathParam("id") String id, @QueryParam("days") String days) {
        Caller caller = access.reader();
        int window = UsageInput.days(days);
        ApiTokenRepresentation token = refusing(() -> service.get(caller, id));
        return TokenUsage.report(session, token.id(), window, Time.currentTimeMillis());
    }

    @PUT
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ApiTokenRepresentation update(@PathParam("id") String id, InputStream body) {
        Caller caller = access.writer();
        var input = TokenInput.forUpdate(JsonBodies.read(body), Time.currentTimeMillis());
        return refusing(() -> service.update(caller, id, input));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        Caller caller = access.writer();
        refusing(() -> {
            service.delete(caller, id);
            return null;
        });
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id, InputStream body) {
        Caller caller = access.writer();
        var rotation = RotationInput.parse(JsonBodies.read(body), Time.currentTimeMillis());
        ApiTokenRepresentation rotated = refusing(() -> service.rotate(caller, id, rotation));
        return Response.ok(rotated, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    /** Runs a service call, answering a broken token rule with its JSON error. */
    static <T> T refusing(Supplier<T> call) {
        try {
            return call.get();
        } catch (TokenRefusal refusal) {
            throw ApiTokenErrors.of(refusal);
        }
    }
}
