package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.StoredLists;
import java.util.List;
import org.keycloak.common.util.Time;

/**
 * What a key holder sees of their token at {@code /self} (SPEC §5): what the key is (id, name, role,
 * sites, organization, hints, times, expiry), never who made it ({@code createdBy}) nor where it may
 * be used from ({@code allowedCidrs}, nor {@code lastUsedIp}, an address inside them): a leaked key
 * must not tell its finder which address to forge.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "name", "role", "sites", "organizationId", "keyHint", "createdAt", "updatedAt", "lastUsedAt", "expiresAt",
        "previousKeyHint", "previousKeyExpiresAt"})
public record KeyHolderView(
        String id,
        String name,
        String role,
        List<String> sites,
        String organizationId,
        String keyHint,
        long createdAt,
        long updatedAt,
        Long lastUsedAt,
        Long expiresAt,
        String previousKeyHint,
        Long previousKeyExpiresAt) {

    static KeyHolderView of(ApiTokenEntity t) {
        boolean previous = t.previousKeyWorksAt(Time.currentTimeMillis());
        return new KeyHolderView(t.getId(), t.getName(), t.getRole(), StoredLists.read(t.getSites()), t.getOrganizationId(),
                t.getKeyHint(), t.getCreatedAt(), t.getUpdatedAt(), t.getLastUsedAt(), t.getExpiresAt(),
                previous ? t.getPreviousKeyHint() : null, previous ? t.getPreviousKeyExpiresAt() : null);
    }
}
