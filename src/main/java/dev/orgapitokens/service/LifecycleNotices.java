package dev.orgapitokens.service;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.ApiTokenStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.cluster.ExecutionResult;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Lifecycle notices (SPEC §9): e-mails before a token expires, and unused tokens deleted after a
 * notice. One realm is worked by one node at a time (a cluster-wide lock per realm, which the
 * scheduled task and {@code POST /notices/run} share), in batches of {@value #BATCH} tokens per
 * transaction.
 *
 * <p>Each notice is claimed in the database before its mail goes out (a conditional update that
 * succeeds once per token and threshold, on one node), and the claim commits before sending, so that
 * no restart or second node sends it again; a mail that cannot be sent gives its claim back for the
 * next run. A crash between the claim and the sending loses that notice rather than sending it twice.
 * When several thresholds have passed at once (the task did not run, or the expiry was set close),
 * one mail goes out, for the nearest.
 */
public final class LifecycleNotices {

    /** What a run did: e-mails sent and tokens deleted. */
    public record Outcome(int sent, int deleted, boolean skippedWithoutSmtp) {
        Outcome plus(Outcome other) {
            return new Outcome(sent + other.sent, deleted + other.deleted, skippedWithoutSmtp || other.skippedWithoutSmtp);
        }
    }

    /** Thrown when another node (or run) works the realm right now. */
    public static final class Busy extends RuntimeException {
        Busy(String realm) {
            super("The lifecycle notices of realm '" + realm + "' are being worked on right now; try again in a moment");
        }
    }

    static final int BATCH = 100;
    static final long DAY = 86_400_000L;
    /** How long a realm's lock holds at most, should its node die while working it. */
    private static final int LOCK_SECONDS = 900;
    private static final Logger LOG = Logger.getLogger(LifecycleNotices.class);

    private final KeycloakSessionFactory factory;

    public LifecycleNotices(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    /** The scheduled run: every realm that holds tokens; one log line names the realms skipped for want of SMTP settings. */
    public Outcome runAll() {
        List<String> realmIds = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> new ApiTokenStore(s).realmsWithTokens());
        Outcome total = new Outcome(0, 0, false);
        List<String> withoutSmtp = new ArrayList<>();
        for (String realmId : realmIds) {
            try {
                Outcome outcome = locked(realmId, null);
                if (outcome.skippedWithoutSmtp()) withoutSmtp.add(realmName(realmId));
                total = total.plus(new Outcome(outcome.sent(), outcome.deleted(), false));
            } catch (Busy busy) {
                LOG.debugf("org-api-tokens: %s", busy.getMessage());
            } catch (RuntimeException e) {
                LOG.errorf(e, "org-api-tokens: lifecycle notices of realm %s failed; the next run tries again", realmName(realmId));
            }
        }
        if (!withoutSmtp.isEmpty()) {
            LOG.infof("org-api-tokens: lifecycle notices skipped realm(s) without SMTP settings: %s", String.join(", ", withoutSmtp));
        }
        return total;
    }

    /** One realm, now ({@code POST /notices/run}); {@code requestBase} is the server address the request came to, for links. */
    public Outcome runRealm(String realmId, URI requestBase) {
        Outcome outcome = locked(realmId, requestBase);
        if (outcome.skippedWithoutSmtp()) {
            LOG.infof("org-api-tokens: lifecycle notices skipped realm %s: it has no SMTP settings", realmName(realmId));
        }
        return outcome;
    }

    private Outcome locked(String realmId, URI requestBase) {
        ExecutionResult<Outcome> result = KeycloakModelUtils.runJobInTransactionWithResult(factory, s ->
                s.getProvider(ClusterProvider.class).executeIfNotExecuted("org-api-tokens-notices::" + realmId, LOCK_SECONDS,
                        () -> work(realmId, requestBase)));
        if (!result.isExecuted()) throw new Busy(realmName(realmId));
        return result.getResult();
    }

    private Outcome work(String realmId, URI requestBase) {
        TokenPolicy policy = inRealm(realmId, (s, realm) -> realm == null ? null : TokenPolicy.of(realm));
        if (policy == null) return new Outcome(0, 0, false);
        boolean expiryOn = !policy.expiryNoticeDays().isEmpty();
        boolean unusedOn = policy.deleteUnusedAfterDays() != null;
        if (!expiryOn && !unusedOn) return new Outcome(0, 0, false);
        if (!inRealm(realmId, (s, realm) -> NoticeMails.canSend(realm))) return new Outcome(0, 0, true);
        Outcome outcome = new Outcome(0, 0, false);
        if (expiryOn) outcome = outcome.plus(expiryNotices(realmId, policy, requestBase));
        if (unusedOn) outcome = outcome.plus(unusedTokens(realmId, policy, requestBase));
        return outcome;
    }

    /** A notice claimed in the database, with its mails, and how to give the claim back if none can be sent. */
    private record Claimed(String tokenId, List<NoticeMails.Mail> mails, Runnable release) {
    }

    /** What one page of candidates gave: notices claimed, tokens due for deletion, and where the next page starts. */
    private record Batch(List<Claimed> claimed, List<String> toDelete, String lastId, int read) {
        static Batch of(List<Claimed> claimed, List<String> toDelete, List<ApiTokenEntity> page, String from) {
            return new Batch(claimed, toDelete, page.isEmpty() ? from : page.get(page.size() - 1).getId(), page.size());
        }
    }

    /** Reads one page of candidates after {@code from} (by token id) and claims its notices, in one transaction. */
    private interface PageReader {
        Batch read(KeycloakSession session, RealmModel realm, String from);
    }

    /**
     * Walks a realm's candidates a page of {@value #BATCH} at a time: each page read and claimed in a
     * transaction of its own, its mails sent outside it, then its due deletions ({@code delete}: one
     * token, true when deleted), each in a transaction of its own.
     */
    private Outcome pages(String realmId, PageReader reader, java.util.function.Predicate<String> delete) {
        int sent = 0;
        int deleted = 0;
        String after = "";
        while (true) {
            String from = after;
            Batch batch = inRealm(realmId, (s, realm) -> reader.read(s, realm, from));
            sent += send(realmId, batch.claimed());
            for (String id : batch.toDelete()) {
                if (delete.test(id)) deleted++;
            }
            if (batch.read() < BATCH) return new Outcome(sent, deleted, false);
            after = batch.lastId();
        }
    }

    private Outcome expiryNotices(String realmId, TokenPolicy policy, URI requestBase) {
        List<Integer> thresholds = policy.expiryNoticeDays();
        int farthest = thresholds.stream().max(Integer::compare).orElseThrow();
        int nearest = thresholds.stream().min(Integer::compare).orElseThrow();
        return pages(realmId, (s, realm, from) -> {
            long now = Time.currentTimeMillis();
            ApiTokenStore store = new ApiTokenStore(s);
            NoticeMails mails = new NoticeMails(s, realm, requestBase);
            List<Claimed> claimed = new ArrayList<>();
            List<ApiTokenEntity> tokens = store.expiryCandidates(realmId, now, now + farthest * DAY, nearest, from, BATCH);
            for (ApiTokenEntity token : tokens) {
                long expiresAt = token.getExpiresAt();
                // the nearest threshold that has passed: one mail when several have
                Integer due = thresholds.stream().filter(d -> now >= expiresAt - d * DAY).min(Integer::compare).orElse(null);
                if (due == null) continue;
                boolean told = Objects.equals(token.getExpiryNoticeFor(), expiresAt) && token.getExpiryNoticeDays() != null
                        && token.getExpiryNoticeDays() <= due;
                if (told) continue;
                Long previousFor = token.getExpiryNoticeFor();
                Integer previousDays = token.getExpiryNoticeDays();
                List<NoticeMails.Mail> made = render(() -> mails.expiry(token, policy, expiresAt), token);
                if (store.claimExpiryNotice(token.getId(), expiresAt, due) == 1) {
                    String id = token.getId();
                    claimed.add(new Claimed(id, made, () -> inRealm(realmId, (s2, r2) ->
                            new ApiTokenStore(s2).releaseExpiryNotice(id, expiresAt, due, previousFor, previousDays))));
                }
            }
            return Batch.of(claimed, List.of(), tokens, from);
        }, id -> false);
    }

    private Outcome unusedTokens(String realmId, TokenPolicy policy, URI requestBase) {
        long deleteAfter = policy.deleteUnusedAfterDays() * DAY;
        long noticeBefore = policy.unusedNoticeDays() * DAY;
        return pages(realmId, (s, realm, from) -> {
            long now = Time.currentTimeMillis();
            ApiTokenStore store = new ApiTokenStore(s);
            NoticeMails mails = new NoticeMails(s, realm, requestBase);
            List<Claimed> claimed = new ArrayList<>();
            List<String> toDelete = new ArrayList<>();
            List<ApiTokenEntity> tokens = store.unusedCandidates(realmId, Math.min(now, now - deleteAfter + noticeBefore), from, BATCH);
            for (ApiTokenEntity token : tokens) {
                long lastActivity = token.lastActivity();
                long deleteDue = lastActivity + deleteAfter;
                if (Objects.equals(token.getUnusedNoticeFor(), lastActivity)) {
                    // told about this very inactivity: deleted once both the policy's time and the announced one have come
                    if (now >= deleteDue && token.getUnusedDeleteAt() != null && now >= token.getUnusedDeleteAt()) toDelete.add(token.getId());
                    continue;
                }
                if (now < deleteDue - noticeBefore) continue; // used since: not yet due
                long deleteAt = Math.max(deleteDue, now + noticeBefore);
                Long previousFor = token.getUnusedNoticeFor();
                Long previousDeleteAt = token.getUnusedDeleteAt();
                List<NoticeMails.Mail> made = render(() -> mails.unused(token, policy, deleteAt), token);
                if (store.claimUnusedNotice(token.getId(), lastActivity, deleteAt) == 1) {
                    String id = token.getId();
                    claimed.add(new Claimed(id, made, () -> inRealm(realmId, (s2, r2) ->
                            new ApiTokenStore(s2).releaseUnusedNotice(id, lastActivity, previousFor, previousDeleteAt))));
                }
            }
            return Batch.of(claimed, toDelete, tokens, from);
        }, id -> inRealm(realmId, (s, realm) -> new ApiTokenService(s, realm).deleteUnused(id, token -> {
                long lastActivity = token.lastActivity();
                long now = Time.currentTimeMillis();
                return Objects.equals(token.getUnusedNoticeFor(), lastActivity) && now >= lastActivity + deleteAfter
                        && token.getUnusedDeleteAt() != null && now >= token.getUnusedDeleteAt();
            }, LifecycleEvents.of(s, realm))));
    }

    private interface Rendering {
        List<NoticeMails.Mail> render() throws EmailException;
    }

    /** A mail that cannot be made (a broken custom theme) is not claimed, so the next run tries again; the log says why. */
    private static List<NoticeMails.Mail> render(Rendering rendering, ApiTokenEntity token) {
        try {
            return rendering.render();
        } catch (EmailException e) {
            throw new IllegalStateException("could not make the lifecycle notice of API token " + token.getId(), e);
        }
    }

    /** Sends the batch's mails outside any database transaction; a notice none of whose mails went out is given back. */
    private int send(String realmId, List<Claimed> claimed) {
        int sent = 0;
        for (Claimed notice : claimed) {
            if (notice.mails().isEmpty()) continue; // nobody qualifies: recorded, no mail (SPEC §9)
            try {
                sent += inRealm(realmId, (s, realm) -> {
                    try {
                        return NoticeMails.send(s, realm, notice.mails());
                    } catch (EmailException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("org-api-tokens: the lifecycle notice of API token %s could not be sent (%s); the next run tries again",
                        notice.tokenId(), rootMessage(e));
                notice.release().run();
            }
        }
        return sent;
    }

    private interface RealmJob<T> {
        T run(KeycloakSession session, RealmModel realm);
    }

    /** Runs a job in a transaction of its own, with the realm as the session's realm (themes, organizations and mails follow it). */
    private <T> T inRealm(String realmId, RealmJob<T> job) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(realmId);
            if (realm != null) s.getContext().setRealm(realm);
            return job.run(s, realm);
        });
    }

    private String realmName(String realmId) {
        return inRealm(realmId, (s, realm) -> realm == null ? realmId : realm.getName());
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
