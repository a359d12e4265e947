package dev.orgapitokens.login;

/** Where an API client puts its key (SPEC §5): the form field, the header, or {@code Authorization: Token}. */
public final class PresentedKey {

    public static final String FORM_FIELD = "api_key";
    public static final String HEADER = "X-API-Key";
    private static final String TOKEN_SCHEME = "Token ";

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
}
