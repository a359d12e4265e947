package dev.orgapitokens.model;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Locale;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** All database access for tokens; one instance per Keycloak session. */
public class ApiTokenStore {

    private final KeycloakSession session;
    private EntityManager em;

    public ApiTokenStore(KeycloakSession session) {
        this.session = session;
    }

    /**
     * The session's entity manager, taken at the first database access: a request that never
     * reaches the database (a malformed key at the gateway check) opens none, and commits none.
     */
    private EntityManager em() {
        if (em == null) em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        return em;
    }

    /**
     * What a list call may filter on; null fields do not filter. {@code organizationIn}: only tokens
     * of these organizations (an empty set: only realm-wide tokens).
     */
    public record Query(String realmId, String organizationId, java.util.Set<String> organizationIn, String role, String search,
            int first, int max) {
    }

    public ApiTokenEntity find(String realmId, String id) {
        ApiTokenEntity token = id == null ? null : em().find(ApiTokenEntity.class, id);
        return token != null && token.getRealmId().equals(realmId) ? token : null;
    }

    /**
     * The token, with its row locked until the transaction ends: concurrent writes to one token
     * (an edit during a rotation or a leak report) run one after the other, so none undoes another.
     */
    public ApiTokenEntity findForUpdate(String realmId, String id) {
        ApiTokenEntity token = id == null ? null : em().find(ApiTokenEntity.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        return token != null && token.getRealmId().equals(realmId) ? token : null;
    }

    /** Locks a loaded token's row and re-reads it, so what follows sees the latest committed state. */
    public void lock(ApiTokenEntity token) {
        em().refresh(token, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * The token whose current or previous key has this digest: one query, one unique-index lookup per
     * column. A UNION ALL and not an OR: H2 answers "a = ? or b = ?" with a scan of the whole table.
     */
    @SuppressWarnings("unchecked")
    public ApiTokenEntity findByDigest(String keyDigest) {
        List<ApiTokenEntity> found = em().createNativeQuery(
                        "select * from ORG_API_TOKEN where KEY_DIGEST = ?1 union all select * from ORG_API_TOKEN where PREVIOUS_KEY_DIGEST = ?1",
                        ApiTokenEntity.class)
                .setParameter(1, keyDigest)
                .getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Every current and previous key digest of every realm, to {@code digests}: the node's filter of
     * known keys is loaded from it. Pages of 10,000 rows along the primary key, so that 100,000 tokens
     * never sit in memory at once. Each page is a statement of its own; every row committed before the
     * first page began is seen (read committed, and MariaDB's snapshot taken at the first page alike).
     */
    public void forEachKeyDigest(java.util.function.Consumer<String> digests) {
        String after = "";
        while (true) {
            List<Object[]> page = em().createQuery("select t.id, t.keyDigest, t.previousKeyDigest from ApiTokenEntity t"
                            + " where t.id > :after order by t.id", Object[].class)
                    .setParameter("after", after)
                    .setMaxResults(10_000)
                    .getResultList();
            for (Object[] row : page) {
                digests.accept((String) row[1]);
                if (row[2] != null) digests.accept((String) row[2]);
            }
            if (page.size() < 10_000) return;
            after = (String) page.get(page.size() - 1)[0];
        }
    }

    public boolean nameTaken(String nameScope, String nameKey, String exceptId) {
        return !em().createQuery("select t.id from ApiTokenEntity t where t.nameScope = :scope and t.nameKey = :nameKey"
                        + " and t.id <> :exceptId", String.class)
                .setParameter("scope", nameScope)
                .setParameter("nameKey", nameKey)
                .setParameter("exceptId", exceptId == null ? "" : exceptId)
                .setMaxResults(1)
                .getResultList().isEmpty();
    }

    /**
     * How many tokens one organization (or, for realm-wide tokens, the realm) holds: one count(*).
     * Call it after {@link #lockRealm}, so that it sees every create that held the lock before. On
     * PostgreSQL and H2 (read committed) a plain count does; on MariaDB and MySQL the transaction's
     * repeatable-read snapshot, taken earlier, would miss a token committed since, so there the count
     * is a locking read, which reads the latest committed rows (PostgreSQL refuses FOR UPDATE with
     * an aggregate, hence the two forms).
     */
    public long countInScope(String nameScope) {
        if (snapshotReads()) {
            return ((Number) em().createNativeQuery("select count(*) from ORG_API_TOKEN where NAME_SCOPE = ?1 for update")
                    .setParameter(1, nameScope).getSingleResult()).longValue();
        }
        return em().createQuery("select count(t) from ApiTokenEntity t where t.nameScope = :scope", Long.class)
                .setParameter("scope", nameScope).getSingleResult();
    }

    /** Whether the database reads from a transaction-long snapshot (MySQL, MariaDB); asked once per JVM. */
    private boolean snapshotReads() {
        Boolean known = snapshotReads;
        if (known == null) {
            var factory = (org.keycloak.connections.jpa.JpaConnectionProviderFactory)
                    session.getKeycloakSessionFactory().getProviderFactory(JpaConnectionProvider.class);
            try (java.sql.Connection connection = factory.getConnection()) {
                String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
                known = product.contains("mariadb") || product.contains("mysql");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("could not tell which database this is", e);
            }
            snapshotReads = known;
        }
        return known;
    }

    private static volatile Boolean snapshotReads;

    /**
     * Locks the realm's row until the transaction ends. Used only to serialize creates while a
     * token limit applies: a count cannot see rows that concurrent transactions have not committed.
     */
    public void lockRealm(String realmId) {
        em().find(org.keycloak.models.jpa.entities.RealmEntity.class, realmId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** Ordered by name (case-insensitively), then id so pages are stable. */
    public List<ApiTokenEntity> list(Query q) {
        StringBuilder jpql = new StringBuilder("select t from ApiTokenEntity t where t.realmId = :realmId");
        if (q.organizationId() != null) jpql.append(" and t.organizationId = :orgId");
        if (q.organizationIn() != null) {
            jpql.append(q.organizationIn().isEmpty() ? " and t.organizationId is null" : " and t.organizationId in :orgIds");
        }
        if (q.role() != null) jpql.append(" and t.role = :role");
        if (q.search() != null) jpql.append(" and t.nameKey like :pattern escape '!'");
        // realmId is fixed by the where clause; naming it lets H2 walk the (realm, name, id) index in
        // order and stop after one page, instead of sorting every token of the realm.
        jpql.append(" order by t.realmId, t.nameKey, t.id");

        TypedQuery<ApiTokenEntity> query = em().createQuery(jpql.toString(), ApiTokenEntity.class)
                .setParameter("realmId", q.realmId());
        if (q.organizationId() != null) query.setParameter("orgId", q.organizationId());
        if (q.organizationIn() != null && !q.organizationIn().isEmpty()) query.setParameter("orgIds", q.organizationIn());
        if (q.role() != null) query.setParameter("role", q.role());
        if (q.search() != null) query.setParameter("pattern", "%" + likeLiteral(nameKey(q.search())) + "%");
        return query.setFirstResult(q.first()).setMaxResults(q.max()).getResultList();
    }

    /** Inserts and flushes, so a name or digest clash surfaces here and not at commit. */
    public void insert(ApiTokenEntity token) {
        em().persist(token);
        em().flush();
    }

    /** Flushes pending changes of a managed token, for the same reason as {@link #insert}. */
    public void flush() {
        em().flush();
    }

    public void delete(ApiTokenEntity token) {
        em().remove(token);
        em().flush();
    }

    /**
     * Records a key use with a bulk update: no entity version, so concurrent logins of one key never
     * hit an optimistic-lock error, and an older timestamp never overwrites a newer one.
     */
    public int touch(String id, long usedAt, String ip) {
        return em().createQuery("update ApiTokenEntity t set t.lastUsedAt = :usedAt, t.lastUsedIp = :ip"
                        + " where t.id = :id and (t.lastUsedAt is null or t.lastUsedAt < :usedAt)")
                .setParameter("usedAt", usedAt).setParameter("ip", ip).setParameter("id", id).executeUpdate();
    }

    /** The same for a use of the previous key, which only dates it (who has not switched yet). */
    public int touchPreviousKey(String id, long usedAt) {
        return em().createQuery("update ApiTokenEntity t set t.previousKeyLastUsedAt = :usedAt"
                        + " where t.id = :id and (t.previousKeyLastUsedAt is null or t.previousKeyLastUsedAt < :usedAt)")
                .setParameter("usedAt", usedAt).setParameter("id", id).executeUpdate();
    }

    /* Lifecycle notices (SPEC §9). Candidates are read in pages by id (keyset paging: each page starts
       after the last id of the one before), so a run reads a bounded batch per transaction and never
       reads a token twice. The notice columns are written only by the conditional updates below: a
       claim succeeds on one node only, and once per token and threshold. */

    /** The realms that hold any token: the lifecycle task visits only these. */
    public List<String> realmsWithTokens() {
        return em().createQuery("select distinct t.realmId from ApiTokenEntity t", String.class).getResultList();
    }

    /**
     * Tokens of the realm that expire after {@code now} and by {@code horizon} and have not yet been
     * told {@code nearestDays} (the smallest threshold) for their present expiry.
     */
    public List<ApiTokenEntity> expiryCandidates(String realmId, long now, long horizon, int nearestDays, String afterId, int max) {
        return em().createQuery("select t from ApiTokenEntity t where t.realmId = :realmId and t.expiresAt > :now"
                        + " and t.expiresAt <= :horizon and t.id > :afterId and (t.expiryNoticeFor is null"
                        + " or t.expiryNoticeFor <> t.expiresAt or t.expiryNoticeDays > :nearest) order by t.id", ApiTokenEntity.class)
                .setParameter("realmId", realmId).setParameter("now", now).setParameter("horizon", horizon)
                .setParameter("afterId", afterId).setParameter("nearest", nearestDays)
                .setMaxResults(max).getResultList();
    }

    /** Tokens of the realm neither used nor created since {@code cutoff} (the current key's use; the caller checks the previous key's). */
    public List<ApiTokenEntity> unusedCandidates(String realmId, long cutoff, String afterId, int max) {
        return em().createQuery("select t from ApiTokenEntity t where t.realmId = :realmId"
                        + " and coalesce(t.lastUsedAt, t.createdAt) <= :cutoff and t.id > :afterId order by t.id", ApiTokenEntity.class)
                .setParameter("realmId", realmId).setParameter("cutoff", cutoff).setParameter("afterId", afterId)
                .setMaxResults(max).getResultList();
    }

    /**
     * Records that the token was told {@code days} before its expiry {@code expiresAt}, unless its
     * expiry changed meanwhile or a node already told it that or a nearer threshold: 1 when this
     * call claimed the notice, 0 otherwise.
     */
    public int claimExpiryNotice(String id, long expiresAt, int days) {
        return em().createQuery("update ApiTokenEntity t set t.expiryNoticeFor = :expiresAt, t.expiryNoticeDays = :days"
                        + " where t.id = :id and t.expiresAt = :expiresAt and (t.expiryNoticeFor is null"
                        + " or t.expiryNoticeFor <> :expiresAt or t.expiryNoticeDays > :days)")
                .setParameter("expiresAt", expiresAt).setParameter("days", days).setParameter("id", id).executeUpdate();
    }

    /** Gives a claimed expiry notice back (its mail could not be sent), so that the next run tries again. */
    public int releaseExpiryNotice(String id, long expiresAt, int days, Long previousFor, Integer previousDays) {
        return em().createQuery("update ApiTokenEntity t set t.expiryNoticeFor = :previousFor, t.expiryNoticeDays = :previousDays"
                        + " where t.id = :id and t.expiryNoticeFor = :expiresAt and t.expiryNoticeDays = :days")
                .setParameter("previousFor", previousFor).setParameter("previousDays", previousDays)
                .setParameter("id", id).setParameter("expiresAt", expiresAt).setParameter("days", days).executeUpdate();
    }

    /**
     * Records the unused-token notice about the last activity {@code lastActivity}, announcing the
     * deletion at {@code deleteAt}, unless a node already told it about that same activity.
     */
    public int claimUnusedNotice(String id, long lastActivity, long deleteAt) {
        return em().createQuery("update ApiTokenEntity t set t.unusedNoticeFor = :lastActivity, t.unusedDeleteAt = :deleteAt"
                        + " where t.id = :id and (t.unusedNoticeFor is null or t.unusedNoticeFor <> :lastActivity)")
                .setParameter("lastActivity", lastActivity).setParameter("deleteAt", deleteAt).setParameter("id", id).executeUpdate();
    }

    /** Gives a claimed unused-token notice back (its mail could not be sent): no deletion before a notice went out. */
    public int releaseUnusedNotice(String id, long lastActivity, Long previousFor, Long previousDeleteAt) {
        return em().createQuery("update ApiTokenEntity t set t.unusedNoticeFor = :previousFor, t.unusedDeleteAt = :previousDeleteAt"
                        + " where t.id = :id and t.unusedNoticeFor = :lastActivity")
                .setParameter("previousFor", previousFor).setParameter("previousDeleteAt", previousDeleteAt)
                .setParameter("id", id).setParameter("lastActivity", lastActivity).executeUpdate();
    }

    public int deleteByRealm(String realmId) {
        return em().createQuery("delete from ApiTokenEntity t where t.realmId = :realmId")
                .setParameter("realmId", realmId).executeUpdate();
    }

    public List<ApiTokenEntity> findByOrganization(String organizationId) {
        return em().createQuery("select t from ApiTokenEntity t where t.organizationId = :orgId", ApiTokenEntity.class)
                .setParameter("orgId", organizationId).getResultList();
    }

    public int deleteByServiceUser(String userId) {
        return em().createQuery("delete from ApiTokenEntity t where t.serviceUserId = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Makes % and _ match themselves in a LIKE pattern with escape character '!'. */
    static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
