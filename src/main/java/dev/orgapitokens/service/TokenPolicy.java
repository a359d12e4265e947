package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Arrays;
import java.util.Optional;
import org.keycloak.models.RealmModel;

/**
 * A realm's policy for API tokens (SPEC §4 {@code /settings}). Kept in realm attributes: Keycloak
 * caches them with the realm, invalidates them on every node of a cluster when they change, and
 * realm exports carry them. A null figure means "no limit".
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"maxLifetimeDays", "loginRateLimitPerHour", "maxTokens", "managementClients"})
public record TokenPolicy(Integer maxLifetimeDays, Integer loginRateLimitPerHour, Integer maxTokens, List<String> managementClients) {

    public static final int DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR = 5000;
    static final String ATTRIBUTE_PREFIX = "orgApiTokens.";
    /** Stored for an explicit "no limit", so that it differs from "never set" (which takes the default). */
    private static final String NONE = "none";
    private static final long DAY_MILLIS = 86_400_000L;
    /** The JSON field of the client list; the clients whose access tokens may use the realm path (SPEC §4). */
    public static final String MANAGEMENT_CLIENTS = "managementClients";
    /** The account console (the self-service page) and kcadm/scripts with a user's password. */
    public static final List<String> DEFAULT_MANAGEMENT_CLIENTS = List.of("account-console", "admin-cli");
    private static final String MANAGEMENT_CLIENTS_ATTRIBUTE = ATTRIBUTE_PREFIX + MANAGEMENT_CLIENTS;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The figures of the policy, named as in the JSON body; each a whole number from 1 to {@link #max}, or null. */
    public enum Setting {
        maxLifetimeDays(36_500, null), loginRateLimitPerHour(1_000_000_000, DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR), maxTokens(1_000_000, null);

        private final int max;
        private final Integer defaultValue;

        Setting(int max, Integer defaultValue) {
            this.max = max;
            this.defaultValue = defaultValue;
        }

        public int max() {
            return max;
        }

        public static Optional<Setting> named(String name) {
            return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
        }

        String attribute() {
            return ATTRIBUTE_PREFIX + name();
        }
    }

    public static TokenPolicy of(RealmModel realm) {
        return new TokenPolicy(read(realm, Setting.maxLifetimeDays), read(realm, Setting.loginRateLimitPerHour),
                read(realm, Setting.maxTokens), managementClients(realm));
    }

    /** The client ids whose access tokens may manage tokens on the realm path: one attribute read from the cached realm. */
    public static List<String> managementClients(RealmModel realm) {
        String stored = realm.getAttribute(MANAGEMENT_CLIENTS_ATTRIBUTE);
        if (stored == null || stored.isEmpty()) return DEFAULT_MANAGEMENT_CLIENTS;
        try {
            return List.of(JSON.readValue(stored, String[].class));
        } catch (IOException | RuntimeException e) {
            return DEFAULT_MANAGEMENT_CLIENTS; // edited by hand into something unreadable: read as never set
        }
    }

    /** The one figure a key login needs: a single attribute read from the cached realm. */
    public static Integer loginRateLimitPerHour(RealmModel realm) {
        return read(realm, Setting.loginRateLimitPerHour);
    }

    /** This policy with one figure changed (null: no limit). */
    public TokenPolicy with(Setting setting, Integer value) {
        return switch (setting) {
            case maxLifetimeDays -> new TokenPolicy(value, loginRateLimitPerHour, maxTokens, managementClients);
            case loginRateLimitPerHour -> new TokenPolicy(maxLifetimeDays, value, maxTokens, managementClients);
            case maxTokens -> new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, value, managementClients);
        };
    }

    /** This policy with another list of management clients. */
    public TokenPolicy withManagementClients(List<String> clientIds) {
        return new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, maxTokens, List.copyOf(clientIds));
    }

    /** Writes every figure, so the realm's attributes say exactly what {@link #of} will read back. */
    void store(RealmModel realm) {
        write(realm, Setting.maxLifetimeDays, maxLifetimeDays);
        write(realm, Setting.loginRateLimitPerHour, loginRateLimitPerHour);
        write(realm, Setting.maxTokens, maxTokens);
        try {
            realm.setAttribute(MANAGEMENT_CLIENTS_ATTRIBUTE, JSON.writeValueAsString(managementClients));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refuses a client id that names no client of the realm: a typo would silently lock the realm path. */
    void checkManagementClients(RealmModel realm) {
        for (String clientId : managementClients) {
            if (realm.getClientByClientId(clientId) == null) {
                throw TokenRefusal.invalid(MANAGEMENT_CLIENTS, "No client '" + clientId + "' in this realm");
            }
        }
    }

    /** Refuses a token that would not expire within the realm's maximum lifetime, counted from now. */
    void checkLifetime(Long expiresAt, long now) {
        if (maxLifetimeDays == null) return;
        long latest = now + maxLifetimeDays * DAY_MILLIS;
        if (expiresAt == null || expiresAt > latest) {
            throw TokenRefusal.invalid("expiresAt", "This realm's policy requires API tokens to expire within " + maxLifetimeDays
                    + " days: set expiresAt to " + latest + " (" + Instant.ofEpochMilli(latest) + ") or earlier");
        }
    }

    private static Integer read(RealmModel realm, Setting setting) {
        String stored = realm.getAttribute(setting.attribute());
        if (stored == null || stored.isEmpty()) return setting.defaultValue;
        if (stored.equals(NONE)) return null;
        try {
            int value = Integer.parseInt(stored);
            return value >= 1 ? value : setting.defaultValue;
        } catch (NumberFormatException e) {
            return setting.defaultValue; // edited by hand into something unreadable: read as never set
        }
    }

    private static void write(RealmModel realm, Setting setting, Integer value) {
        realm.setAttribute(setting.attribute(), value == null ? NONE : value.toString());
    }
}
