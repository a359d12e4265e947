package dev.orgapitokens.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.common.Version;

/**
 * The Keycloak line (major.minor) the extension runs on, read once from Keycloak's own version
 * (SPEC §1). Where a Keycloak API differs between lines, the package that needs it owns a small
 * interface with one implementation per line; its provider factory picks one with this at start-up,
 * so nothing on a request path asks for the version.
 */
public record KeycloakLine(int major, int minor) implements Comparable<KeycloakLine> {

    public static final KeycloakLine OLDEST_SUPPORTED = new KeycloakLine(26, 4);
    public static final KeycloakLine NEWEST_SUPPORTED = new KeycloakLine(26, 7);
    /** How the docs (README, docs/operators.md) and the start-up error name the supported lines. */
    public static final String SUPPORTED = "26.4.x, 26.5.x, 26.6.x and 26.7.x";

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final KeycloakLine RUNNING = parse(Version.VERSION);

    public static KeycloakLine running() {
        return RUNNING;
    }

    /** The line of a version string such as {@code 26.4.7} or {@code 26.5.0-SNAPSHOT}; 0.0 if unreadable. */
    static KeycloakLine parse(String version) {
        Matcher m = version == null ? null : MAJOR_MINOR.matcher(version);
        if (m == null || !m.find()) return new KeycloakLine(0, 0);
        return new KeycloakLine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean atLeast(KeycloakLine other) {
        return compareTo(other) >= 0;
    }

    /** Older than every supported line: the extension stays out of the way there. */
    public boolean tooOld() {
        return compareTo(OLDEST_SUPPORTED) < 0;
    }

    public boolean supported() {
        return !tooOld() && compareTo(NEWEST_SUPPORTED) <= 0;
    }

    /** The one ERROR an unsupported Keycloak gets, and the text of the 503 its endpoints answer there. */
    public static String unsupportedMessage() {
        return "org-api-tokens supports Keycloak " + SUPPORTED + "; this server runs " + Version.VERSION
                + (RUNNING.tooOld() ? ", so its endpoints answer 503 and key logins are off" : ", which it has not been tested on");
    }

    /**
     * An implementation compiled for a later line (src/main/java-26.7), by its class name: it is loaded
     * only where that line runs, so the JVM never resolves a class the running server lacks.
     */
    public static <T> T load(Class<T> type, String className) {
        try {
            return type.cast(Class.forName(className, true, KeycloakLine.class.getClassLoader()).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("org-api-tokens: " + className + " is missing from the JAR", e);
        }
    }

    @Override
    public int compareTo(KeycloakLine other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
