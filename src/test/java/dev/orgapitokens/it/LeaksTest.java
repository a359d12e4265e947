package dev.orgapitokens.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgapitokens.key.ApiKeys;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one-pass leak scan finds exactly what checking each secret with {@code contains} finds. */
class LeaksTest {

    private static final String CHARS = "abcXYZ019-_. \n\"=oat";

    @Test
    void findsWhatContainsFindsOnRandomTexts() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            Set<String> secrets = new HashSet<>();
            for (int i = 0; i < 1 + random.nextInt(5); i++) secrets.add(ApiKeys.generate().substring(Leaks.PART_START, Leaks.PART_END));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < random.nextInt(200); i++) text.append(CHARS.charAt(random.nextInt(CHARS.length())));
            String secret = secrets.iterator().next();
            switch (random.nextInt(4)) {
                case 0 -> text.insert(random.nextInt(text.length() + 1), secret); // whole, anywhere, even inside a longer run
                case 1 -> text.insert(random.nextInt(text.length() + 1), secret.substring(1)); // one short: no leak
                case 2 -> text.insert(random.nextInt(text.length() + 1), "oat_" + secret + "Ab12"); // a whole key around it
                default -> { } // nothing inserted
            }
            boolean expected = secrets.stream().anyMatch(s -> text.toString().contains(s));
            assertEquals(expected, Leaks.anyIn(text.toString(), secrets), text.toString());
        }
    }

    @Test
    void aSecretAtEitherEndOfALongRunIsFound() {
        String secret = ApiKeys.generate().substring(Leaks.PART_START, Leaks.PART_END);
        assertTrue(Leaks.anyIn(secret, Set.of(secret)));
        assertTrue(Leaks.anyIn("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + secret, Set.of(secret)));
        assertTrue(Leaks.anyIn(secret + "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", Set.of(secret)));
        assertFalse(Leaks.anyIn(secret.substring(0, 13) + "-" + secret.substring(13), Set.of(secret)));
        assertFalse(Leaks.anyIn(null, Set.of(secret)));
        assertFalse(Leaks.anyIn(secret, Set.of()));
    }
}
