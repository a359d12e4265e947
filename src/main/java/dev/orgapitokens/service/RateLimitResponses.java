package dev.orgapitokens.service;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The answer to a key use over the realm's loginRateLimitPerHour (SPEC §5): 429 with Retry-After. */
public final class RateLimitResponses {

    private RateLimitResponses() {
    }

    public static Response tooManyRequests(long retryAfterSeconds) {
        return Response.status(429)
                .header("Retry-After", Long.toString(retryAfterSeconds))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "too_many_requests", "error_description",
                        "This API key is over its login rate limit; retry after " + retryAfterSeconds + " seconds"))
                .build();
    }
}
