package dev.orgapitokens.setup;

import dev.orgapitokens.service.KeycloakLine;
import dev.orgapitokens.service.LifecycleNotices;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/**
 * Schedules the lifecycle notices (SPEC §9) on Keycloak's timer once the database is migrated, through
 * Keycloak's {@link ClusterAwareScheduledTaskRunner}: one node of a cluster runs each round, and
 * within it each realm is locked cluster-wide while it is worked ({@link LifecycleNotices}).
 *
 * <p>Every 15 minutes by default; {@code --spi-org-api-tokens-setup--org-api-tokens-notices--interval-seconds}
 * (60 to 3600) changes it. The spec asks for at least hourly.
 */
public class NoticesTaskFactory implements SetupSpi.SetupProviderFactory {

    public static final String ID = "org-api-tokens-notices";
    static final long DEFAULT_INTERVAL_SECONDS = 900;
    private static final Logger LOG = Logger.getLogger(NoticesTaskFactory.class);

    private long intervalMillis = DEFAULT_INTERVAL_SECONDS * 1000;

    /** The task Keycloak's timer runs; the runner's cluster-wide key is this class's simple name. */
    static final class LifecycleNoticesTask implements ScheduledTask {
        @Override
        public void run(KeycloakSession session) {
            new LifecycleNotices(session.getKeycloakSessionFactory()).runAll();
        }

        @Override
        public String getTaskName() {
            return "org-api-tokens-lifecycle-notices";
        }
    }

    @Override
    public SetupSpi.SetupProvider create(KeycloakSession session) {
        return () -> { };
    }

    @Override
    public void init(Config.Scope config) {
        long seconds = config.getLong("intervalSeconds", DEFAULT_INTERVAL_SECONDS);
        if (seconds < 60 || seconds > 3600) {
            LOG.warnf("org-api-tokens: interval-seconds %d is outside 60..3600; the lifecycle notices run every %d seconds",
                    seconds, DEFAULT_INTERVAL_SECONDS);
            seconds = DEFAULT_INTERVAL_SECONDS;
        }
        intervalMillis = seconds * 1000;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (KeycloakLine.running().tooOld()) return; // the extension stays out of the way (RealmLifecycleFactory logs why)
        factory.register(event -> {
            if (!(event instanceof PostMigrationEvent)) return;
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                TimerProvider timer = session.getProvider(TimerProvider.class);
                LifecycleNoticesTask task = new LifecycleNoticesTask();
                timer.schedule(new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis), intervalMillis, task.getTaskName());
            });
            LOG.infof("org-api-tokens: lifecycle notices scheduled every %d seconds", intervalMillis / 1000);
        });
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
