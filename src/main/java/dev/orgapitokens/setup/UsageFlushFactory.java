package dev.orgapitokens.setup;

import dev.orgapitokens.login.UsageCounts;
import dev.orgapitokens.service.KeycloakLine;
import dev.orgapitokens.service.TokenUsage;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;
import org.keycloak.timer.TimerProvider;

/**
 * Writes the usage this node gathered ({@link UsageCounts}) to the database, once a minute, with
 * Keycloak's timer on every node (not the cluster-aware task: each node writes its own counts), and
 * once more when the server shuts down cleanly. The same task purges usage older than each realm's
 * {@code usageRetentionDays}, at most once an hour per node.
 *
 * <p>Options (for tests; the defaults are what docs/api.md "Usage" promises):
 * {@code --spi-org-api-tokens-setup--org-api-tokens-usage--flush-interval-seconds} (1 to 60, default 60) and
 * {@code --spi-org-api-tokens-setup--org-api-tokens-usage--purge-interval-seconds} (default 3600).
 */
public class UsageFlushFactory implements SetupSpi.SetupProviderFactory {

    private static final Logger LOG = Logger.getLogger(UsageFlushFactory.class);

    public static final String ID = "org-api-tokens-usage";
    private static final String TASK = "org-api-tokens-usage-flush";

    private long flushMillis;
    private long purgeMillis;
    private long lastPurge;
    private volatile KeycloakSessionFactory factory;

    @Override
    public SetupSpi.SetupProvider create(KeycloakSession session) {
        return () -> { };
    }

    @Override
    public void init(Config.Scope config) {
        flushMillis = 1000L * Math.max(1, Math.min(60, config.getInt("flushIntervalSeconds", 60)));
        purgeMillis = 1000L * Math.max(1, config.getInt("purgeIntervalSeconds", 3600));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (KeycloakLine.running().tooOld()) return; // nothing of the extension runs there (RealmLifecycleFactory says why)
        this.factory = factory;
        UsageCounts.start();
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(this::run, flushMillis, TASK);
        }
        LOG.debugf("org-api-tokens: token usage written every %d s, purged every %d s", flushMillis / 1000, purgeMillis / 1000);
    }

    private synchronized void run() {
        try {
            UsageCounts.flush(factory);
            long now = Time.currentTimeMillis();
            if (now - lastPurge >= purgeMillis) {
                lastPurge = now;
                KeycloakModelUtils.runJobInTransaction(factory, session -> TokenUsage.purge(session, now));
            }
        } catch (RuntimeException e) {
            LOG.warnf("org-api-tokens: token usage task failed, tried again at the next run: %s", e.toString());
        }
    }

    /** Closed before the database and the timer (see {@link #dependsOn}): the last counts are written on a clean shutdown. */
    @Override
    public void close() {
        KeycloakSessionFactory sessions = factory;
        if (sessions == null) return;
        try (KeycloakSession session = sessions.create()) {
            session.getProvider(TimerProvider.class).cancelTask(TASK);
        } catch (RuntimeException e) {
            LOG.debugf(e, "could not cancel the usage task");
        }
        try {
            int written = UsageCounts.flush(sessions);
            LOG.debugf("org-api-tokens: %d usage rows written at shutdown", written);
        } catch (RuntimeException e) {
            LOG.warnf("org-api-tokens: could not write token usage at shutdown: %s", e.toString());
        }
    }

    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class, TimerProvider.class);
    }

    @Override
    public String getId() {
        return ID;
    }
}
