package dev.orgapitokens.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Key logins at the token endpoint, as an API client would do them. */
final class KeyLogin {

    private KeyLogin() {
    }

    static String tokenEndpoint(TestRealm realm) {
        return KeycloakServer.server().url() + "/realms/" + realm.name + "/protocol/openid-connect/token";
    }

    /** grant_type=password, client_id=org-api-tokens, api_key=<key> in the form. */
    static Http.Response withForm(TestRealm realm, String key) {
        return withForm(KeycloakServer.server().url(), realm.name, key);
    }

    /** The same at the server at {@code baseUrl} (tests that start servers of their own). */
    static Http.Response withForm(String baseUrl, String realm, String key) {
        String body = "grant_type=password&client_id=org-api-tokens" + (key == null ? "" : "&api_key=" + Http.enc(key));
        return Http.send("POST", baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", null,
                "application/x-www-form-urlencoded", body);
    }

    /** The same, with the key in the X-API-Key header. */
    static Http.Response withHeader(TestRealm realm, String key) {
        return Http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint(realm)))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=org-api-tokens"))
                .build());
    }

    /** The claims of a JWT (no signature check: the tests only read what Keycloak put in). */
    static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        try {
            return Http.JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JWT", e);
        }
    }

    static JsonNode accessTokenClaims(Http.Response login) {
        return claims(login.json().get("access_token").asText());
    }
}
