package dev.orgapitokens.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.keycloak.models.RealmModel;

/**
 * A realm's policy for API tokens (SPEC §4 {@code /settings}). Kept in realm attributes: Keycloak
 * caches them with the realm, invalidates them on every node of a cluster when they change, and
 * realm exports carry them. A null figure means "no limit".
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"maxLifetimeDays", "loginRateLimitPerHour", "maxTokens"})
public record TokenPolicy(Integer maxLifetimeDays, Integer loginRateLimitPerHour, Integer maxTokens) {

    public static final int DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR = 5000;
    static final String ATTRIBUTE_PREFIX = "orgApiTokens.";
    /** Stored for an explicit "no limit", so that it differs from "never set" (which takes the default). */
    private static final String NONE = "none";
    private static final long DAY_MILLIS = 86_400_000L;

    private enum Field {
        maxLifetimeDays(36_500, null), loginRateLimitPerHour(1_000_000_000, DEFAULT_LOGIN_RATE_LIMIT_PER_HOUR), maxTokens(1_000_000, null);

        final int max;
        final Integer defaultValue;

        Field(int max, Integer defaultValue) {
            this.max = max;
            this.defaultValue = defaultValue;
        }

        String attribute() {
            return ATTRIBUTE_PREFIX + name();
        }
    }

    public static TokenPolicy of(RealmModel realm) {
        return new TokenPolicy(read(realm, Field.maxLifetimeDays), read(realm, Field.loginRateLimitPerHour), read(realm, Field.maxTokens));
    }

    /** The one figure a key login needs: a single attribute read from the cached realm. */
    public static Integer loginRateLimitPerHour(RealmModel realm) {
        return read(realm, Field.loginRateLimitPerHour);
    }

    /** Writes every figure, so the realm's attributes say exactly what {@link #of} will read back. */
    void store(RealmModel realm) {
        write(realm, Field.maxLifetimeDays, maxLifetimeDays);
        write(realm, Field.loginRateLimitPerHour, loginRateLimitPerHour);
        write(realm, Field.maxTokens, maxTokens);
    }

    /**
     * This policy changed by a {@code PUT /settings} body: a JSON object with any of the three
     * fields, each a whole number or null (no limit). Absent fields keep their value.
     */
    TokenPolicy with(byte[] body) {
        ObjectNode root = JsonBodies.readObject(body);
        Integer lifetime = maxLifetimeDays;
        Integer rate = loginRateLimitPerHour;
        Integer tokens = maxTokens;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Field field = fieldNamed(entry.getKey());
            Integer value = figure(field, entry.getValue());
            switch (field) {
                case maxLifetimeDays -> lifetime = value;
                case loginRateLimitPerHour -> rate = value;
                case maxTokens -> tokens = value;
            }
        }
        return new TokenPolicy(lifetime, rate, tokens);
    }

    /** Refuses a token that would not expire within the realm's maximum lifetime, counted from now. */
    void checkLifetime(Long expiresAt, long now) {
        if (maxLifetimeDays == null) return;
        long latest = now + maxLifetimeDays * DAY_MILLIS;
        if (expiresAt == null || expiresAt > latest) {
            throw ApiTokenErrors.badRequest("This realm's policy requires API tokens to expire within " + maxLifetimeDays
                    + " days: set expiresAt to " + latest + " (" + Instant.ofEpochMilli(latest) + ") or earlier");
        }
    }

    private static Field fieldNamed(String name) {
        for (Field field : Field.values()) {
            if (field.name().equals(name)) return field;
        }
        throw ApiTokenErrors.badRequest("Unknown field '" + name + "': settings are maxLifetimeDays, loginRateLimitPerHour and maxTokens");
    }

    private static Integer figure(Field field, JsonNode value) {
        if (value.isNull()) return null;
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > field.max) {
            throw ApiTokenErrors.badRequest(field.name() + " must be a whole number from 1 to " + field.max + ", or null for no limit");
        }
        return value.intValue();
    }

    private static Integer read(RealmModel realm, Field field) {
        String stored = realm.getAttribute(field.attribute());
        if (stored == null || stored.isEmpty()) return field.defaultValue;
        if (stored.equals(NONE)) return null;
        try {
            int value = Integer.parseInt(stored);
            return value >= 1 ? value : field.defaultValue;
        } catch (NumberFormatException e) {
            return field.defaultValue; // edited by hand into something unreadable: read as never set
        }
    }

    private static void write(RealmModel realm, Field field, Integer value) {
        realm.setAttribute(field.attribute(), value == null ? NONE : value.toString());
    }
}
