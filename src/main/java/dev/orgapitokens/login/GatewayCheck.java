package dev.orgapitokens.login;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.service.ServiceIdentities;
import dev.orgapitokens.service.TokenMetrics;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenRequestContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;

/**
 * Forward authentication for reverse proxies (SPEC §5 "Forward authentication"): one presented key
 * decided by {@link KeyVerifier}, as at the token endpoint, then the location's role and site
 * requirements; the answer is headers only. Every check is a Keycloak login event of the
 * {@code org-api-tokens} client, like a key login: {@code LOGIN}, or {@code LOGIN_ERROR} with error
 * {@code invalid_user_credentials} (bad key), {@code slow_down} (rate limit) or {@code not_allowed}
 * (role or site not met), with the details {@code auth_method=api_key}, {@code gateway=authorize},
 * {@code api_token_id} when known and {@code reason} on failures; never the key.
 */
public final class GatewayCheck {

    public static final String TOKEN_ID = "X-Api-Token-Id";
    public static final String ROLE = "X-Api-Token-Role";
    public static final String SITES = "X-Api-Token-Sites";
    public static final String ORGANIZATION = "X-Api-Token-Organization";
    public static final String SUBJECT = "X-Api-Token-Subject";
    public static final String ACCESS_TOKEN = "X-Access-Token";
    public static final String REQUIRED_ROLE = "X-Required-Role";
    public static final String REQUIRED_SITE = "X-Required-Site";
    /** Login event detail naming the gateway check. */
    static final String GATEWAY_DETAIL = "gateway";

    private GatewayCheck() {
    }

    /**
     * What the proxy asked. Requirements may come both as query parameters and as headers; every
     * one given must hold (a header a client smuggles into the sub-request can only add to what the
     * location requires, never lift it). Each role requirement is a comma-separated list of
     * alternatives; each site requirement a comma-separated list of sites that must all be reached.
     */
    public record Request(String authorization, String apiKeyHeader, List<String> roleRequirements, List<String> siteRequirements,
            boolean jwt) {
    }

    public static Response answer(KeycloakSession session, RealmModel realm, Request request) {
        // every answer has an empty body and no media type (Keycloak's token revocation endpoint does the same)
        session.getProvider(SecurityHeadersProvider.class).options().allowEmptyContentType();
        // a disabled realm or login client refuses every key before any key work, and before any kept JWT
        String closed = LoginClient.refusal(realm);
        if (closed != null) {
            checkEvent(session, realm).error(closed);
            return unauthorized(realm);
        }
        String key = PresentedKey.fromGateway(request.apiKeyHeader(), request.authorization());
        String remoteAddress = session.getContext().getConnection().getRemoteAddr();
        KeyUse use = KeyVerifier.verify(session, realm, key, remoteAddress, TokenMetrics.Path.GATEWAY);
        EventBuilder event = checkEvent(session, realm);
        if (use.tokenId() != null) event.detail(ServiceIdentities.TOKEN_ID_CLAIM, use.tokenId());
        if (!use.admitted()) {
            event.detail(Details.REASON, use.outcome().tag()).error(use.rateLimited() ? Errors.SLOW_DOWN : Errors.INVALID_USER_CREDENTIALS);
            return use.rateLimited()
                    ? empty(429).header("Retry-After", Long.toString(use.retryAfterSeconds())).build()
                    : unauthorized(realm);
        }
        event.user(use.identity()).detail(Details.USERNAME, use.identity().getUsername());

        String unmet = unmet(use, request);
        if (unmet != null) {
            event.detail(Details.REASON, unmet).error(Errors.NOT_ALLOWED);
            return empty(403).build();
        }

        Response.ResponseBuilder ok = empty(200)
                .header(TOKEN_ID, use.tokenId())
                .header(ROLE, use.role())
                .header(SITES, String.join(",", use.sites()))
                .header(SUBJECT, use.identity().getUsername());
        String alias = OrganizationAlias.of(session, use.organizationId());
        if (alias != null) ok.header(ORGANIZATION, alias);
        if (request.jwt()) {
            String jwt;
            try {
                jwt = accessToken(session, realm, key, use, event);
            } catch (ClientPolicyException cpe) {
                event.detail(Details.REASON, Details.CLIENT_POLICY_ERROR).detail(Details.CLIENT_POLICY_ERROR, cpe.getError())
                        .error(cpe.getError());
                return empty(403).build();
            }
            if (jwt == null) {
                event.detail(Details.REASON, "login_client_unavailable").error(Errors.CLIENT_DISABLED);
                return empty(403).build();
            }
            ok.header(ACCESS_TOKEN, jwt);
        }
        event.success();
        return ok.build();
    }

