package dev.switchboard.routing.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class AnswerSimilarityTest {

    @Test
    void theSameWordsScoreOneWhateverTheCaseAndPunctuation() {
        assertThat(AnswerSimilarity.of("Paris is the capital of France.", "paris, is the CAPITAL of france")
            .getAsDouble()).isCloseTo(1.0, offset(1e-9));
    }

    @Test
    void answersWithNoWordInCommonScoreZeroAndPartlyAlikeOnesInBetween() {
        assertThat(AnswerSimilarity.of("yes indeed", "no way").getAsDouble()).isZero();
        assertThat(AnswerSimilarity.of("the capital is Paris", "the capital is Lyon").getAsDouble())
            .isCloseTo(0.75, offset(1e-9));
    }

    @Test
    void givesNoScoreWithoutTwoTexts() {
        assertThat(AnswerSimilarity.of(null, "text")).isEmpty();
        assertThat(AnswerSimilarity.of("...", "text")).isEmpty();
    }
}
