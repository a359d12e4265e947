package dev.orgapitokens.it;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The suite's leak scans look for the random part of every key issued so far (characters 4 to 30,
 * 26 base62 characters) in logs, database columns, events and mails. Checking each text once per
 * key made the scan after each class grow with keys times text (the server log alone reaches
 * 20 MB); this looks at each character of a text once: a secret can only sit inside a run of base62
 * characters at least as long as itself, so only the windows of such runs are looked up.
 */
final class Leaks {

    /** The part of a key the scans look for: long enough to be unique, short enough to catch a truncated copy. */
    static final int PART_START = 4;
    static final int PART_END = 30;
    static final int PART_LENGTH = PART_END - PART_START;

    private Leaks() {
    }

    /** The random parts of the keys issued in this run so far. */
    static Set<String> issuedSecrets() {
        return Http.ISSUED_KEYS.stream().map(k -> k.substring(PART_START, PART_END)).collect(Collectors.toSet());
    }

    /** Whether {@code text} holds any of {@code secrets} (each {@link #PART_LENGTH} base62 characters). */
    static boolean anyIn(String text, Set<String> secrets) {
        if (text == null || secrets.isEmpty()) return false;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!isBase62(text.charAt(i))) {
                run = 0;
                continue;
            }
            if (++run >= PART_LENGTH && secrets.contains(text.substring(i + 1 - PART_LENGTH, i + 1))) return true;
        }
        return false;
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
