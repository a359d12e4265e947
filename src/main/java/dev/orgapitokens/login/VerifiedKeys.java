package dev.orgapitokens.login;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.StoredLists;
import dev.orgapitokens.service.ServiceIdentities;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.models.UserModel;

/**
 * A per-node snapshot of tokens whose key was verified, by key digest: good keys cost no database
 * read in the steady state (SPEC §8). Never stale, on any node, because it is only believed
 * together with the token's service identity, read through Keycloak's user cache (invalidated on
 * every node by Keycloak when the user changes): every token change writes the token's
 * {@code updatedAt} to the identity ({@link ServiceIdentities#STAMP_ATTRIBUTE}), and a delete removes
 * the identity. A snapshot whose stamp differs from the identity's, or whose identity is gone, is
 * dropped and the row read again. Unknown keys are never cached here: {@link KnownKeys} refuses
 * those no token has before this is asked, and a digest it only may know costs its one indexed read.
 * Holds no key, only digests, which the database holds too.
 */
final class VerifiedKeys {

    private static final int MAX_ENTRIES = 100_000;
    private static final Map<String, Snapshot> BY_DIGEST = new ConcurrentHashMap<>();

    private VerifiedKeys() {
    }

    /**
     * What a key use needs from the token row, for one of its keys. {@code stamp}: the identity's
     * stamp when the row was read (null for tokens never edited since); {@code previousKey}: the
     * digest is the previous key's, which works until {@code previousKeyExpiresAt}.
     */
    record Snapshot(String tokenId, String realmId, String serviceUserId, String role, List<String> sites, String organizationId,
            Long expiresAt, boolean exposed, List<String> allowedCidrs, boolean previousKey, Long previousKeyExpiresAt, String stamp) {

        static Snapshot of(ApiTokenEntity token, String digest, String stamp) {
            boolean previous = !digest.equals(token.getKeyDigest());
            return new Snapshot(token.getId(), token.getRealmId(), token.getServiceUserId(), token.getRole(),
                    List.copyOf(StoredLists.read(token.getSites())), token.getOrganizationId(), token.getExpiresAt(), token.isExposed(),
                    List.copyOf(StoredLists.read(token.getAllowedCidrs())), previous, previous ? token.getPreviousKeyExpiresAt() : null, stamp);
        }

        /** A previous key works until its time; a current key has no end of its own. */
        boolean previousKeyEndedAt(long now) {
            return previousKey && (previousKeyExpiresAt == null || previousKeyExpiresAt <= now);
        }

        /** True while the identity still carries the stamp this snapshot was taken with. */
        boolean currentFor(UserModel identity) {
            return identity != null && Objects.equals(identity.getFirstAttribute(ServiceIdentities.STAMP_ATTRIBUTE), stamp);
        }
    }

    static Snapshot get(String digest) {
        return BY_DIGEST.get(digest);
    }

    static void drop(String digest) {
        BY_DIGEST.remove(digest);
    }

    /**
     * Keeps the snapshot of a row just read, if the identity read before it agrees with it: the
     * identity's stamp is absent (never edited since the stamp existed) or names this row's
     * {@code updatedAt}. A change that committed between the two reads makes them disagree, and
     * nothing is kept.
     */
    static Snapshot remember(String digest, ApiTokenEntity token, UserModel identity) {
        String stamp = identity == null ? null : identity.getFirstAttribute(ServiceIdentities.STAMP_ATTRIBUTE);
        Snapshot snapshot = Snapshot.of(token, digest, stamp);
        if (identity != null && (stamp == null || stamp.equals(Long.toString(token.getUpdatedAt())))) {
            if (BY_DIGEST.size() >= MAX_ENTRIES) BY_DIGEST.clear(); // bounded memory; at worst one more read per key
            BY_DIGEST.put(digest, snapshot);
        }
        return snapshot;
    }
}
