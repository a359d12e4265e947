package dev.orgapitokens.service;

import jakarta.ws.rs.core.Response.Status;
import org.keycloak.services.ErrorResponseException;

/**
 * The JSON errors of SPEC §4 ({@code {"error", "error_description"}}). Keycloak's
 * ErrorResponseException also marks the transaction rollback-only, so a failed call writes nothing.
 */
public final class ApiTokenErrors {

    private ApiTokenErrors() {
    }

    public static ErrorResponseException badRequest(String description) {
        return new ErrorResponseException("invalid_request", description, Status.BAD_REQUEST);
    }

    public static ErrorResponseException unauthorized() {
        return new ErrorResponseException("unauthorized", "A valid bearer token is required", Status.UNAUTHORIZED);
    }

    public static ErrorResponseException forbidden(String description) {
        return new ErrorResponseException("forbidden", description, Status.FORBIDDEN);
    }

    public static ErrorResponseException notFound() {
        return new ErrorResponseException("not_found", "No such API token in this realm", Status.NOT_FOUND);
    }

    public static ErrorResponseException nameTaken(String name) {
        return new ErrorResponseException("conflict", "An API token named '" + name + "' already exists", Status.CONFLICT);
    }

    /** A realm policy limit (maxTokens) is reached. */
    public static ErrorResponseException limitReached(String description) {
        return new ErrorResponseException("limit_reached", description, Status.CONFLICT);
    }

    public static ErrorResponseException tooLarge(int limit) {
        return new ErrorResponseException("request_too_large",
                "The request body is larger than " + (limit / 1024) + " KiB", Status.REQUEST_ENTITY_TOO_LARGE);
    }
}
