package dev.switchboard.routing.shadow;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.apache.commons.text.similarity.CosineSimilarity;

/**
 * How alike two answers' texts are, from 0 (no word in common) to 1 (the same words as often): the cosine of
 * their word-count vectors (commons-text), case and punctuation aside. Cheap, order-blind and good enough to tell
 * a candidate that answers the same from one that answers something else; not a judge of quality.
 */
final class AnswerSimilarity {

    private static final Pattern WORDS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final CosineSimilarity COSINE = new CosineSimilarity();

    private AnswerSimilarity() {
    }

    /** Empty when either text is absent or has no words: no score rather than a made-up one. */
    public static OptionalDouble of(final String baseline, final String candidate) {
        if (baseline == null || candidate == null) {
            return OptionalDouble.empty();
        }
        final Map<CharSequence, Integer> a = words(baseline);
        final Map<CharSequence, Integer> b = words(candidate);
        if (a.isEmpty() || b.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.clamp(COSINE.cosineSimilarity(a, b), 0.0, 1.0));
    }

    private static Map<CharSequence, Integer> words(final String text) {
        final Map<CharSequence, Integer> counts = new HashMap<>();
        for (final String word : WORDS.split(text.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        return counts;
    }
}
