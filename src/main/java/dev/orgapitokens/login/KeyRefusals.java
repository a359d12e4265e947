package dev.orgapitokens.login;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** What a refused key looks like to the caller (SPEC §5), at the token endpoint and the gateway check alike. */
public final class KeyRefusals {

    private KeyRefusals() {
    }

    /** 401 {@code invalid_grant}: the same for every bad key, so a refusal reveals nothing. */
    public static Response invalidKey() {
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "invalid_grant", "error_description", "Invalid API key")).build();
    }

    /** 429 with Retry-After: a valid key over the realm's loginRateLimitPerHour. */
    public static Response tooManyRequests(long retryAfterSeconds) {
        return Response.status(429)
                .header("Retry-After", Long.toString(retryAfterSeconds))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "too_many_requests", "error_description",
                        "This API key is over its login rate limit; retry after " + retryAfterSeconds + " seconds"))
                .build();
    }

    /** The answer to a key use that was not admitted. */
    public static Response of(KeyUse use) {
        return use.rateLimited() ? tooManyRequests(use.retryAfterSeconds()) : invalidKey();
    }
}
