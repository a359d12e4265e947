package dev.orgapitokens.rest;

import dev.orgapitokens.service.ApiTokenService;
import dev.orgapitokens.service.ApiTokenService.ListQuery;
import dev.orgapitokens.service.TokenRole;

/** Parses the query of {@code GET /} (SPEC §4): {@code first}, {@code max}, {@code search}, {@code role}, {@code organizationId}. */
final class ListInput {

    private ListInput() {
    }

    static ListQuery parse(String first, String max, String search, String role, String organizationId) {
        int firstResult = integer("first", first, 0);
        if (firstResult < 0) throw ApiTokenErrors.invalid("first", "first must be 0 or more");
        int maxResults = integer("max", max, ApiTokenService.DEFAULT_PAGE);
        if (maxResults < 1) throw ApiTokenErrors.invalid("max", "max must be 1 or more");
        String roleName = blankToNull(role);
        TokenRole roleFilter = roleName == null ? null : TokenRole.byName(roleName).orElseThrow(() ->
                ApiTokenErrors.invalid("role", "Unknown role '" + roleName + "': use one of " + TokenRole.allNames()));
        return new ListQuery(firstResult, maxResults, search == null || search.isEmpty() ? null : search, roleFilter,
                blankToNull(organizationId));
    }

    private static int integer(String name, String value, int defaultValue) {
        if (value == null || value.isEmpty()) return defaultValue;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiTokenErrors.invalid(name, name + " must be an integer");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
