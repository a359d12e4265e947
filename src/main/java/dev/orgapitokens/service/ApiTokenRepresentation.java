package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.StoredLists;
import java.util.List;

/** The token resource of SPEC §3. {@code key} is set only in create and rotate responses. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "name", "role", "sites", "organizationId", "keyHint", "createdAt", "createdBy",
        "updatedAt", "lastUsedAt", "lastUsedIp", "expiresAt", "allowedCidrs", "exposed", "previousKeyHint", "previousKeyExpiresAt",
        "previousKeyLastUsedAt", "key"})
public record ApiTokenRepresentation(
        String id,
        String name,
        String role,
        List<String> sites,
        String organizationId,
        String keyHint,
        long createdAt,
        String createdBy,
        long updatedAt,
        Long lastUsedAt,
        String lastUsedIp,
        Long expiresAt,
        List<String> allowedCidrs,
        boolean exposed,
        String previousKeyHint,
        Long previousKeyExpiresAt,
        Long previousKeyLastUsedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    public static ApiTokenRepresentation of(ApiTokenEntity t) {
        return withKey(t, null);
    }

    /** The previous key's fields show only while it works (SPEC §3): null once its time is over. */
    public static ApiTokenRepresentation withKey(ApiTokenEntity t, String key) {
        boolean previous = t.previousKeyWorksAt(org.keycloak.common.util.Time.currentTimeMillis());
        return new ApiTokenRepresentation(t.getId(), t.getName(), t.getRole(), StoredLists.read(t.getSites()),
                t.getOrganizationId(), t.getKeyHint(), t.getCreatedAt(), t.getCreatedBy(), t.getUpdatedAt(),
                t.getLastUsedAt(), t.getLastUsedIp(), t.getExpiresAt(), StoredLists.read(t.getAllowedCidrs()),
                t.isExposed(), previous ? t.getPreviousKeyHint() : null, previous ? t.getPreviousKeyExpiresAt() : null,
                previous ? t.getPreviousKeyLastUsedAt() : null, key);
    }

    /** The same object without the key: what admin events record. */
    public ApiTokenRepresentation withoutKey() {
        return new ApiTokenRepresentation(id, name, role, sites, organizationId, keyHint, createdAt, createdBy,
                updatedAt, lastUsedAt, lastUsedIp, expiresAt, allowedCidrs, exposed, previousKeyHint, previousKeyExpiresAt,
                previousKeyLastUsedAt, null);
    }
}
