package dev.orgapitokens.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgapitokens.key.ApiKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The property the filter of known keys rests on (issue 23): every fingerprint added is found, at
 * every size, while the table grows, and by other threads as soon as the add returned. Misses are what
 * a flood of unknown keys meets; they must not find what was never added.
 */
class DigestSetTest {

    @Test
    void everyAddedFingerprintIsFoundAtEverySize() {
        SplittableRandom random = new SplittableRandom(23);
        for (int round = 0; round < 20; round++) {
            DigestSet set = new DigestSet(random.nextInt(3000));
            int n = random.nextInt(1, 200_000);
            long[] added = new long[n];
            for (int i = 0; i < n; i++) {
                // a few values in a narrow range too: neighbours, 0 (the empty slot) and its stand-in 1
                added[i] = i % 97 == 0 ? random.nextLong(-3, 4) : random.nextLong();
                set.add(added[i] == 0 ? 1 : added[i]);
                if (i % 4099 == 0) for (int j = 0; j <= i; j++) assertTrue(set.contains(added[j] == 0 ? 1 : added[j]), "lost after a grow");
            }
            for (long f : added) assertTrue(set.contains(f == 0 ? 1 : f), "an added fingerprint is not found");
            assertTrue(set.bytes() <= 8L * Math.max(4096, 8 * set.size() / 3 + 8), "at most 8/3 slots per entry: " + set.bytes());
        }
    }

    @Test
    void theDigestsOfRealKeysAreFoundAndOthersAreNot() {
        DigestSet set = new DigestSet(0);
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) digests.add(ApiKeys.digest(ApiKeys.generate()));
        for (String d : digests) set.add(DigestSet.fingerprint(d));
        for (String d : digests) assertTrue(set.contains(DigestSet.fingerprint(d)));
        int falsePositives = 0;
        for (int i = 0; i < 200_000; i++) if (set.contains(DigestSet.fingerprint(ApiKeys.digest(ApiKeys.generate())))) falsePositives++;
        assertEquals(0, falsePositives, "64-bit fingerprints of 20,000 digests: a random key matches with chance 1e-15");
        assertEquals(20_000, set.size());
    }

    @Test
    void fingerprintIsTheFirstSixteenHexDigits() {
        assertEquals(0x0123456789abcdefL, DigestSet.fingerprint("0123456789abcdef" + "f".repeat(48)));
        assertEquals(-1L, DigestSet.fingerprint("f".repeat(64)));
        assertEquals(1L, DigestSet.fingerprint("0".repeat(64)), "0 marks an empty slot, so it stands for itself as 1");
    }

    @Test
    void aFreshSetIsSmallAndHoldsNothing() {
        DigestSet set = new DigestSet(0);
        assertEquals(8 * 1024, set.bytes());
        assertFalse(set.contains(1));
        assertFalse(set.contains(-1));
    }

    @Test
    void oneHundredThousandDigestsTakeTwoMebibytes() {
        DigestSet set = new DigestSet(0);
        SplittableRandom random = new SplittableRandom(100_000);
        while (set.size() < 100_000) set.add(random.nextLong());
        assertEquals(1 << 21, set.bytes(), "2^18 slots of 8 bytes: 21 bytes per token");
        assertEquals(set.bytes(), new DigestSet(100_000).bytes(), "sized up front as when grown");
    }

    /** Readers never miss a fingerprint whose add returned before they looked, while a writer grows the table under them. */
    @Test
    void readersFindWhatAWriterAddedWhileTheTableGrows() throws InterruptedException {
        DigestSet set = new DigestSet(0);
        int n = 300_000;
        long[] values = new SplittableRandom(7).longs(n).map(v -> v == 0 ? 1 : v).toArray();
        AtomicInteger published = new AtomicInteger();
        ConcurrentLinkedQueue<String> misses = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread reader = new Thread(() -> {
                SplittableRandom random = new SplittableRandom();
                while (published.get() < n) {
                    int upTo = published.get();
                    if (upTo == 0) continue;
                    int i = random.nextInt(upTo);
                    if (!set.contains(values[i])) misses.add("value " + i + " of " + upTo);
                }
            });
            readers.add(reader);
            reader.start();
        }
        for (int i = 0; i < n; i++) {
            set.add(values[i]);
            published.set(i + 1);
        }
        for (Thread reader : readers) reader.join();
        assertTrue(misses.isEmpty(), "readers missed added fingerprints: " + misses.stream().limit(5).toList());
    }
}
