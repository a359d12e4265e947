package dev.orgapitokens.setup;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which build of each console page serves which Keycloak line. The JAR carries one build per
 * release of Keycloak's console package it was made from ({@code themes/<console>/builds/<release>},
 * in the JAR {@code theme/org-api-tokens/<console>/resources-<release>}); the stock console of the
 * line must run with it, since the page is the stock console plus one entry. README "Supported
 * Keycloak versions" says why each line has the build it has (what the browser tests measured).
 */
public final class ConsoleBuilds {

    /** The console of the realm's administrators: {@code @keycloak/keycloak-admin-ui} releases. */
    public static final Map<String, String> ADMIN = Map.of(
            "26.4", "26.6.2",
            "26.5", "26.6.2",
            "26.6", "26.6.2",
            "26.7", "26.7.3");

    /** The account console: {@code @keycloak/keycloak-account-ui} releases. */
    public static final Map<String, String> ACCOUNT = Map.of(
            "26.4", "26.4.0",
            "26.5", "26.6.1",
            "26.6", "26.6.1",
            "26.7", "26.7.3");

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\D.*)?$");

    private ConsoleBuilds() {
    }

    /** "26.4" for "26.4.7", "26.4.7.redhat-00001" or "26.4.0-SNAPSHOT"; empty for anything else. */
    public static Optional<String> line(String keycloakVersion) {
        Matcher m = LINE.matcher(keycloakVersion == null ? "" : keycloakVersion.trim());
        return m.matches() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
    }

    /** The release whose build serves {@code keycloakVersion}; empty outside the lines a build was made for. */
    public static Optional<String> forVersion(Map<String, String> builds, String keycloakVersion) {
        return line(keycloakVersion).map(builds::get);
    }
}
