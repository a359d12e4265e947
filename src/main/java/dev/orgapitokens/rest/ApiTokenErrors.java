package dev.orgapitokens.rest;

import dev.orgapitokens.service.TokenRefusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.services.ErrorResponseException;

/**
 * The JSON errors of SPEC §4: {@code {"error", "error_description"}}, plus {@code "field"} when one
 * field of the request is at fault (UIs place the message by it). Thrown as Keycloak's
 * ErrorResponseException, whose handler also rolls the transaction back: a refused call writes nothing.
 */
public final class ApiTokenErrors {

    private ApiTokenErrors() {
    }

    /** A 400 about one field of the request. */
    public static ErrorResponseException invalid(String field, String description) {
        return error(Status.BAD_REQUEST, "invalid_request", description, field);
    }

    /** A 400 about the request as a whole (malformed JSON, not an object). */
    public static ErrorResponseException invalid(String description) {
        return invalid(null, description);
    }

    public static ErrorResponseException unauthorized() {
        return error(Status.UNAUTHORIZED, "unauthorized", "A valid bearer token is required", null);
    }

    public static ErrorResponseException forbidden(String description) {
        return error(Status.FORBIDDEN, "forbidden", description, null);
    }

    public static ErrorResponseException tooLarge(int limit) {
        return error(Status.REQUEST_ENTITY_TOO_LARGE, "request_too_large", "The request body is larger than " + (limit / 1024) + " KiB", null);
    }

    /** 409: the lifecycle notices of the realm are being worked on right now (by another node, or another run). */
    public static ErrorResponseException busy(String description) {
        return error(Status.CONFLICT, "busy", description, null);
    }

    /** Every call on a Keycloak line the extension does not support (SPEC §1). */
    public static ErrorResponseException unavailable(String description) {
        return error(Status.SERVICE_UNAVAILABLE, "unsupported_keycloak_version", description, null);
    }

    /** The answer to a rule of the service that the request breaks. */
    public static ErrorResponseException of(TokenRefusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> invalid(refusal.field(), refusal.description());
            case FORBIDDEN -> forbidden(refusal.description());
            case NOT_FOUND -> error(Status.NOT_FOUND, "not_found", refusal.description(), null);
            case NAME_TAKEN -> error(Status.CONFLICT, "conflict", refusal.description(), refusal.field());
            case LIMIT_REACHED -> error(Status.CONFLICT, "limit_reached", refusal.description(), null);
        };
    }

    private static ErrorResponseException error(Status status, String error, String description, String field) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        if (field != null) body.put("field", field);
        return new ErrorResponseException(Response.status(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build());
    }
}
