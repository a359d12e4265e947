package dev.orgapitokens.login;

import dev.orgapitokens.key.ApiKeys;
import dev.orgapitokens.model.ApiTokenStore;
import dev.orgapitokens.service.KeyIssuedEvent;
import dev.orgapitokens.service.TokenMetrics;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.context.Flag;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.timer.TimerProvider;

/**
 * This node's answer to "may a token have this key digest?", from memory (issue 23): a well-formed
 * key whose digest the node does not know is refused without a database read. The answer "no" is
 * exact: never given for a digest that a token has, on any node, at any moment. "Maybe" costs the
 * one indexed read as before.
 *
 * <p><b>What the node knows</b>: a {@link DigestSet} of the 64-bit fingerprints of every current and
 * previous key digest, loaded from the database at start, plus every digest <em>announced</em> since:
 * a create or rotation, on any node, puts an entry for the new digest into Keycloak's {@code work}
 * cache (replicated to every node, synchronously) before it writes the row, and so before its
 * transaction commits and before its answer carries the key ({@link KeyIssuedEvent}). Each node's
 * listener on that cache adds announced digests to its set; until the listener has run, the entry in
 * the node's copy of the cache answers ({@link #mayExist}). Announcements live two hours: longer than
 * any transaction may run (Quarkus rolls one back after 60 s by default) plus the hour between two
 * loads, so that even a node whose listener never heard one reads its row at its next load before
 * the entry is gone.
 *
 * <p><b>Why it never refuses a valid key.</b> Take a digest d that some token has when a key is
 * presented at node B, its row committed at time c; its announcement put returned at p &lt; c.
 * <ul>
 * <li>B loaded its set after c: the load read d from the database.</li>
 * <li>B loaded before c: B's listener was registered, and its next set collecting, before that load
 * began. If the put came after, the put applied it to B's copy (synchronous replication) and the
 * listener adds it; until then the entry answers. If the put came before, the entry was already in
 * B's copy of the cache when the load iterated it (a node joining gets it by state transfer before its
 * cache starts), and still alive there, because the load began before c and c - p is less than a
 * transaction's timeout.</li>
 * </ul>
 * A previous key's digest was a current one first. Until the set is loaded, and wherever the work
 * cache is not one synchronous replicated (or single-node local) cache this argument holds for, the
 * node answers "maybe" to every key, as before ({@link #whyNotExact}).
 *
 * <p><b>What it costs.</b> Fingerprints are never removed, so digests of deleted tokens, rotated-out
 * keys and rolled-back creates stay until the set is rebuilt from the database (hourly, the same way
 * it is loaded at start); until then each presentation of such a key costs a read, as every
 * well-formed key did before. Between 10.7 and 21.3 bytes per digest; 100,000 tokens take 2 MiB, twice
 * that for the moment of a rebuild. Holds no key, only the first 8 bytes of digests the database holds.
 */
public final class KnownKeys {

    private static final Logger LOG = Logger.getLogger(KnownKeys.class);
    /** A work-cache entry announcing a digest: this prefix and the fingerprint in hex. */
    static final String ANNOUNCEMENT_PREFIX = "org-api-tokens.key.";
    static final long ANNOUNCEMENT_LIFESPAN_MILLIS = TimeUnit.HOURS.toMillis(2);
    static final long REBUILD_INTERVAL_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final Set<String> FEATURES_WITHOUT_ONE_CLUSTER = Set.of("multi-site", "clusterless");

    /** The work cache, once this node answers from memory. */
    private static volatile Cache<Object, Object> announcements;
    /** What the node knows; null while it answers "maybe" to every key. */
    private static volatile DigestSet known;
    /** The set a load is filling; announcements go to it too. */
    private static volatile DigestSet loading;

    private KnownKeys() {
    }

    /** Wired by the grant's factory: loads the set once Keycloak has migrated its database, and learns every key issued. */
    static void register(KeycloakSessionFactory factory) {
        factory.register(event -> onEvent(factory, event));
        TokenMetrics.knownKeys(() -> {
            DigestSet set = known;
            return set == null ? 0 : set.size();
        }, () -> {
            DigestSet set = known;
            return set == null ? 0 : set.bytes();
        });
    }

