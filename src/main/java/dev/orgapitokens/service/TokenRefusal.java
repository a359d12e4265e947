package dev.orgapitokens.service;

/**
 * A token rule that a request breaks, raised by the service and turned into the JSON error of
 * SPEC §4 by the front doors ({@code rest.ApiTokenErrors}). No stack trace: a refusal is an answer,
 * not a fault.
 */
public final class TokenRefusal extends RuntimeException {

    /** What kind of refusal; each maps to one status and error code. */
    public enum Kind {
        INVALID, FORBIDDEN, NOT_FOUND, NAME_TAKEN, LIMIT_REACHED
    }

    private final Kind kind;
    private final String field;

    private TokenRefusal(Kind kind, String field, String description) {
        super(description, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    /** A 400 about one field of the request (field null: about the request as a whole). */
    public static TokenRefusal invalid(String field, String description) {
        return new TokenRefusal(Kind.INVALID, field, description);
    }

    public static TokenRefusal forbidden(String description) {
        return new TokenRefusal(Kind.FORBIDDEN, null, description);
    }

    public static TokenRefusal notFound() {
        return new TokenRefusal(Kind.NOT_FOUND, null, "No such API token in this realm");
    }

    public static TokenRefusal nameTaken(String name) {
        return new TokenRefusal(Kind.NAME_TAKEN, "name", "An API token named '" + name + "' already exists");
    }

    /** A realm policy limit (maxTokens) is reached. */
    public static TokenRefusal limitReached(String description) {
        return new TokenRefusal(Kind.LIMIT_REACHED, null, description);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    public String description() {
        return getMessage();
    }
}
