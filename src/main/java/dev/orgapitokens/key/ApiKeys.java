package dev.orgapitokens.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Key format (SPEC §6): {@code oat_} + 43 base62 characters from a CSPRNG (43 × log2(62) ≈ 256.03
 * bits) + a 6-character base62 CRC32 of everything before it. The prefix and checksum let secret
 * scanners find leaked keys and let the server drop a mistyped key without a database read.
 */
public final class ApiKeys {

    public static final String PREFIX = "oat_";
    static final int RANDOM_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    public static final int KEY_LENGTH = PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A fresh key. The caller shows it once and keeps only {@link #digest(String)}. */
    public static String generate() {
        StringBuilder key = new StringBuilder(KEY_LENGTH).append(PREFIX);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return key.append(checksum(key)).toString();
    }

    /** Prefix, length, alphabet and checksum: everything that can be checked without the database. */
    public static boolean isWellFormed(String key) {
        if (key == null || key.length() != KEY_LENGTH || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < KEY_LENGTH; i++) {
            if (!isBase62(key.charAt(i))) {
                return false;
            }
        }
        int bodyEnd = KEY_LENGTH - CHECKSUM_LENGTH;
        return checksum(key.subSequence(0, bodyEnd)).equals(key.substring(bodyEnd));
    }

    /**
     * One SHA-256 instance per thread: every key use digests its key, and looking the algorithm up
     * in the security providers each time was a visible share of a gateway check's own samples.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });
    private static final HexFormat HEX = HexFormat.of();

    /** Lower-case hex SHA-256 of the key: the only form a key is stored in. */
    public static String digest(String key) {
        return HEX.formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8))); // digest() also resets it
    }

    /**
     * Enough to recognise a key in a list ("oat_Ab3d…x9Qz"): four random characters and the last
     * four checksum characters, about 48 bits of a 256-bit secret.
     */
    public static String hint(String key) {
        return key.substring(0, PREFIX.length() + 4) + "\u2026" + key.substring(key.length() - 4);
    }

    static String checksum(CharSequence body) {
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
