package dev.orgapitokens.rest;

import dev.orgapitokens.service.TokenUsage;

/** Parses the query of {@code GET /{id}/usage} (SPEC §10): {@code days}, 1 to 90, 30 when absent. */
final class UsageInput {

    private UsageInput() {
    }

    static int days(String days) {
        if (days == null || days.isEmpty()) return TokenUsage.DEFAULT_DAYS;
        int parsed;
        try {
            parsed = Integer.parseInt(days);
        } catch (NumberFormatException e) {
            parsed = 0;
        }
        if (parsed < 1 || parsed > TokenUsage.MAX_DAYS) {
            throw ApiTokenErrors.invalid("days", "days must be a whole number from 1 to " + TokenUsage.MAX_DAYS);
        }
        return parsed;
    }
}
