package dev.orgapitokens.login;

/**
 * Where an API client puts its key (SPEC §5): the form field, the header, {@code Authorization: Token},
 * and at the gateway check also {@code Authorization: Bearer} with an {@code oat_} key (a JWT is not a key).
 */
public final class PresentedKey {

    public static final String FORM_FIELD = "api_key";
    public static final String HEADER = "X-API-Key";
    private static final String TOKEN_SCHEME = "Token ";
    private static final String BEARER_SCHEME = "Bearer ";
    private static final String KEY_PREFIX = "oat_";

    private PresentedKey() {
    }

    /** The key from a form field, an {@code X-API-Key} header or {@code Authorization: Token <key>}, in that order; null if none. */
    public static String from(String formField, String apiKeyHeader, String authorization) {
        if (formField != null && !formField.isEmpty()) return formField.trim();
        if (apiKeyHeader != null && !apiKeyHeader.isEmpty()) return apiKeyHeader.trim();
        if (authorization != null && authorization.regionMatches(true, 0, TOKEN_SCHEME, 0, TOKEN_SCHEME.length())) {
            return authorization.substring(TOKEN_SCHEME.length()).trim();
        }
        return null;
    }

    /**
     * The gateway check's key: as {@link #from} without a form, plus {@code Authorization: Bearer <key>}
     * when the bearer value is an {@code oat_} key. Any other bearer value (a JWT) is no key: null.
     */
    public static String fromGateway(String apiKeyHeader, String authorization) {
        String key = from(null, apiKeyHeader, authorization);
        if (key != null) return key;
        if (authorization != null && authorization.regionMatches(true, 0, BEARER_SCHEME, 0, BEARER_SCHEME.length())) {
            String bearer = authorization.substring(BEARER_SCHEME.length()).trim();
            if (bearer.startsWith(KEY_PREFIX)) return bearer;
        }
        return null;
    }
}
