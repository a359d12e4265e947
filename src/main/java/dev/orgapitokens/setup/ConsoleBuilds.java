package dev.orgapitokens.setup;

import dev.orgapitokens.service.KeycloakLine;
import java.util.Map;
import java.util.Optional;

/**
 * Which build of each console page serves which Keycloak line. The JAR carries one build per
 * release of Keycloak's console package it was made from ({@code themes/<console>/builds/<release>},
 * in the JAR {@code theme/org-api-tokens/<console>/resources-<release>}); the stock console of the
 * line must run with it, since the page is the stock console plus one entry. docs/operators.md
 * "Console pages on each line" says why each line has the build it has (what the browser tests measured).
 */
public final class ConsoleBuilds {

    /** The console of the realm's administrators: {@code @keycloak/keycloak-admin-ui} releases. */
    public static final Map<KeycloakLine, String> ADMIN = Map.of(
            new KeycloakLine(26, 4), "26.6.2",
            new KeycloakLine(26, 5), "26.6.2",
            new KeycloakLine(26, 6), "26.6.2",
            new KeycloakLine(26, 7), "26.7.3");

    /** The account console: {@code @keycloak/keycloak-account-ui} releases. */
    public static final Map<KeycloakLine, String> ACCOUNT = Map.of(
            new KeycloakLine(26, 4), "26.6.1",
            new KeycloakLine(26, 5), "26.6.1",
            new KeycloakLine(26, 6), "26.6.1",
            new KeycloakLine(26, 7), "26.7.3");

    private ConsoleBuilds() {
    }

    /** The release whose build serves {@code line}; empty on a line no build was made for. */
    public static Optional<String> forLine(Map<KeycloakLine, String> builds, KeycloakLine line) {
        return Optional.ofNullable(builds.get(line));
    }
}
