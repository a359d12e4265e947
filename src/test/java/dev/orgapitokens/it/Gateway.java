package dev.orgapitokens.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The forward-authentication check as a proxy calls it, and what an upstream does with its JWT. */
final class Gateway {

    private Gateway() {
    }

    static String authorizeUrl(String baseUrl, String realm, String query) {
        return baseUrl + "/realms/" + realm + "/org-api-tokens/authorize" + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** GET /authorize with the given headers (name, value pairs; a null value leaves the header out). */
    static Http.Response check(TestRealm realm, String query, String... headers) {
        return get(authorizeUrl(KeycloakServer.server().url(), realm.name, query), headers);
    }

    static Http.Response get(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) request.header(headers[i], headers[i + 1]);
        }
        return Http.send(request.build());
    }

    /**
     * Verifies an RS256 JWT's signature against the realm's JWKS (as a resource server does, with the
     * JDK's crypto only) and returns its claims; fails the test if it does not verify.
     */
    static JsonNode verified(String baseUrl, String realm, String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) throw new AssertionError("not a JWS");
        JsonNode header = json(parts[0]);
        if (!"RS256".equals(header.path("alg").asText())) throw new AssertionError("not RS256: " + header);
        JsonNode keys = Http.get(baseUrl + "/realms/" + realm + "/protocol/openid-connect/certs", null).json().get("keys");
        for (JsonNode key : keys) {
            if (!header.path("kid").asText().equals(key.path("kid").asText()) || !"RSA".equals(key.path("kty").asText())) continue;
            try {
                PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())),
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText()))));
                Signature rs256 = Signature.getInstance("SHA256withRSA");
                rs256.initVerify(publicKey);
                rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) throw new AssertionError("the JWT's signature does not verify");
                return json(parts[1]);
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError("could not verify the JWT", e);
            }
        }
        throw new AssertionError("no key " + header.path("kid").asText() + " in the realm's JWKS");
    }

    /** The X-Api-Token-* headers of an answer, for comparisons. */
    static Map<String, String> tokenHeaders(Http.Response r) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : new String[] {"X-Api-Token-Id", "X-Api-Token-Role", "X-Api-Token-Sites", "X-Api-Token-Organization", "X-Api-Token-Subject"}) {
            if (r.header(name) != null) found.put(name, r.header(name));
        }
        return found;
    }

    private static JsonNode json(String base64url) {
        try {
            return Http.JSON.readTree(new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }
}
