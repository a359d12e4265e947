package dev.orgapitokens.service;

import java.util.List;

/**
 * A validated create or update request (SPEC §3, §4), as the REST parser produced it. For updates a
 * null field, or a false {@code ...Set} flag, means "unchanged".
 */
public record TokenChanges(
        String name,
        TokenRole role,
        List<String> sites,
        boolean organizationIdSet,
        String organizationId,
        boolean expiresAtSet,
        Long expiresAt,
        boolean allowedCidrsSet,
        List<String> allowedCidrs) {

    /** The site access that reaches every site. */
    public static final List<String> ALL_SITES = List.of("*");
}
