package dev.orgapitokens.service;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.model.StoredLists;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * The token rules both REST front doors and the lifecycle listeners share: storage, service
 * identities, realm policy, admin events. Refusals are {@link TokenRefusal}s.
 */
public class ApiTokenService {

    public static final String RESOURCE_TYPE = "ORG_API_TOKEN";
    public static final String SETTINGS_RESOURCE_TYPE = "ORG_API_TOKEN_SETTINGS";
    /** The first segment of every admin event's resource path. */
    public static final String RESOURCE_PATH = "org-api-tokens";
    public static final int DEFAULT_PAGE = 100;
    public static final int MAX_PAGE = 1000;
    private static final Logger LOG = Logger.getLogger(ApiTokenService.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiTokenStore store;

    public ApiTokenService(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = new ApiTokenStore(session);
    }

    /** What a list call asks for; null filters do not filter. {@code first} ≥ 0 and {@code max} ≥ 1 are checked by the parser. */
    public record ListQuery(int first, int max, String search, TokenRole role, String organizationId) {
    }

    public List<ApiTokenRepresentation> list(Caller caller, ListQuery q) {
        if (q.organizationId() != null && !caller.reaches(q.organizationId())) {
            throw TokenRefusal.forbidden("You are not a member of organization '" + q.organizationId() + "'");
        }
        ApiTokenStore.Query query = new ApiTokenStore.Query(realm.getId(), q.organizationId(), caller.organizations(),
                q.role() == null ? null : q.role().roleName(), q.search(), q.first(), Math.min(q.max(), MAX_PAGE));
        return store.list(query).stream().map(ApiTokenRepresentation::of).toList();
    }

    public ApiTokenRepresentation get(Caller caller, String id) {
        ApiTokenEntity token = store.find(realm.getId(), id);
        if (token == null || !caller.reaches(token.getOrganizationId())) throw TokenRefusal.notFound();
        return ApiTokenRepresentation.of(token);
    }

    /**
     * The token a key just proved (the gateway's {@code /self}), in the key holder's reduced view; no
     * caller check: the key was the credential.
     */
    public KeyHolderView getForKeyHolder(String id) {
        ApiTokenEntity token = store.find(realm.getId(), id);
        if (token == null) throw TokenRefusal.notFound();
        return KeyHolderView.of(token);
    }

    public ApiTokenRepresentation create(Caller caller, TokenChanges input) {
        long now = Time.currentTimeMillis();
        OrganizationModel organization = organizationFor(caller, input.organizationId());
        String organizationId = organization == null ? null : organization.getId();
        caller.organizationWriteCheck().accept(organizationId);
        input.role().requireAssignableIn(realm);
        caller.roleGrantCheck().accept(input.role());
        TokenPolicy policy = TokenPolicy.of(realm);
        policy.checkLifetime(input.expiresAt(), now);
        String nameScope = organizationId != null ? organizationId : realm.getId();
        if (policy.maxTokens() != null) {
            store.lockRealm(realm.getId()); // creates in this realm wait here, so concurrent ones cannot overshoot the limit
            if (store.countInScope(nameScope) >= policy.maxTokens()) {
                throw TokenRefusal.limitReached("This realm allows at most " + policy.maxTokens() + " API tokens "
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
        token.setCreatedById(creatorIdInRealm(caller));
        token.setCreatedAt(now);
        token.setUpdatedAt(now);
        String key = ApiKeys.generate();
        setKey(token, key);

        UserModel identity = ServiceIdentities.create(session, realm, token.getId(), input.role(), organization);
        token.setServiceUserId(identity.getId());
        ServiceIdentities.stamp(identity, now);
        writeChecked(token, () -> store.insert(token));

        ApiTokenRepresentation created = ApiTokenRepresentation.withKey(token, key);
        recordEvent(caller, OperationType.CREATE, created);
        TokenMetrics.operation("create");
        return created;
    }

    public ApiTokenRepresentation update(Caller caller, String id, TokenChanges input) {
        ApiTokenEntity token = require(caller, id);
        if (input.organizationIdSet() && !Objects.equals(input.organizationId(), token.getOrganizationId())) {
            throw TokenRefusal.invalid("organizationId", "organizationId cannot be changed; create a new token in the other organization");
        }
        TokenPolicy.of(realm).checkLifetime(input.expiresAtSet() ? input.expiresAt() : token.getExpiresAt(), Time.currentTimeMillis());
        boolean roleChanged = input.role() != null && !input.role().roleName().equals(token.getRole());
        if (roleChanged) input.role().requireAssignableIn(realm);
        TokenReach reach = TokenReach.of(token, input);
        // Giving a token a role, or more reach with its role, needs the permission to map that role (SPEC §4).
        if (roleChanged) caller.roleGrantCheck().accept(input.role());
        else if (reach.widened()) caller.roleGrantCheck().accept(TokenRole.byName(token.getRole()).orElseThrow());
        if (input.name() != null) applyName(token, input.name());
        boolean sitesChanged = input.sites() != null && !StoredLists.write(input.sites()).equals(token.getSites());
        if (input.sites() != null) token.setSites(StoredLists.write(input.sites()));
        if (input.expiresAtSet()) token.setExpiresAt(input.expiresAt());
        if (input.allowedCidrsSet()) token.setAllowedCidrs(StoredLists.write(input.allowedCidrs()));
        if (roleChanged) {
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
        // Issued access tokens follow the token (SPEC §5, §7): their sites claim is out of date, or they may
        // now be used past the token's new expiry or from an address it no longer allows.
        if ((sitesChanged || reach.narrowed()) && !roleChanged) {
            UserModel identity = identity(token);
            if (identity != null) ServiceIdentities.revokeIssuedTokens(session, realm, identity);
        }
        touchUpdated(token);
        writeChecked(token, store::flush);

        ApiTokenRepresentation updated = ApiTokenRepresentation.of(token);
        recordEvent(caller, OperationType.UPDATE, updated);
        TokenMetrics.operation("update");
        return updated;
    }

    public ApiTokenRepresentation rotate(Caller caller, String id, Rotation rotation) {
        ApiTokenEntity token = require(caller, id);
        // a new key for the token's role: the same permission as giving a token that role (SPEC §4)
        caller.roleGrantCheck().accept(TokenRole.byName(token.getRole()).orElseThrow());
        // a new key is a new lease: it must meet today's policy, also for a token made before the policy
        TokenPolicy.of(realm).checkLifetime(rotation.expiresAtSet() ? rotation.expiresAt() : token.getExpiresAt(), Time.currentTimeMillis());
        if (rotation.expiresAtSet()) token.setExpiresAt(rotation.expiresAt());
        long now = Time.currentTimeMillis();
        // The old key works on only if asked for, and never when it was reported leaked. Whatever
        // previous key there was ends here: at most two keys work at any time.
        if (rotation.previousKeyExpiresIn() != null && !token.isExposed()) {
            token.setPreviousKeyDigest(token.getKeyDigest());
            token.setPreviousKeyHint(token.getKeyHint());
            token.setPreviousKeyExpiresAt(now + rotation.previousKeyExpiresIn() * 1000L);
        } else {
            token.setPreviousKeyDigest(null);
            token.setPreviousKeyHint(null);
            token.setPreviousKeyExpiresAt(null);
        }
        token.setPreviousKeyLastUsedAt(null);
        String key = ApiKeys.generate();
        setKey(token, key);
        token.setExposed(false);
        touchUpdated(token);
        store.flush();
        UserModel identity = identity(token);
        if (identity != null) ServiceIdentities.revokeIssuedTokens(session, realm, identity);

        ApiTokenRepresentation rotated = ApiTokenRepresentation.withKey(token, key);
        recordEvent(caller, OperationType.ACTION, rotated);
        TokenMetrics.operation("rotate");
        return rotated;
    }

    public void delete(Caller caller, String id) {
        ApiTokenEntity token = require(caller, id);
        ApiTokenRepresentation deleted = ApiTokenRepresentation.of(token);
        deleteWithIdentity(token);
        recordEvent(caller, OperationType.DELETE, deleted);
        TokenMetrics.operation("delete");
    }

    /** Keycloak deletes an organization's managed members first (each removal deletes its token); this catches whatever is left. */
    public void deleteTokensOf(OrganizationModel organization) {
        for (ApiTokenEntity token : store.findByOrganization(organization.getId())) {
            deleteWithIdentity(token);
        }
    }

    public TokenPolicy settings() {
        return TokenPolicy.of(realm);
    }

    /** Stores a changed realm policy; takes effect at once for new logins and later token changes. */
    public TokenPolicy updateSettings(Caller caller, TokenPolicy updated) {
        updated.checkManagementClients(realm);
        updated.store(realm);
        caller.events()
                .operation(OperationType.UPDATE)
                .resource(SETTINGS_RESOURCE_TYPE)
                .resourcePath(RESOURCE_PATH, "settings")
                .representation(updated)
                .success();
        TokenMetrics.operation("settings");
        return updated;
    }

    /**
     * A leaked-key report: a valid key of this realm is revoked at once (marked exposed, issued
     * access tokens inactive) until an administrator rotates it, and the report is an admin event of
     * the token ({@code reporter} carries the reporter's address). Invalid keys are ignored silently.
     */
    public void reportExposed(Caller reporter, String key) {
        if (!ApiKeys.isWellFormed(key)) return;
        String digest = ApiKeys.digest(key);
        TokenMetrics.keyLookup();
        ApiTokenEntity token = store.findByDigest(digest);
        if (token == null || !token.getRealmId().equals(realm.getId())) return;
        store.lock(token); // a rotation that committed meanwhile may have made this key dead already
        boolean current = token.getKeyDigest().equals(digest);
        boolean previous = digest.equals(token.getPreviousKeyDigest()) && token.previousKeyWorksAt(Time.currentTimeMillis());
        if (!(current || previous) || token.isExposed()) return;
        // a report of either key ends both (SPEC §4): the token is exposed until an administrator rotates it
        token.setExposed(true);
        touchUpdated(token);
        store.flush();
        UserModel identity = identity(token);
        if (identity != null) ServiceIdentities.revokeIssuedTokens(session, realm, identity);
        LOG.infof("API token %s in realm %s was reported exposed and is revoked until rotated", token.getId(), realm.getName());
        reporter.events()
                .operation(OperationType.ACTION)
                .resource(RESOURCE_TYPE)
                .resourcePath(RESOURCE_PATH, token.getId(), "revoke")
                .representation(ApiTokenRepresentation.of(token))
                .success();
        TokenMetrics.operation("report");
    }

    /**
     * The token to change, locked (see {@link ApiTokenStore#findForUpdate}). Tokens of organizations
     * the caller does not belong to are 404, as if they did not exist.
     */
    private ApiTokenEntity require(Caller caller, String id) {
        ApiTokenEntity token = store.findForUpdate(realm.getId(), id);
        if (token == null || !caller.reaches(token.getOrganizationId())) throw TokenRefusal.notFound();
        caller.organizationWriteCheck().accept(token.getOrganizationId());
        return token;
    }

    /**
     * Sets {@code updatedAt} (strictly later than before, so each change has a stamp of its own) and
     * stamps the identity with it: the per-node key snapshots of every node drop the token's old state.
     */
    private void touchUpdated(ApiTokenEntity token) {
        token.setUpdatedAt(Math.max(Time.currentTimeMillis(), token.getUpdatedAt() + 1));
        UserModel identity = identity(token);
        if (identity != null) ServiceIdentities.stamp(identity, token.getUpdatedAt());
    }

    private void deleteWithIdentity(ApiTokenEntity token) {
        UserModel identity = identity(token);
        store.delete(token);
        if (identity != null) session.users().removeUser(realm, identity);
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
                throw TokenRefusal.forbidden("You are not a member of organization '" + requested + "'");
            }
            return organization;
        }
        if (caller.organizations() == null || caller.organizations().isEmpty()) return null;
        if (caller.organizations().size() > 1) {
            throw TokenRefusal.invalid("organizationId", "You belong to several organizations: set organizationId to one of "
                    + String.join(", ", new TreeSet<>(caller.organizations())));
        }
        return requireOrganization(caller.organizations().iterator().next());
    }

    /**
     * The caller's user id when they are a user of this realm (a realm admin, a super-user on the
     * realm path): the creator that lifecycle notices tell (SPEC §9). A master admin is not.
     */
    private String creatorIdInRealm(Caller caller) {
        if (caller.events() == null) return null;
        AuthDetails author = caller.events().getEvent().getAuthDetails();
        return author != null && realm.getId().equals(author.getRealmId()) ? author.getUserId() : null;
    }

    /**
     * Deletes a token that lifecycle notices found unused (SPEC §9), if it still is after its row is
     * locked: {@code stillUnused} sees the latest committed state (a use since cancels the deletion).
     * The admin event carries detail {@code reason: unused}. Returns whether it was deleted.
     */
    public boolean deleteUnused(String id, java.util.function.Predicate<ApiTokenEntity> stillUnused, AdminEventBuilder events) {
        ApiTokenEntity token = store.findForUpdate(realm.getId(), id);
        if (token == null || !stillUnused.test(token)) return false;
        ApiTokenRepresentation deleted = ApiTokenRepresentation.of(token);
        deleteWithIdentity(token);
        LOG.infof("API token %s in realm %s was deleted: unused since %s", token.getId(), realm.getName(),
                java.time.Instant.ofEpochMilli(token.lastActivity()));
        events.operation(OperationType.DELETE)
                .resource(RESOURCE_TYPE)
                .resourcePath(RESOURCE_PATH, deleted.id())
                .representation(deleted)
                .detail("reason", "unused")
                .success();
        TokenMetrics.operation("delete");
        return true;
    }

    private UserModel identity(ApiTokenEntity token) {
        return session.users().getUserById(realm, token.getServiceUserId());
    }

    private void applyName(ApiTokenEntity token, String name) {
        String nameKey = ApiTokenStore.nameKey(name);
        if (store.nameTaken(token.getNameScope(), nameKey, token.getId())) throw TokenRefusal.nameTaken(name);
        token.setName(name);
        token.setNameKey(nameKey);
    }

    /**
     * Sets a new key's digest and hint, after every node has been told the digest: a node refuses
     * from memory a key whose digest it was never told ({@link KeyIssuedEvent}). A failure to tell
     * them fails the request, and nothing is written.
     */
    private void setKey(ApiTokenEntity token, String key) {
        String digest = ApiKeys.digest(key);
        session.getKeycloakSessionFactory().publish(new KeyIssuedEvent(session, digest));
        token.setKeyDigest(digest);
        token.setKeyHint(ApiKeys.hint(key));
    }

    private OrganizationModel requireOrganization(String organizationId) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null || !organizations.isEnabled()) {
            throw TokenRefusal.invalid("organizationId", "Organizations are not enabled in this realm, so organizationId must be null");
        }
        OrganizationModel organization = organizations.getById(organizationId);
        if (organization == null) {
            throw TokenRefusal.invalid("organizationId", "No organization with id '" + organizationId + "' in this realm");
        }
        return organization;
    }

    /**
     * Runs a write whose flush may hit the unique name index. The pre-check in applyName gives the
     * usual 409; the index decides races between concurrent requests. Keycloak's entity manager
     * reports such a violation as a ModelDuplicateException (a driver may also surface it as a
     * PersistenceException with SQLState class 23): either way the caller gets our conflict answer.
     */
    private static void writeChecked(ApiTokenEntity token, Runnable write) {
        try {
            write.run();
        } catch (ModelDuplicateException e) {
            throw TokenRefusal.nameTaken(token.getName());
        } catch (PersistenceException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                    throw TokenRefusal.nameTaken(token.getName());
                }
            }
            throw e;
        }
    }

    private void recordEvent(Caller caller, OperationType operation, ApiTokenRepresentation token) {
        caller.events()
                .operation(operation)
                .resource(RESOURCE_TYPE)
                .resourcePath(RESOURCE_PATH, token.id())
                .representation(token.withoutKey())
                .success();
    }
}