    private static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof KeyIssuedEvent issued) announce(issued.session(), issued.digest());
        else if (event instanceof PostMigrationEvent) start(factory);
    }

    /**
     * False only when no token has this digest (see the class comment); a node that does not answer
     * from memory says true to every digest.
     */
    public static boolean mayExist(String digest) {
        DigestSet set = known;
        if (set == null) return true;
        long fingerprint = DigestSet.fingerprint(digest);
        if (set.contains(fingerprint)) return true;
        if (!announcements.containsKey(cacheKey(fingerprint))) return false;
        learn(fingerprint); // announced, and this node's listener has not run yet
        return true;
    }

    /** For the leaked-key report: a key that may be a token's, i.e. well-formed and maybe known. */
    public static boolean mayBeIssued(String key) {
        return ApiKeys.isWellFormed(key) && mayExist(ApiKeys.digest(key));
    }

    /**
     * Tells every node of the cluster a new digest: returns once each node's copy of the work cache
     * holds it (a synchronous put into a replicated cache). Done even before this node's set is
     * loaded: other nodes need it, and the load reads the cache.
     */
    private static void announce(KeycloakSession session, String digest) {
        long fingerprint = DigestSet.fingerprint(digest);
        workCache(session).getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES)
                .put(cacheKey(fingerprint), fingerprint, ANNOUNCEMENT_LIFESPAN_MILLIS, TimeUnit.MILLISECONDS);
        learn(fingerprint);
    }

    private static void learn(long fingerprint) {
        DigestSet next = loading; // read first: a load that ends now has made its set the known one already
        DigestSet set = known;
        if (set != null) set.add(fingerprint);
        if (next != null) next.add(fingerprint);
    }

    private static void start(KeycloakSessionFactory factory) {
        String why = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            Cache<Object, Object> work = workCache(session);
            String notExact = whyNotExact(work.getCacheConfiguration());
            if (notExact == null && announcements == null) {
                work.addListener(new AnnouncementListener());
                announcements = work;
            }
            return notExact;
        });
        if (why != null) {
            LOG.warnf("org-api-tokens: well-formed keys no token has cost one database read each on this server: %s", why);
            return;
        }
        load(factory);
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .schedule(() -> load(factory), REBUILD_INTERVAL_MILLIS, "org-api-tokens-known-keys"));
        DigestSet set = known;
        if (set != null) {
            LOG.infof("org-api-tokens: %d key digests known on this node (%d KiB); well-formed keys no token has are refused from memory",
                    set.size(), set.bytes() / 1024);
        }
    }

    /**
     * Loads a fresh set and makes it the known one: first the announcements this node's copy of the
     * work cache holds, then every digest in the database; announcements arriving meanwhile go into it
     * through {@link #learn}. A failed load keeps the set there was.
     */
    static synchronized void load(KeycloakSessionFactory factory) {
        Cache<Object, Object> work = announcements;
        if (work == null) return;
        DigestSet previous = known;
        DigestSet fresh = new DigestSet(previous == null ? 0 : previous.size());
        loading = fresh;
        try {
            for (Object key : work.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).keySet()) {
                long fingerprint = fingerprintOf(key);
                if (fingerprint != 0) fresh.add(fingerprint);
            }
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    new ApiTokenStore(session).forEachKeyDigest(digest -> fresh.add(DigestSet.fingerprint(digest))));
            known = fresh;
            LOG.debugf("org-api-tokens: %d key digests known on this node", fresh.size());
        } catch (RuntimeException e) {
            LOG.warnf(e, "org-api-tokens: could not load the key digests; %s", previous == null
                    ? "every well-formed key is looked up until the next try" : "the set loaded before stays in use");
        } finally {
            loading = null;
        }
    }

    /**
     * Null when an announcement reaches every node's copy of the cache before the put returns, stays
     * there until it expires, and reaches a node that joins before its cache starts: one local cache
     * (a single node, Keycloak's {@code --cache=local}), or a synchronous replicated one without
     * transactions, stores or eviction, with state transfer awaited (Keycloak's {@code work} cache
     * as Keycloak configures it); otherwise why not.
     */
    static String whyNotExact(Configuration work) {
        for (Profile.Feature feature : Profile.getInstance().getEnabledFeatures()) {
            if (FEATURES_WITHOUT_ONE_CLUSTER.contains(feature.getUnversionedKey())) {
                return "the " + feature.getUnversionedKey() + " feature is enabled, so nodes do not share one replicated work cache";
            }
        }
        CacheMode mode = work.clustering().cacheMode();
        if (mode != CacheMode.LOCAL && mode != CacheMode.REPL_SYNC) return "the work cache is " + mode + ", not synchronously replicated";
        if (work.transaction().transactionMode().isTransactional()) return "the work cache is transactional";
        if (!work.persistence().stores().isEmpty()) return "the work cache has a store";
        if (work.memory().isEvictionEnabled()) return "the work cache evicts entries (a memory limit)";
        if (mode == CacheMode.REPL_SYNC && !(work.clustering().stateTransfer().fetchInMemoryState()
                && work.clustering().stateTransfer().awaitInitialTransfer())) {
            return "the work cache does not hand its entries to a joining node before it starts";
        }
        return null;
    }

    private static Cache<Object, Object> workCache(KeycloakSession session) {
        return session.getProvider(InfinispanConnectionProvider.class).getCache(InfinispanConnectionProvider.WORK_CACHE_NAME);
    }

    private static String cacheKey(long fingerprint) {
        return ANNOUNCEMENT_PREFIX + Long.toHexString(fingerprint);
    }

    /** The fingerprint an announcement's cache key names; 0 for any other key of the work cache. */
    static long fingerprintOf(Object cacheKey) {
        if (!(cacheKey instanceof String key) || !key.startsWith(ANNOUNCEMENT_PREFIX)) return 0;
        return Long.parseUnsignedLong(key.substring(ANNOUNCEMENT_PREFIX.length()), 16);
    }

    /** Runs on every node as an announcement is applied to its copy of the work cache (also on the node that made it). */
    @Listener(observation = Listener.Observation.POST)
    public static final class AnnouncementListener {

        @CacheEntryCreated
        public void created(CacheEntryEvent<Object, Object> event) {
            heard(event);
        }

        @CacheEntryModified
        public void modified(CacheEntryEvent<Object, Object> event) {
            heard(event);
        }

        private static void heard(CacheEntryEvent<Object, Object> event) {
            long fingerprint = fingerprintOf(event.getKey());
            if (fingerprint != 0 && !event.isPre()) learn(fingerprint);
        }
    }
}
