package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.orgapitokens.model.ApiTokenEntity;
import java.util.List;

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

    /** The token's representation with what the key holder must not see left out; the previous-key rule is the representation's. */
    static KeyHolderView of(ApiTokenEntity t) {
        ApiTokenRepresentation r = ApiTokenRepresentation.of(t);
        return new KeyHolderView(r.id(), r.name(), r.role(), r.sites(), r.organizationId(), r.keyHint(), r.createdAt(), r.updatedAt(),
                r.lastUsedAt(), r.expiresAt(), r.previousKeyHint(), r.previousKeyExpiresAt());
    }
}
