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
@JsonPropertyOrder({"maxLifetimeDays", "loginRateLimitPerHour", "maxTokens", "managementClients",
        "expiryNoticeDays", "deleteUnusedAfterDays", "unusedNoticeDays", "noticeEmails", "usageRetentionDays", "usageCounting"})
public record TokenPolicy(Integer maxLifetimeDays, Integer loginRateLimitPerHour, Integer maxTokens, List<String> managementClients,
        List<Integer> expiryNoticeDays, Integer deleteUnusedAfterDays, Integer unusedNoticeDays, List<String> noticeEmails,
        Integer usageRetentionDays, boolean usageCounting) {

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
    /** The lifecycle settings of SPEC §9 that are lists (the figures are {@link Setting}s). */
    public static final String EXPIRY_NOTICE_DAYS = "expiryNoticeDays";
    public static final String NOTICE_EMAILS = "noticeEmails";
    public static final List<Integer> DEFAULT_EXPIRY_NOTICE_DAYS = List.of(7, 1);
    public static final int DEFAULT_UNUSED_NOTICE_DAYS = 7;
    public static final int DEFAULT_USAGE_RETENTION_DAYS = 90;
    /** The switch of SPEC §10's counting, a boolean (the figures are {@link Setting}s). */
    public static final String USAGE_COUNTING = "usageCounting";

    /** The figures of the policy, named as in the JSON body; each a whole number from 1 to {@link #max}, or null. */
    public enum Setting {
        maxLifetimeDays(36_500, null), loginRateLimitPerHour(1_000_000_000, DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR), maxTokens(1_000_000, null),
        /** SPEC §9: null = never. */
        deleteUnusedAfterDays(3_650, null),
        /** SPEC §9: how long before an unused token's deletion its notice goes out; always a number. */
        unusedNoticeDays(365, DEFAULT_UNUSED_NOTICE_DAYS, false),
        /** SPEC §10: days of usage kept, today included; always a number (kept forever, usage would grow without end). */
        usageRetentionDays(3_650, DEFAULT_USAGE_RETENTION_DAYS, false);

        private final int max;
        private final Integer defaultValue;
        private final boolean nullable;

        Setting(int max, Integer defaultValue) {
            this(max, defaultValue, true);
        }

        Setting(int max, Integer defaultValue, boolean nullable) {
            this.max = max;
            this.defaultValue = defaultValue;
            this.nullable = nullable;
        }

        public int max() {
            return max;
        }

        /** Whether null ("no limit", "never") is a value of this figure. */
        public boolean nullable() {
            return nullable;
        }

        public static Optional<Setting> named(String name) {
            return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
        }

        String attribute() {
            return ATTRIBUTE_PREFIX + name();
        }
    }

    /** A policy with these figures and clients, and the lifecycle settings at their defaults. */
    public TokenPolicy(Integer maxLifetimeDays, Integer loginRateLimitPerHour, Integer maxTokens, List<String> managementClients) {
        this(maxLifetimeDays, loginRateLimitPerHour, maxTokens, managementClients, DEFAULT_EXPIRY_NOTICE_DAYS, null,
                DEFAULT_UNUSED_NOTICE_DAYS, List.of(), DEFAULT_USAGE_RETENTION_DAYS, true);
    }

    public static TokenPolicy of(RealmModel realm) {
        return new TokenPolicy(read(realm, Setting.maxLifetimeDays), read(realm, Setting.loginRateLimitPerHour),
                read(realm, Setting.maxTokens), managementClients(realm), expiryNoticeDays(realm),
                read(realm, Setting.deleteUnusedAfterDays), read(realm, Setting.unusedNoticeDays), noticeEmails(realm),
                read(realm, Setting.usageRetentionDays), usageCounting(realm));
    }

    /** The days before expiry at which notices go out, largest first; [] = no expiry notices. */
    static List<Integer> expiryNoticeDays(RealmModel realm) {
        String stored = realm.getAttribute(ATTRIBUTE_PREFIX + EXPIRY_NOTICE_DAYS);
        if (stored == null || stored.isEmpty()) return DEFAULT_EXPIRY_NOTICE_DAYS;
        try {
            return List.of(JSON.readValue(stored, Integer[].class));
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EXPIRY_NOTICE_DAYS; // edited by hand into something unreadable: read as never set
        }
    }

    /** The policy's extra recipients of every notice. */
    static List<String> noticeEmails(RealmModel realm) {
        String stored = realm.getAttribute(ATTRIBUTE_PREFIX + NOTICE_EMAILS);
        if (stored == null || stored.isEmpty()) return List.of();
        try {
            return List.of(JSON.readValue(stored, String[].class));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
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

    /** Days of usage the realm keeps, today included (SPEC §10): one attribute read from the cached realm. */
    public static int usageRetentionDays(RealmModel realm) {
        return read(realm, Setting.usageRetentionDays);
    }

    /**
     * Whether the realm's key uses are counted for the usage views (SPEC §10; on unless turned off):
     * one attribute read from the cached realm, on every key use. Off, nothing is gathered or kept
     * (no counts, no addresses), for realms that must not record client addresses.
     */
    public static boolean usageCounting(RealmModel realm) {
        return !"false".equals(realm.getAttribute(ATTRIBUTE_PREFIX + USAGE_COUNTING));
    }

    /** The one figure a key login needs: a single attribute read from the cached realm. */
    public static Integer loginRateLimitPerHour(RealmModel realm) {
        return read(realm, Setting.loginRateLimitPerHour);
    }

    /** This policy with one figure changed (null: no limit). */
    public TokenPolicy with(Setting setting, Integer value) {
        return new TokenPolicy(
                setting == Setting.maxLifetimeDays ? value : maxLifetimeDays,
                setting == Setting.loginRateLimitPerHour ? value : loginRateLimitPerHour,
                setting == Setting.maxTokens ? value : maxTokens,
                managementClients, expiryNoticeDays,
                setting == Setting.deleteUnusedAfterDays ? value : deleteUnusedAfterDays,
                setting == Setting.unusedNoticeDays ? value : unusedNoticeDays,
                noticeEmails,
                setting == Setting.usageRetentionDays ? value : usageRetentionDays, usageCounting);
    }

    /** This policy with another list of management clients. */
    public TokenPolicy withManagementClients(List<String> clientIds) {
        return new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, maxTokens, List.copyOf(clientIds),
                expiryNoticeDays, deleteUnusedAfterDays, unusedNoticeDays, noticeEmails, usageRetentionDays, usageCounting);
    }

    /** This policy with other expiry notice days (kept largest first, the order notices go out in). */
    public TokenPolicy withExpiryNoticeDays(List<Integer> days) {
        List<Integer> sorted = days.stream().sorted(java.util.Comparator.reverseOrder()).toList();
        return new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, maxTokens, managementClients,
                sorted, deleteUnusedAfterDays, unusedNoticeDays, noticeEmails, usageRetentionDays, usageCounting);
    }

    /** This policy with usage counting on or off. */
    public TokenPolicy withUsageCounting(boolean on) {
        return new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, maxTokens, managementClients,
                expiryNoticeDays, deleteUnusedAfterDays, unusedNoticeDays, noticeEmails, usageRetentionDays, on);
    }

    /** This policy with other extra notice recipients. */
    public TokenPolicy withNoticeEmails(List<String> emails) {
        return new TokenPolicy(maxLifetimeDays, loginRateLimitPerHour, maxTokens, managementClients,
                expiryNoticeDays, deleteUnusedAfterDays, unusedNoticeDays, List.copyOf(emails), usageRetentionDays, usageCounting);
    }

    /** Writes every figure, so the realm's attributes say exactly what {@link #of} will read back. */
    void store(RealmModel realm) {
        write(realm, Setting.maxLifetimeDays, maxLifetimeDays);
        write(realm, Setting.loginRateLimitPerHour, loginRateLimitPerHour);
        write(realm, Setting.maxTokens, maxTokens);
        write(realm, Setting.deleteUnusedAfterDays, deleteUnusedAfterDays);
        write(realm, Setting.unusedNoticeDays, unusedNoticeDays);
        write(realm, Setting.usageRetentionDays, usageRetentionDays);
        try {
            realm.setAttribute(MANAGEMENT_CLIENTS_ATTRIBUTE, JSON.writeValueAsString(managementClients));
            realm.setAttribute(ATTRIBUTE_PREFIX + EXPIRY_NOTICE_DAYS, JSON.writeValueAsString(expiryNoticeDays));
            realm.setAttribute(ATTRIBUTE_PREFIX + NOTICE_EMAILS, JSON.writeValueAsString(noticeEmails));
            realm.setAttribute(ATTRIBUTE_PREFIX + USAGE_COUNTING, Boolean.toString(usageCounting));
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
