package dev.orgapitokens.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser login to the account console with username and password, as a person would make it:
 * form, cookies, redirects. Keycloak marks its cookies Secure, which the JDK's cookie manager never
 * sends over plain HTTP, so cookies are kept here, by path, as a browser does for localhost.
 */
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
        Browser client = new Browser();
        String base = KeycloakServer.server().url() + "/realms/" + realm.name;
        String verifier = "verifier-" + "x".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String auth = base + "/protocol/openid-connect/auth?client_id=account-console&response_type=code&scope=openid"
                + "&redirect_uri=" + Http.enc(base + "/account/") + "&code_challenge=" + challenge + "&code_challenge_method=S256"
                + (idpAlias == null ? "" : "&kc_idp_hint=" + idpAlias);
        HttpResponse<String> page = follow(client, client.send(HttpRequest.newBuilder(URI.create(auth)).GET()), base);
        Matcher action = FORM_ACTION.matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) throw new AssertionError("no login form: " + page.statusCode());
        String form = "username=" + Http.enc(username) + "&password=" + Http.enc(password) + "&credentialId=";
        HttpResponse<String> answer = follow(client, client.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))), base);
        String location = answer.headers().firstValue("Location").orElse("");
        return answer.statusCode() == 302 && location.startsWith(base + "/account/") && location.contains("code=");
    }

    /** Follows redirects (GET) until a page, or the redirect back to the account console (not followed). */
    private static HttpResponse<String> follow(Browser client, HttpResponse<String> response, String base) throws Exception {
        for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
            String location = response.headers().firstValue("Location").orElseThrow();
            if (location.startsWith(base + "/account/")) return response;
            URI next = response.uri().resolve(location);
            response = client.send(HttpRequest.newBuilder(next).GET());
        }
        return response;
    }

    /** An HTTP client with a browser's cookie store: name and value by path, Secure cookies sent over HTTP too. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final Map<String, String[]> cookies = new LinkedHashMap<>();

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            HttpRequest built = request.build();
            StringBuilder header = new StringBuilder();
            for (String[] cookie : cookies.values()) {
                if (built.uri().getPath().startsWith(cookie[2])) header.append(header.length() == 0 ? "" : "; ").append(cookie[0]).append('=').append(cookie[1]);
            }
            if (header.length() > 0) request.header("Cookie", header.toString());
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                String[] parts = set.split(";");
                String[] pair = parts[0].split("=", 2);
                String path = "/";
                boolean expired = false;
                for (String attribute : parts) {
                    String a = attribute.trim();
                    if (a.regionMatches(true, 0, "Path=", 0, 5)) path = a.substring(5);
                    if (a.regionMatches(true, 0, "Max-Age=0", 0, 9)) expired = true;
                }
                if (pair.length < 2) continue;
                if (expired || pair[1].isEmpty()) cookies.remove(path + " " + pair[0]);
                else cookies.put(path + " " + pair[0], new String[] {pair[0].trim(), pair[1], path});
            }
            return response;
        }
    }
}
