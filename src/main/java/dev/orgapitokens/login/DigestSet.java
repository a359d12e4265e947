package dev.orgapitokens.login;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;

/**
 * A set of key-digest fingerprints (the first 64 bits of a SHA-256 digest) in one array of longs:
 * open addressing with linear probing, a power-of-two table at most three quarters full, 0 marking an
 * empty slot. {@link #contains} takes no lock and allocates nothing; {@link #add} is serialised.
 * There are no removals: a set that has collected too many digests no token has any more is replaced
 * by a fresh one ({@link KnownKeys}).
 *
 * <p>Exactness: an added fingerprint is always found (an add publishes the table and the slot with
 * volatile writes, a lookup reads both with volatile reads). A fingerprint never added is found only if
 * it equals one that was, a chance of n/2^64 per lookup for a random key: that is a database read,
 * never a refusal.
 *
 * <p>Memory: 8 bytes per slot and between 4/3 and 8/3 slots per entry, i.e. 10.7 to 21.3 bytes per
 * digest; 100,000 digests take a table of 2^18 slots, 2 MiB (21 bytes each).
 */
final class DigestSet {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int MIN_CAPACITY = 1 << 10;
    /**
     * Mixed into the slot index, so that which slots a fingerprint probes differs per node and per set:
     * nobody can grind keys whose digests all probe one crowded run of the table.
     */
    private final long seed = new SecureRandom().nextLong();
    private volatile long[] table;
    private int size; // guarded by this

    DigestSet(int expected) {
        table = new long[capacityFor(expected)];
    }

    /** The first 16 hex characters of a lower-case hex digest as a long; 0 (the empty slot) becomes 1. */
    static long fingerprint(String hexDigest) {
        long value = 0;
        for (int i = 0; i < 16; i++) value = (value << 4) | Character.digit(hexDigest.charAt(i), 16);
        return value == 0 ? 1 : value;
    }

    boolean contains(long fingerprint) {
        long[] slots = table;
        int mask = slots.length - 1;
        for (int i = index(fingerprint, mask); ; i = (i + 1) & mask) {
            long slot = (long) SLOT.getVolatile(slots, i);
            if (slot == fingerprint) return true;
            if (slot == 0) return false;
        }
    }

    /** Adds the fingerprint; true if it was not there yet. */
    synchronized boolean add(long fingerprint) {
        if (contains(fingerprint)) return false;
        if ((size + 1) * 4L > table.length * 3L) table = rehash(table, table.length * 2);
        insert(table, fingerprint);
        size++;
        return true;
    }

    synchronized int size() {
        return size;
    }

    /** The table's size in bytes: what the set holds in memory, apart from a few object headers. */
    long bytes() {
        return table.length * 8L;
    }

    private void insert(long[] slots, long fingerprint) {
        int mask = slots.length - 1;
        int i = index(fingerprint, mask);
        while ((long) SLOT.getVolatile(slots, i) != 0) i = (i + 1) & mask;
        SLOT.setVolatile(slots, i, fingerprint);
    }

    private long[] rehash(long[] old, int capacity) {
        long[] grown = new long[capacity];
        for (long fingerprint : old) if (fingerprint != 0) insert(grown, fingerprint);
        return grown;
    }

    private int index(long fingerprint, int mask) {
        long h = fingerprint ^ seed;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) (h ^ (h >>> 33)) & mask;
    }

    private static int capacityFor(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < expected * 4L) capacity <<= 1;
        return capacity;
    }
}
