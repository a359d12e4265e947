package dev.orgapitokens.service;

import java.util.List;

/** Site ids and CIDRs are stored comma-separated; neither can contain a comma. */
final class StoredLists {

    private StoredLists() {
    }

    static String write(List<String> values) {
        return String.join(",", values);
    }

    static List<String> read(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(","));
    }
}
