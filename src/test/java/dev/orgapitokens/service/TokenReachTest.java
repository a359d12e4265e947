package dev.orgapitokens.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgapitokens.model.ApiTokenEntity;
import dev.orgapitokens.model.StoredLists;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §4 and §7 as a table: token before × edit → widened (needs the map-role permission), narrowed (issued tokens end). */
class TokenReachTest {

    static final long T = 2_000_000_000_000L;

    static Stream<Arguments> edits() {
        List<String> none = List.of();
        return Stream.of(
                // sites before, cidrs before, expiry before | the edit | widened, narrowed
                row(List.of("a"), none, null, sites(List.of("a", "b")), true, false),
                row(List.of("a"), none, null, sites(List.of("*")), true, false),
                row(List.of("a", "b"), none, null, sites(List.of("a")), false, true),
                row(List.of("a", "b"), none, null, sites(List.of("a", "c")), true, true),
                row(List.of("*"), none, null, sites(List.of("a")), false, true),
                row(List.of("*"), none, null, sites(List.of("*")), false, false),
                row(List.of("a"), none, T, expiry(T + 1), true, false),
                row(List.of("a"), none, T, expiry(null), true, false),
                row(List.of("a"), none, T, expiry(T - 1), false, true),
                row(List.of("a"), none, null, expiry(T), false, true),
                row(List.of("a"), none, T, expiry(T), false, false),
                row(List.of("a"), List.of("10.0.0.0/8"), null, cidrs(none), true, false),
                row(List.of("a"), List.of("10.0.0.0/8"), null, cidrs(null), true, false),
                row(List.of("a"), List.of("10.0.0.0/8"), null, cidrs(List.of("10.0.0.0/8", "192.0.2.0/24")), true, false),
                row(List.of("a"), List.of("10.0.0.0/8", "192.0.2.0/24"), null, cidrs(List.of("10.0.0.0/8")), true, true),
                row(List.of("a"), none, null, cidrs(List.of("10.0.0.0/8")), false, true),
                row(List.of("a"), List.of("10.0.0.0/8"), null, cidrs(List.of("10.0.0.0/8")), false, false),
                row(List.of("a"), none, null, new TokenChanges("renamed", null, null, false, null, false, null, false, null), false, false));
    }

    @ParameterizedTest(name = "[{index}] widened {4}, narrowed {5}")
    @MethodSource("edits")
    void reach(List<String> sites, List<String> cidrs, Long expiresAt, TokenChanges edit, boolean widened, boolean narrowed) {
        ApiTokenEntity token = new ApiTokenEntity();
        token.setSites(StoredLists.write(sites));
        token.setAllowedCidrs(StoredLists.write(cidrs));
        token.setExpiresAt(expiresAt);
        assertEquals(new TokenReach(widened, narrowed), TokenReach.of(token, edit));
    }

    static Arguments row(List<String> sites, List<String> cidrs, Long expiresAt, TokenChanges edit, boolean widened, boolean narrowed) {
        return Arguments.of(sites, cidrs, expiresAt, edit, widened, narrowed);
    }

    static TokenChanges sites(List<String> sites) {
        return new TokenChanges(null, null, sites, false, null, false, null, false, null);
    }

    static TokenChanges expiry(Long expiresAt) {
        return new TokenChanges(null, null, null, false, null, true, expiresAt, false, null);
    }

    static TokenChanges cidrs(List<String> cidrs) {
        return new TokenChanges(null, null, null, false, null, false, null, true, cidrs);
    }
}
