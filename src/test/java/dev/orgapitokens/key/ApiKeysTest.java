package dev.orgapitokens.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void keysHaveThePrefixAtLeast256RandomBitsAndAChecksum() {
        String key = ApiKeys.generate();
        assertTrue(key.matches("oat_[0-9A-Za-z]{43}[0-9A-Za-z]{6}"), "format");
        assertTrue(ApiKeys.RANDOM_LENGTH * Math.log(62) / Math.log(2) >= 256, "at least 256 bits of randomness");
        assertEquals(ApiKeys.checksum(key.substring(0, key.length() - 6)), key.substring(key.length() - 6));
        assertTrue(ApiKeys.isWellFormed(key));
    }

    @Test
    void everySingleCharacterTypoIsDetectedByTheChecksum() {
        String key = ApiKeys.generate();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 4; i < key.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == key.charAt(i)) continue;
                String typo = key.substring(0, i) + c + key.substring(i + 1);
                assertFalse(ApiKeys.isWellFormed(typo), "typo at " + i + " not detected");
            }
        }
        // swapped neighbours
        String swapped = key.substring(0, 10) + key.charAt(11) + key.charAt(10) + key.substring(12);
        if (!swapped.equals(key)) assertFalse(ApiKeys.isWellFormed(swapped));
    }

    @Test
    void malformedKeysAreRejectedWithoutADatabase() {
        String key = ApiKeys.generate();
        assertFalse(ApiKeys.isWellFormed(null));
        assertFalse(ApiKeys.isWellFormed(""));
        assertFalse(ApiKeys.isWellFormed("oat_"));
        assertFalse(ApiKeys.isWellFormed("ghp_" + key.substring(4)), "other prefix");
        assertFalse(ApiKeys.isWellFormed(key + "x"), "too long");
        assertFalse(ApiKeys.isWellFormed(key.substring(0, key.length() - 1)), "too short");
        assertFalse(ApiKeys.isWellFormed(key.substring(0, 20) + "-" + key.substring(21)), "outside base62");
        assertFalse(ApiKeys.isWellFormed(" " + key.substring(1)));
    }

    @Test
    void digestIsLowerCaseHexSha256() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.digest("abc"));
        String key = ApiKeys.generate();
        assertEquals(ApiKeys.digest(key), ApiKeys.digest(new String(key)));
        assertNotEquals(ApiKeys.digest(key), ApiKeys.digest(ApiKeys.generate()));
    }

    @Test
    void hintRecognisesAKeyWithoutRevealingIt() {
        String key = ApiKeys.generate();
        String hint = ApiKeys.hint(key);
        assertEquals(key.substring(0, 8) + "\u2026" + key.substring(key.length() - 4), hint);
        assertEquals(13, hint.length());
        assertFalse(hint.contains(key.substring(8, 20)));
    }

    @Test
    void noCollisionsIn100000Keys() {
        Set<String> keys = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String key = ApiKeys.generate();
            assertTrue(keys.add(key), "duplicate key");
            assertTrue(digests.add(ApiKeys.digest(key)), "duplicate digest");
        }
        assertEquals(100_000, keys.size());
    }
}
