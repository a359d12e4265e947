package dev.orgapitokens.model;

import jakarta.persistence.EntityManager;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The usage tables of changeset {@code org-api-tokens-1.5-usage} (SPEC §10): a token's counts per
 * UTC day, and its last client addresses. Writes add to what is there ({@code count = count + ?},
 * one statement per row), so the batches of several nodes add up whatever their order; a row
 * that is not there yet is inserted, and an insert that loses the race to another node fails the
 * batch, which its caller then repeats in a new transaction (the row is there by then).
 */
public class UsageStore {

    /** The counted kinds of key use, in the order of {@link DayCounts#counts()}: each a column of the day row. */
    public enum Count {
        ADMITTED_TOKEN, ADMITTED_GATEWAY, RATE_LIMITED, ADDRESS_NOT_ALLOWED, EXPIRED, PREVIOUS_KEY_EXPIRED, EXPOSED;

        private static final String COLUMNS = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** A token's counts of one UTC day ({@code epochDay}: days since 1970-01-01), indexed by {@link Count#ordinal()}. */
    public record DayCounts(String realmId, String tokenId, int epochDay, long[] counts) {

        public long get(Count count) {
            return counts[count.ordinal()];
        }
    }

    /** Uses of a token's keys from one client address, and the last of them. */
    public record AddressUse(String realmId, String tokenId, String ip, long lastSeenAt, long uses) {
    }

    private final KeycloakSession session;

