package dev.orgapitokens.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser login to the account console with username and password, as a person would make it: form, cookies, redirect. */
final class BrowserLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private BrowserLogin() {
    }

    /** True when Keycloak answers the login form with a redirect carrying an authorization code. */
    static boolean succeeds(TestRealm realm, String username, String password) throws Exception {
        return login(realm, null, username, password);
    }

    /**
     * The same through an identity provider of the realm ({@code kc_idp_hint}): the provider's login
     * form, then the broker's way back; true when the realm then redirects with a code.
     */
    static boolean throughIdentityProvider(TestRealm realm, String alias, String username, String password) throws Exception {
        return login(realm, alias, username, password);
    }

    private static boolean login(TestRealm realm, String idpAlias, String username, String password) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = KeycloakServer.server().url() + "/realms/" + realm.name;
        String verifier = "verifier-" + "x".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String auth = base + "/protocol/openid-connect/auth?client_id=account-console&response_type=code&scope=openid"
                + "&redirect_uri=" + Http.enc(base + "/account/") + "&code_challenge=" + challenge + "&code_challenge_method=S256"
                + (idpAlias == null ? "" : "&kc_idp_hint=" + idpAlias);
        HttpResponse<String> page = follow(client, client.send(HttpRequest.newBuilder(URI.create(auth)).GET().build(),
                HttpResponse.BodyHandlers.ofString()), base);
        Matcher action = FORM_ACTION.matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) throw new AssertionError("no login form: " + page.statusCode());
        String form = "username=" + Http.enc(username) + "&password=" + Http.enc(password) + "&credentialId=";
        HttpResponse<String> answer = follow(client, client.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString()), base);
        String location = answer.headers().firstValue("Location").orElse("");
        return answer.statusCode() == 302 && location.startsWith(base + "/account/") && location.contains("code=");
    }

    /** Follows redirects (GET) until a page, or the redirect back to the account console (not followed). */
    private static HttpResponse<String> follow(HttpClient client, HttpResponse<String> response, String base) throws Exception {
        for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
            String location = response.headers().firstValue("Location").orElseThrow();
            if (location.startsWith(base + "/account/")) return response;
            URI next = response.uri().resolve(location);
            response = client.send(HttpRequest.newBuilder(next).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        return response;
    }
}
