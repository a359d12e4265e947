package dev.orgapitokens.service;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.StoredLists;
import java.util.List;

/**
 * How an edit changes what a token's key reaches (SPEC §4, §7), decided before anything changes.
 * {@code widened}: more sites, a later or no expiry, or a change of {@code allowedCidrs} that adds or
 * removes an entry (SPEC §4 lists removals, and an emptied list works from everywhere): it needs the
 * permission to map the token's role. {@code narrowed}: fewer sites, an earlier expiry, or addresses
 * that worked before and may not now: access tokens already issued must stop at once.
 */
record TokenReach(boolean widened, boolean narrowed) {

    static TokenReach of(ApiTokenEntity token, TokenChanges input) {
        boolean widened = false;
        boolean narrowed = false;
        if (input.sites() != null) {
            List<String> before = StoredLists.read(token.getSites());
            List<String> after = input.sites();
            widened = !before.contains("*") && !before.containsAll(after);
            narrowed = !after.contains("*") && !after.containsAll(before);
        }
        if (input.expiresAtSet()) {
            Long before = token.getExpiresAt();
            Long after = input.expiresAt();
            widened |= before != null && (after == null || after > before);
            narrowed |= after != null && (before == null || after < before);
        }
        if (input.allowedCidrsSet()) {
            List<String> before = StoredLists.read(token.getAllowedCidrs());
            List<String> after = input.allowedCidrs() == null ? List.of() : input.allowedCidrs();
            boolean removed = !after.containsAll(before);
            boolean added = !before.containsAll(after);
            // [] means everywhere: adding the first entries narrows, emptying the list widens
            widened |= before.isEmpty() ? false : after.isEmpty() || added || removed;
            narrowed |= !after.isEmpty() && (before.isEmpty() || removed);
        }
        return new TokenReach(widened, narrowed);
    }
}