    public UsageStore(KeycloakSession session) {
        this.session = session;
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Adds a node's counts of one token and day to the row, creating it when it is not there. */
    public void add(DayCounts day) {
        StringBuilder update = new StringBuilder("update ORG_API_TOKEN_USAGE set ");
        for (Count c : Count.values()) {
            update.append(c.ordinal() == 0 ? "" : ", ").append(c.name()).append(" = ").append(c.name()).append(" + ?").append(c.ordinal() + 1);
        }
        int token = Count.values().length + 1;
        update.append(" where TOKEN_ID = ?").append(token).append(" and EPOCH_DAY = ?").append(token + 1);
        var query = em().createNativeQuery(update.toString());
        for (Count c : Count.values()) query.setParameter(c.ordinal() + 1, day.get(c));
        query.setParameter(token, day.tokenId()).setParameter(token + 1, day.epochDay());
        if (query.executeUpdate() > 0) return;
        var insert = em().createNativeQuery("insert into ORG_API_TOKEN_USAGE (TOKEN_ID, EPOCH_DAY, REALM_ID, " + Count.COLUMNS
                + ") values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        insert.setParameter(1, day.tokenId()).setParameter(2, day.epochDay()).setParameter(3, day.realmId());
        for (Count c : Count.values()) insert.setParameter(c.ordinal() + 4, day.get(c));
        insert.executeUpdate();
    }

    /** Adds a node's uses from one address; the row keeps the later of the two last-seen times. */
    public void add(AddressUse use) {
        int updated = em().createNativeQuery("update ORG_API_TOKEN_ADDRESS set USES = USES + ?1,"
                        + " LAST_SEEN_AT = case when LAST_SEEN_AT < ?2 then ?2 else LAST_SEEN_AT end where TOKEN_ID = ?3 and IP = ?4")
                .setParameter(1, use.uses()).setParameter(2, use.lastSeenAt()).setParameter(3, use.tokenId()).setParameter(4, use.ip())
                .executeUpdate();
        if (updated > 0) return;
        em().createNativeQuery("insert into ORG_API_TOKEN_ADDRESS (TOKEN_ID, IP, REALM_ID, LAST_SEEN_AT, USES) values (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, use.tokenId()).setParameter(2, use.ip()).setParameter(3, use.realmId())
                .setParameter(4, use.lastSeenAt()).setParameter(5, use.uses())
                .executeUpdate();
    }

    /** Keeps the token's {@code keep} most recently seen addresses and deletes the others. */
    @SuppressWarnings("unchecked")
    public void keepNewestAddresses(String tokenId, int keep) {
        List<String> older = em().createNativeQuery("select IP from ORG_API_TOKEN_ADDRESS where TOKEN_ID = ?1 order by LAST_SEEN_AT desc, IP")
                .setParameter(1, tokenId).setFirstResult(keep).getResultList();
        for (String ip : older) {
            em().createNativeQuery("delete from ORG_API_TOKEN_ADDRESS where TOKEN_ID = ?1 and IP = ?2")
                    .setParameter(1, tokenId).setParameter(2, ip).executeUpdate();
        }
    }

    /** The token's day rows from {@code fromDay} to {@code toDay} (both included), oldest first. */
    @SuppressWarnings("unchecked")
    public List<DayCounts> days(String tokenId, int fromDay, int toDay) {
        List<Object[]> rows = em().createNativeQuery("select REALM_ID, EPOCH_DAY, " + Count.COLUMNS
                        + " from ORG_API_TOKEN_USAGE where TOKEN_ID = ?1 and EPOCH_DAY >= ?2 and EPOCH_DAY <= ?3 order by EPOCH_DAY")
                .setParameter(1, tokenId).setParameter(2, fromDay).setParameter(3, toDay).getResultList();
        return rows.stream().map(r -> {
            long[] counts = new long[Count.values().length];
            for (int i = 0; i < counts.length; i++) counts[i] = ((Number) r[i + 2]).longValue();
            return new DayCounts((String) r[0], tokenId, ((Number) r[1]).intValue(), counts);
        }).toList();
    }

    /** The token's addresses, most recently seen first. */
    @SuppressWarnings("unchecked")
    public List<AddressUse> addresses(String tokenId, int max) {
        List<Object[]> rows = em().createNativeQuery("select REALM_ID, IP, LAST_SEEN_AT, USES from ORG_API_TOKEN_ADDRESS"
                        + " where TOKEN_ID = ?1 order by LAST_SEEN_AT desc, IP")
                .setParameter(1, tokenId).setMaxResults(max).getResultList();
        return rows.stream().map(r -> new AddressUse((String) r[0], tokenId, (String) r[1], ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue())).toList();
    }

    /** The realms that have usage rows (the purge goes realm by realm). */
    @SuppressWarnings("unchecked")
    public List<String> realmsWithUsage() {
        return em().createNativeQuery("select distinct REALM_ID from ORG_API_TOKEN_USAGE union select distinct REALM_ID from ORG_API_TOKEN_ADDRESS")
                .getResultList();
    }

    /** Deletes the realm's days before {@code firstKeptDay} and addresses last seen before {@code seenBefore}. */
    public int purge(String realmId, int firstKeptDay, long seenBefore) {
        return em().createNativeQuery("delete from ORG_API_TOKEN_USAGE where REALM_ID = ?1 and EPOCH_DAY < ?2")
                .setParameter(1, realmId).setParameter(2, firstKeptDay).executeUpdate()
                + em().createNativeQuery("delete from ORG_API_TOKEN_ADDRESS where REALM_ID = ?1 and LAST_SEEN_AT < ?2")
                .setParameter(1, realmId).setParameter(2, seenBefore).executeUpdate();
    }

    /** Deletes the usage of a realm that is gone. */
    public int purgeRealm(String realmId) {
        return purge(realmId, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Deletes the usage of tokens that are gone (deleted tokens, or counts flushed just after a delete). */
    public int purgeDeletedTokens() {
        String gone = " where not exists (select 1 from ORG_API_TOKEN t where t.ID = TOKEN_ID)";
        return em().createNativeQuery("delete from ORG_API_TOKEN_USAGE" + gone).executeUpdate()
                + em().createNativeQuery("delete from ORG_API_TOKEN_ADDRESS" + gone).executeUpdate();
    }
}
