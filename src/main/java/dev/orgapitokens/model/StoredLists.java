package dev.orgapitokens.model;

import java.util.List;

/** Site ids and CIDRs are stored comma-separated; neither can contain a comma. */
public final class StoredLists {

    private StoredLists() {
    }

    public static String write(List<String> values) {
        return String.join(",", values);
    }

    public static List<String> read(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(","));
    }
}
