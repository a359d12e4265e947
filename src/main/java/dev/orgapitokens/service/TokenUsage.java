package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.orgapitokens.model.UsageStore;
import dev.orgapitokens.model.UsageStore.Count;
import dev.orgapitokens.model.UsageStore.DayCounts;
import java.time.LocalDate;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * A token's usage as people read it (SPEC §10): its days from the usage table, and its last
 * addresses; and the retention purge of those tables. The counting itself happens on the path of a
 * key ({@code login/UsageCounts}).
 */
public final class TokenUsage {

    /** The widest window a usage call may ask for, in days. */
    public static final int MAX_DAYS = 90;
    public static final int DEFAULT_DAYS = 30;
    /** How many recent addresses the answer lists. */
    public static final int RECENT_ADDRESSES = 5;
    private static final long DAY_MILLIS = 86_400_000L;

    private TokenUsage() {
    }

    @JsonPropertyOrder({"tokenId", "days", "daily", "recentAddresses"})
    public record Report(String tokenId, int days, List<Day> daily, List<Address> recentAddresses) {
    }

    /** One UTC day of the window that saw any use; {@code admitted} = {@code byPath.token} + {@code byPath.gateway}. */
    @JsonPropertyOrder({"day", "admitted", "refused", "byPath"})
    public record Day(String day, long admitted, Refused refused, ByPath byPath) {
    }

    /** Refused uses of the token's keys, by the reason login events name. */
    @JsonPropertyOrder({"rate_limited", "address_not_allowed", "expired", "previous_key_expired", "exposed"})
    public record Refused(@JsonProperty("rate_limited") long rateLimited, @JsonProperty("address_not_allowed") long addressNotAllowed,
            long expired, @JsonProperty("previous_key_expired") long previousKeyExpired, long exposed) {
    }

    /** Admitted uses: {@code token} at the token endpoint (both login forms), {@code gateway} at /authorize and /self. */
    public record ByPath(long token, long gateway) {
    }

    @JsonPropertyOrder({"ip", "lastSeenAt", "uses"})
    public record Address(String ip, long lastSeenAt, long uses) {
    }

    /** The token's usage over the last {@code days} UTC days, today included. The caller has checked that the token may be read. */
    public static Report report(KeycloakSession session, String tokenId, int days, long now) {
        UsageStore store = new UsageStore(session);
        int today = epochDay(now);
        List<Day> daily = store.days(tokenId, today - days + 1, today).stream()
                .filter(d -> java.util.Arrays.stream(d.counts()).anyMatch(c -> c != 0))
                .map(TokenUsage::day).toList();
        List<Address> addresses = store.addresses(tokenId, RECENT_ADDRESSES).stream()
                .map(a -> new Address(a.ip(), a.lastSeenAt(), a.uses())).toList();
        return new Report(tokenId, days, daily, addresses);
    }

    private static Day day(DayCounts d) {
        long token = d.get(Count.ADMITTED_TOKEN);
        long gateway = d.get(Count.ADMITTED_GATEWAY);
        return new Day(LocalDate.ofEpochDay(d.epochDay()).toString(), token + gateway,
                new Refused(d.get(Count.RATE_LIMITED), d.get(Count.ADDRESS_NOT_ALLOWED), d.get(Count.EXPIRED),
                        d.get(Count.PREVIOUS_KEY_EXPIRED), d.get(Count.EXPOSED)),
                new ByPath(token, gateway));
    }

    /**
     * Deletes usage older than each realm's {@code usageRetentionDays}, the usage of realms and
     * tokens that are gone. Returns the rows deleted.
     */
    public static int purge(KeycloakSession session, long now) {
        UsageStore store = new UsageStore(session);
        int purged = store.purgeDeletedTokens();
        int today = epochDay(now);
        for (String realmId : store.realmsWithUsage()) {
            RealmModel realm = session.realms().getRealm(realmId);
            if (realm == null) {
                purged += store.purgeRealm(realmId);
                continue;
            }
            int keep = TokenPolicy.usageRetentionDays(realm);
            purged += store.purge(realmId, today - keep + 1, now - keep * DAY_MILLIS);
        }
        return purged;
    }

    static int epochDay(long millis) {
        return (int) Math.floorDiv(millis, DAY_MILLIS);
    }
}
