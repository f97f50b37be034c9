package dev.switchboard.routing.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class PricesTest {

    @Test
    void shouldCostThePricePerRequestPlusTheTokensAtTheirPricesPerMillion() {
        final Prices prices = new Prices(2.5, 10, 0.001, 0);

        assertThat(prices.cost(1_000, 500, null)).hasValueCloseTo(0.001 + 0.0025 + 0.005, offset(1e-12));
    }

    @Test
    void shouldHaveNoCostWhenATokenCountItsPricesNeedIsMissing() {
        assertThat(new Prices(2.5, 10, 0, 0).cost(null, 500, null)).isEmpty();
        assertThat(new Prices(2.5, 10, 0, 0).cost(1_000, null, null)).isEmpty();
        assertThat(new Prices(0, 0, 0, 15).cost(null, null, null)).as("speech without its characters").isEmpty();
        assertThat(new Prices(0, 0, 0.02, 0).cost(null, null, null)).as("priced per request only").hasValue(0.02);
        assertThat(new Prices(2.5, 0, 0, 0).cost(1_000, null, null)).as("output tokens free").hasValue(0.0025);
    }

    @Test
    void shouldCostSpeechByTheCharactersItWasAskedToSpeak() {
        assertThat(new Prices(0, 0, 0, 15).cost(null, null, 4_000)).hasValueCloseTo(0.06, offset(1e-12));
    }

    @Test
    void shouldRefuseAPriceThatIsNotAFiniteNumberOfDollarsOrIsNegative() {
        assertThatThrownBy(() -> new Prices(-1, 0, 0, 0)).hasMessage(
            "price input_per_million_tokens must be a finite number of dollars, 0 or more, got -1.0");
        assertThatThrownBy(() -> new Prices(0, Double.NaN, 0, 0)).hasMessageContaining("output_per_million_tokens");
        assertThatThrownBy(() -> new Prices(0, 0, Double.POSITIVE_INFINITY, 0)).hasMessageContaining("per_request");
        assertThatThrownBy(() -> new Prices(0, 0, 0, -15)).hasMessageContaining("per_million_characters");
    }
}