    /** The reason a requirement is not met (a login event detail), or null. Plain loops: this runs on every check. */
    static String unmet(KeyUse use, Request request) {
        for (String roles : request.roleRequirements()) {
            boolean any = false;
            boolean met = false;
            for (String role : roles.split(",")) {
                String wanted = role.trim();
                if (wanted.isEmpty()) continue;
                any = true;
                if (wanted.equals(use.role())) met = true;
            }
            if (any && !met) return "role_not_met";
        }
        if (use.sites().contains("*")) return null;
        for (String sites : request.siteRequirements()) {
            for (String site : sites.split(",")) {
                String wanted = site.trim();
                if (!wanted.isEmpty() && !use.sites().contains(wanted)) return "site_not_met";
            }
        }
        return null;
    }

    /**
     * The access token a key login gives: reused from this node's cache while it may be (see
     * {@link MintedTokens}), else minted like the key grant mints it, through the same session
     * opener, Keycloak's TokenManager, the login client's mappers and the client policies of
     * service-account token requests. Null when the login client is gone or disabled.
     */
    private static String accessToken(KeycloakSession session, RealmModel realm, String key, KeyUse use, EventBuilder event)
            throws ClientPolicyException {
        String digest = ApiKeys.digest(key);
        String reused = MintedTokens.reusable(session, realm, digest, use);
        if (reused != null) return reused;
        ClientModel client = realm.getClientByClientId(ServiceIdentities.LOGIN_CLIENT_ID);
        if (client == null || !client.isEnabled()) return null;
        session.getContext().setClient(client);
        KeyLoginSession.Opened opened = KeyLoginSession.open(session, realm, client, use, null,
                session.getContext().getConnection().getRemoteHost());
        var noForm = new MultivaluedHashMap<String, String>();
        session.clientPolicy().triggerOnEvent(new ServiceAccountTokenRequestContext(noForm, opened.clientSessionCtx().getClientSession()));
        TokenManager.AccessTokenResponseBuilder builder = new TokenManager().responseBuilder(realm, client, event, session,
                opened.userSession(), opened.clientSessionCtx()).generateAccessToken();
        builder.getAccessToken().setSessionId(null); // a transient session: no sid (as the key grant answers)
        session.clientPolicy().triggerOnEvent(new ServiceAccountTokenResponseContext(noForm, opened.clientSessionCtx().getClientSession(), builder));
        String jwt = session.tokens().encode(builder.getAccessToken());
        Long iat = builder.getAccessToken().getIat();
        Long exp = builder.getAccessToken().getExp();
        if (iat != null && exp != null) MintedTokens.remember(digest, use, jwt, iat, exp);
        return jwt;
    }

    /**
     * The login event of one check. A refusal's event goes out with the check's own transaction, as
     * a success's does, not in a transaction and Keycloak session of its own, which is what
     * {@link EventBuilder#error} does by default so that an event outlives a request that then
     * fails: a check always answers (401, 403, 429, 200) and commits, so nothing is lost, and a flood
     * of garbage keys no longer costs a second session per key (about 20 % of a refusal's CPU in the
     * profile, bench/results/2026-12-02-h2-profiles.md "unknown-key": runJobInTransaction).
     */
    private static EventBuilder checkEvent(KeycloakSession session, RealmModel realm) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGIN)
                .client(ServiceIdentities.LOGIN_CLIENT_ID)
                .detail(Details.AUTH_METHOD, ApiKeyGrantType.AUTH_METHOD)
                .detail(GATEWAY_DETAIL, "authorize")
                .storeImmediately(false);
    }

    private static Response unauthorized(RealmModel realm) {
        return empty(401).header("WWW-Authenticate", "Token realm=\"" + realm.getName() + "\"").build();
    }

    private static Response.ResponseBuilder empty(int status) {
        return Response.status(status).header("Cache-Control", "no-store");
    }
}
