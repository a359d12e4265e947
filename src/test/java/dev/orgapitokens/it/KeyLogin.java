package dev.orgapitokens.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** Key logins at the token endpoint, as an API client would do them. */
final class KeyLogin {

    private KeyLogin() {
    }

    static String tokenEndpoint(TestRealm realm) {
        return KeycloakServer.server().url() + "/realms/" + realm.name + "/protocol/openid-connect/token";
    }

    /** The two ways to log in with a key (SPEC §5): the columns of KeyLoginIT's tables. */
    enum Grant {
        KEY_GRANT("urn:org-api-tokens:grant-type:api-key"), PASSWORD("password");

        final String grantType;

        Grant(String grantType) {
            this.grantType = grantType;
        }

        /** grant_type=..., client_id=org-api-tokens, api_key=<key> in the form. */
        Http.Response withForm(TestRealm realm, String key) {
            return withForm(KeycloakServer.server().url(), realm.name, key);
        }

        Http.Response withForm(String baseUrl, String realm, String key) {
            String body = "grant_type=" + Http.enc(grantType) + "&client_id=org-api-tokens" + (key == null ? "" : "&api_key=" + Http.enc(key));
            return Http.send("POST", baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", null,
                    "application/x-www-form-urlencoded", body);
        }

        /** The same, with the key in the X-API-Key header. */
        Http.Response withHeader(TestRealm realm, String key) {
            return Http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint(realm)))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-API-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + Http.enc(grantType) + "&client_id=org-api-tokens"))
                    .build());
        }

        String accessToken(TestRealm realm, String key) {
            Http.Response login = withForm(realm, key);
            if (login.status() != 200) throw new AssertionError(this + " login: " + login.describe());
            return login.json().get("access_token").asText();
        }
    }

    /** A key login with the key grant, the way the README and docs/api.md lead. */
    static Http.Response withForm(TestRealm realm, String key) {
        return Grant.KEY_GRANT.withForm(realm, key);
    }

    /** The same at the server at {@code baseUrl} (tests that start servers of their own). */
    static Http.Response withForm(String baseUrl, String realm, String key) {
        return Grant.KEY_GRANT.withForm(baseUrl, realm, key);
    }

    /** RFC 7662 introspection of {@code token} by a confidential client of the realm. */
    static JsonNode introspect(TestRealm realm, String clientId, String secret, String token) {
        Http.Response r = Http.postForm(tokenEndpoint(realm) + "/introspect", Map.of("client_id", clientId, "client_secret", secret, "token", token));
        if (r.status() != 200) throw new AssertionError("introspect: " + r.describe());
        return r.json();
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
