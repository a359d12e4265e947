package dev.orgapitokens.login;

import dev.orgapitokens.login.KeyUse.Outcome;
import dev.orgapitokens.model.UsageStore;
import dev.orgapitokens.model.UsageStore.AddressUse;
import dev.orgapitokens.model.UsageStore.Count;
import dev.orgapitokens.model.UsageStore.DayCounts;
import dev.orgapitokens.service.TokenMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A token's usage (SPEC §10), gathered in this node's memory and written in batches by
 * {@link #flush}, which setup schedules on every node: a key use only adds to a counter here, and
 * never waits for the database. Only uses of keys that resolved to a token are counted, so memory
 * is bounded by the tokens used since the last flush (and at most {@link #ADDRESSES_PER_TOKEN}
 * addresses each): keys no token has leave nothing, here or in the database.
 *
 * <p>Each flush takes every entry out of the maps, under the entry's own lock, and marks it
 * drained; a use that still holds a drained entry starts a new one. So no use is counted twice or
 * lost between two flushes: a crash loses what was gathered since the last flush, nothing more.
 */
public final class UsageCounts {

    /** Addresses kept per token between two flushes; a new one beyond them replaces the one seen longest ago. */
    static final int ADDRESSES_PER_TOKEN = 16;
    /** How many recent addresses the database keeps per token: the usage answer shows 5. */
    public static final int ADDRESSES_KEPT = 5;
    /** Rows written per transaction. */
    private static final int BATCH = 500;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final Logger LOG = Logger.getLogger(UsageCounts.class);

    private static volatile boolean counting;
    private static final Map<DayKey, Day> DAYS = new ConcurrentHashMap<>();
    private static final Map<String, Addresses> ADDRESSES = new ConcurrentHashMap<>();

    private UsageCounts() {
    }

    /** Turned on by setup on a supported line, with the task that flushes; until then nothing is gathered. */
    public static void start() {
        counting = true;
    }

    /** Counts one decided key use of a known token; everything else (malformed, unknown keys) is left out. */
    static void count(String realmId, KeyUse use, TokenMetrics.Path path, String ip, long now) {
        if (!counting || use.tokenId() == null) return;
        Count count = countOf(use.outcome(), path);
        if (count == null) return;
        DayKey key = new DayKey(use.tokenId(), (int) Math.floorDiv(now, DAY_MILLIS));
        while (true) {
            Day day = DAYS.get(key);
            if (day == null) day = DAYS.computeIfAbsent(key, k -> new Day(realmId));
            if (day.add(count)) break;
            DAYS.remove(key, day); // drained by a flush in between: start a new entry
        }
        if (ip == null) return;
        while (true) {
            Addresses addresses = ADDRESSES.get(use.tokenId());
            if (addresses == null) addresses = ADDRESSES.computeIfAbsent(use.tokenId(), k -> new Addresses(realmId));
            if (addresses.seen(ip, now)) break;
            ADDRESSES.remove(use.tokenId(), addresses);
        }
    }

    /** The column a use counts in, or null for outcomes usage does not show (the service identity's, which login events name). */
    static Count countOf(Outcome outcome, TokenMetrics.Path path) {
        return switch (outcome) {
            case SUCCESS -> path == TokenMetrics.Path.GATEWAY ? Count.ADMITTED_GATEWAY : Count.ADMITTED_TOKEN;
            case RATE_LIMITED -> Count.RATE_LIMITED;
            case ADDRESS_NOT_ALLOWED -> Count.ADDRESS_NOT_ALLOWED;
            case EXPIRED -> Count.EXPIRED;
            case PREVIOUS_KEY_EXPIRED -> Count.PREVIOUS_KEY_EXPIRED;
            case EXPOSED -> Count.EXPOSED;
            default -> null;
        };
    }

    /**
     * Writes what this node gathered since the last flush, in transactions of {@link #BATCH} rows;
     * a batch that fails (another node inserted the same row first, the database was away) is tried
     * again in a new transaction, and if it keeps failing its counts go back into memory for the next
     * flush. Returns the rows written.
     */
    public static synchronized int flush(KeycloakSessionFactory factory) {
        List<DayCounts> days = new ArrayList<>();
        for (var entry : DAYS.entrySet()) {
            long[] counts = entry.getValue().drain();
            DAYS.remove(entry.getKey(), entry.getValue());
            if (counts != null) days.add(new DayCounts(entry.getValue().realmId, entry.getKey().tokenId(), entry.getKey().epochDay(), counts));
        }
        List<AddressUse> addresses = new ArrayList<>();
        for (var entry : ADDRESSES.entrySet()) {
            Map<String, long[]> seen = entry.getValue().drain();
            ADDRESSES.remove(entry.getKey(), entry.getValue());
            seen.forEach((ip, s) -> addresses.add(new AddressUse(entry.getValue().realmId, entry.getKey(), ip, s[1], s[0])));
        }
        int written = 0;
        for (int i = 0; i < days.size(); i += BATCH) {
            List<DayCounts> batch = days.subList(i, Math.min(days.size(), i + BATCH));
            if (write(factory, store -> batch.forEach(store::add))) written += batch.size();
            else batch.forEach(UsageCounts::restore);
        }
        for (int i = 0; i < addresses.size(); i += BATCH) {
            List<AddressUse> batch = addresses.subList(i, Math.min(addresses.size(), i + BATCH));
            boolean ok = write(factory, store -> {
                batch.forEach(store::add);
                batch.stream().map(AddressUse::tokenId).distinct().forEach(t -> store.keepNewestAddresses(t, ADDRESSES_KEPT));
            });
            if (ok) written += batch.size();
            else batch.forEach(UsageCounts::restore);
        }
        return written;
    }

    private static boolean write(KeycloakSessionFactory factory, java.util.function.Consumer<UsageStore> work) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> work.accept(new UsageStore(s)));
                return true;
            } catch (RuntimeException e) {
                last = e; // most often: another node inserted a row of this batch first; now it is there
            }
        }
        LOG.warnf("org-api-tokens: could not write token usage, kept for the next flush: %s", last.toString());
        return false;
    }

    private static void restore(DayCounts day) {
        DayKey key = new DayKey(day.tokenId(), day.epochDay());
        while (true) {
            Day entry = DAYS.computeIfAbsent(key, k -> new Day(day.realmId()));
            if (entry.addAll(day.counts())) return;
            DAYS.remove(key, entry);
        }
    }

    private static void restore(AddressUse use) {
        while (true) {
            Addresses entry = ADDRESSES.computeIfAbsent(use.tokenId(), k -> new Addresses(use.realmId()));
            if (entry.merge(use.ip(), use.lastSeenAt(), use.uses())) return;
            ADDRESSES.remove(use.tokenId(), entry);
        }
    }

    private record DayKey(String tokenId, int epochDay) {
    }

    /** One token's counts of one day on this node, since the last flush. */
    private static final class Day {
        final String realmId;
        private final long[] counts = new long[Count.values().length];
        private boolean drained;

        Day(String realmId) {
            this.realmId = realmId;
        }

        synchronized boolean add(Count count) {
            if (drained) return false;
            counts[count.ordinal()]++;
            return true;
        }

        synchronized boolean addAll(long[] more) {
            if (drained) return false;
            for (int i = 0; i < counts.length; i++) counts[i] += more[i];
            return true;
        }

        /** The counts, or null when there were none; the entry takes no more. */
        synchronized long[] drain() {
            drained = true;
            for (long c : counts) if (c != 0) return counts.clone();
            return null;
        }
    }

    /** One token's addresses on this node since the last flush: address → {uses, last seen}. */
    private static final class Addresses {
        final String realmId;
        private final Map<String, long[]> seen = new HashMap<>();
        private boolean drained;

        Addresses(String realmId) {
            this.realmId = realmId;
        }

        synchronized boolean seen(String ip, long now) {
            return merge(ip, now, 1);
        }

        synchronized boolean merge(String ip, long lastSeenAt, long uses) {
            if (drained) return false;
            long[] s = seen.get(ip);
            if (s == null) {
                if (seen.size() >= ADDRESSES_PER_TOKEN) seen.values().stream().min((a, b) -> Long.compare(a[1], b[1]))
                        .ifPresent(oldest -> seen.values().remove(oldest));
                seen.put(ip, new long[] {uses, lastSeenAt});
            } else {
                s[0] += uses;
                s[1] = Math.max(s[1], lastSeenAt);
            }
            return true;
        }

        synchronized Map<String, long[]> drain() {
            drained = true;
            return new HashMap<>(seen);
        }
    }
}
