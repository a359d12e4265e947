package dev.orgapitokens.service;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.util.List;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.organization.OrganizationProvider;

/** The rules both REST front doors share: validation, storage, service identities, admin events. */
public class ApiTokenService {

    public static final String RESOURCE_TYPE = "ORG_API_TOKEN";
    public static final String SETTINGS_RESOURCE_TYPE = "ORG_API_TOKEN_SETTINGS";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ApiTokenService.class);
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiTokenStore store;

    public ApiTokenService(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = new ApiTokenStore(session);
    }

    public List<ApiTokenRepresentation> list(Caller caller, String first, String max, String search, String role, String organizationId) {
        int firstResult = integerParam("first", first, 0);
        if (firstResult < 0) throw ApiTokenErrors.badRequest("first must be 0 or more");
        int maxResults = integerParam("max", max, DEFAULT_PAGE);
        if (maxResults < 1) throw ApiTokenErrors.badRequest("max must be 1 or more");
        String roleFilter = blankToNull(role);
        if (roleFilter != null && TokenRole.byName(roleFilter).isEmpty()) {
            throw ApiTokenErrors.badRequest("Unknown role '" + roleFilter + "': use one of " + TokenRole.allNames());
        }
        String organizationFilter = blankToNull(organizationId);
        if (organizationFilter != null && !caller.reaches(organizationFilter)) {
            throw ApiTokenErrors.forbidden("You are not a member of organization '" + organizationFilter + "'");
        }
        ApiTokenStore.Query query = new ApiTokenStore.Query(realm.getId(), organizationFilter, caller.organizations(), roleFilter,
                search == null || search.isEmpty() ? null : search, firstResult, Math.min(maxResults, MAX_PAGE));
        return store.list(query).stream().map(ApiTokenRepresentation::of).toList();
    }

    public ApiTokenRepresentation get(Caller caller, String id) {
        ApiTokenEntity token = store.find(realm.getId(), id);
        if (token == null || !caller.reaches(token.getOrganizationId())) throw ApiTokenErrors.notFound();
        return ApiTokenRepresentation.of(token);
    }

    public ApiTokenRepresentation create(Caller caller, TokenInput input) {
        long now = Time.currentTimeMillis();
        OrganizationModel organization = organizationFor(caller, input.organizationId());
        String organizationId = organization == null ? null : organization.getId();
        caller.organizationWriteCheck().accept(organizationId);
        TokenPolicy policy = TokenPolicy.of(realm);
        policy.checkLifetime(input.expiresAt(), now);
        String nameScope = organizationId != null ? organizationId : realm.getId();
        if (policy.maxTokens() != null) {
            store.lockRealm(realm.getId()); // creates in this realm wait here, so concurrent ones cannot overshoot the limit
            if (store.countInScopeForUpdate(nameScope, policy.maxTokens()) >= policy.maxTokens()) {
                throw ApiTokenErrors.limitReached("This realm allows at most " + policy.maxTokens() + " API tokens "
                        + (organizationId != null ? "per organization" : "outside organizations") + "; delete one first");
            }
        }

        ApiTokenEntity token = new ApiTokenEntity();
        token.setId(KeycloakModelUtils.generateId());
        token.setRealmId(realm.getId());
        token.setOrganizationId(organizationId);
        token.setNameScope(nameScope);
        applyName(token, input.name());
        token.setRole(input.role().roleName());
        token.setSites(StoredLists.write(input.sites()));
        token.setExpiresAt(input.expiresAt());
        token.setAllowedCidrs(StoredLists.write(input.allowedCidrs() == null ? List.of() : input.allowedCidrs()));
        token.setCreatedBy(caller.username());
        token.setCreatedAt(now);
        token.setUpdatedAt(now);
        String key = ApiKeys.generate();
        setKey(token, key);

        UserModel identity = ServiceIdentities.create(session, realm, token.getId(), input.role(), organization);
        token.setServiceUserId(identity.getId());
        insert(token);

        ApiTokenRepresentation created = ApiTokenRepresentation.withKey(token, key);
        recordEvent(caller, OperationType.CREATE, created);
        TokenMetrics.operation("create");
        return created;
    }

    public ApiTokenRepresentation update(Caller caller, String id, TokenInput input) {
        ApiTokenEntity token = require(caller, id);
        if (input.organizationIdSet() && !java.util.Objects.equals(input.organizationId(), token.getOrganizationId())) {
            throw ApiTokenErrors.badRequest("organizationId cannot be changed; create a new token in the other organization");
        }
        TokenPolicy.of(realm).checkLifetime(input.expiresAtSet() ? input.expiresAt() : token.getExpiresAt(), Time.currentTimeMillis());
        if (input.name() != null) applyName(token, input.name());
        if (input.sites() != null) token.setSites(StoredLists.write(input.sites()));
        if (input.expiresAtSet()) token.setExpiresAt(input.expiresAt());
        if (input.allowedCidrsSet()) token.setAllowedCidrs(StoredLists.write(input.allowedCidrs()));
        if (input.role() != null && !input.role().roleName().equals(token.getRole())) {
            UserModel identity = identity(token);
            if (identity == null) {
                // its user was removed behind Keycloak's back (no removal event): give the token a new one
                OrganizationModel organization = token.getOrganizationId() == null ? null : requireOrganization(token.getOrganizationId());
                token.setServiceUserId(ServiceIdentities.create(session, realm, token.getId(), input.role(), organization).getId());
            } else {
                ServiceIdentities.changeRole(session, realm, identity, TokenRole.byName(token.getRole()).orElseThrow(), input.role());
            }
            token.setRole(input.role().roleName());
        }
        token.setUpdatedAt(Time.currentTimeMillis());
        flush(token);

        ApiTokenRepresentation updated = ApiTokenRepresentation.of(token);
        recordEvent(caller, OperationType.UPDATE, updated);
        TokenMetrics.operation("update");
        return updated;
    }

    public ApiTokenRepresentation rotate(Caller caller, String id) {
        ApiTokenEntity token = require(caller, id);
        String key = ApiKeys.generate();
        setKey(token, key);
        token.setExposed(false);
        token.setUpdatedAt(Time.currentTimeMillis());
        flush(token);
        UserModel identity = identity(token);
        if (identity != null) ServiceIdentities.endSessions(session, realm, identity);

        ApiTokenRepresentation rotated = ApiTokenRepresentation.withKey(token, key);
        recordEvent(caller, OperationType.ACTION, rotated);
        TokenMetrics.operation("rotate");
        return rotated;
    }

    public void delete(Caller caller, String id) {
        ApiTokenEntity token = require(caller, id);
        ApiTokenRepresentation deleted = ApiTokenRepresentation.of(token);
        UserModel identity = identity(token);
        store.delete(token);
        if (identity != null) ServiceIdentities.remove(session, realm, identity);
        recordEvent(caller, OperationType.DELETE, deleted);
        TokenMetrics.operation("delete");
    }

    /** The outcome of a gateway check: the token, or why not (a refusal, or the seconds until the rate limit renews). */
    public record KeyCheck(ApiTokenRepresentation token, long retryAfterSeconds) {
    }

    /** The gateway check: the token a key stands for, if the key may be used from this address now. */
    public KeyCheck checkKey(String key, String remoteAddress) {
        KeyVerifier.Admission admission = KeyVerifier.admit(session, realm, key, remoteAddress, TokenMetrics.Path.GATEWAY);
        return new KeyCheck(admission.admitted() ? ApiTokenRepresentation.of(admission.token()) : null, admission.retryAfterSeconds());
    }

    public TokenPolicy settings() {
        return TokenPolicy.of(realm);
    }

    /** Changes the realm policy; takes effect at once for new logins and later token changes. */
    public TokenPolicy updateSettings(Caller caller, byte[] body) {
        TokenPolicy updated = TokenPolicy.of(realm).with(body);
        updated.store(realm);
        caller.events()
                .operation(OperationType.UPDATE)
                .resource(SETTINGS_RESOURCE_TYPE)
                .resourcePath("org-api-tokens", "settings")
                .representation(updated)
                .success();
        TokenMetrics.operation("settings");
        return updated;
    }

    /**
     * A leaked-key report: a valid key of this realm is revoked at once (marked exposed, sessions
     * ended) until an administrator rotates it. Invalid keys are ignored silently.
     */
    public void reportExposed(String key) {
        if (!ApiKeys.isWellFormed(key)) return;
        String digest = ApiKeys.digest(key);
        ApiTokenEntity token = store.findByDigest(digest);
        if (token == null || !token.getRealmId().equals(realm.getId())) return;
        store.lock(token); // a rotation that committed meanwhile has made this key dead already
        if (!token.getKeyDigest().equals(digest) || token.isExposed()) return;
        token.setExposed(true);
        token.setUpdatedAt(Time.currentTimeMillis());
        store.flush();
        UserModel identity = identity(token);
        if (identity != null) ServiceIdentities.endSessions(session, realm, identity);
        LOG.infof("API token %s in realm %s was reported exposed and is revoked until rotated", token.getId(), realm.getName());
        TokenMetrics.operation("report");
    }

    /**
     * The token to change, locked (see {@link ApiTokenStore#findForUpdate}). Tokens of organizations
     * the caller does not belong to are 404, as if they did not exist.
     */
    private ApiTokenEntity require(Caller caller, String id) {
        ApiTokenEntity token = store.findForUpdate(realm.getId(), id);
        if (token == null || !caller.reaches(token.getOrganizationId())) throw ApiTokenErrors.notFound();
        caller.organizationWriteCheck().accept(token.getOrganizationId());
        return token;
    }

    /**
     * The organization a new token belongs to. Administrators name it (or not); a super-user's
     * token goes to their organization, must name one when they belong to several, and cannot
     * name one they do not belong to. An unknown id is a 400 before membership is a 403.
     */
    private OrganizationModel organizationFor(Caller caller, String requested) {
        if (requested != null) {
            OrganizationModel organization = requireOrganization(requested);
            if (!caller.reaches(requested)) {
                throw ApiTokenErrors.forbidden("You are not a member of organization '" + requested + "'");
            }
            return organization;
        }
        if (caller.organizations() == null || caller.organizations().isEmpty()) return null;
        if (caller.organizations().size() > 1) {
            throw ApiTokenErrors.badRequest("You belong to several organizations: set organizationId to one of "
                    + String.join(", ", new java.util.TreeSet<>(caller.organizations())));
        }
        return requireOrganization(caller.organizations().iterator().next());
    }

    private UserModel identity(ApiTokenEntity token) {
        return session.users().getUserById(realm, token.getServiceUserId());
    }

    private void applyName(ApiTokenEntity token, String name) {
        String nameKey = ApiTokenStore.nameKey(name);
        if (store.nameTaken(token.getNameScope(), nameKey, token.getId())) throw ApiTokenErrors.nameTaken(name);
        token.setName(name);
        token.setNameKey(nameKey);
    }

    private static void setKey(ApiTokenEntity token, String key) {
        token.setKeyDigest(ApiKeys.digest(key));
        token.setKeyHint(ApiKeys.hint(key));
    }

    private OrganizationModel requireOrganization(String organizationId) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null || !organizations.isEnabled()) {
            throw ApiTokenErrors.badRequest("Organizations are not enabled in this realm, so organizationId must be null");
        }
        OrganizationModel organization = organizations.getById(organizationId);
        if (organization == null) {
            throw ApiTokenErrors.badRequest("No organization with id '" + organizationId + "' in this realm");
        }
        return organization;
    }

    /** The pre-check in applyName gives the usual 409; the unique index decides races between concurrent requests. */
    private void insert(ApiTokenEntity token) {
        try {
            store.insert(token);
        } catch (PersistenceException e) {
            throw conflictOr(e, token);
        }
    }

    private void flush(ApiTokenEntity token) {
        try {
            store.flush();
        } catch (PersistenceException e) {
            throw conflictOr(e, token);
        }
    }

    private static RuntimeException conflictOr(PersistenceException e, ApiTokenEntity token) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return ApiTokenErrors.nameTaken(token.getName());
            }
        }
        return e;
    }

    private void recordEvent(Caller caller, OperationType operation, ApiTokenRepresentation token) {
        caller.events()
                .operation(operation)
                .resource(RESOURCE_TYPE)
                .resourcePath("org-api-tokens", token.id())
                .representation(token.withoutKey())
                .success();
    }

    private static int integerParam(String name, String value, int defaultValue) {
        if (value == null || value.isEmpty()) return defaultValue;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiTokenErrors.badRequest(name + " must be an integer");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
