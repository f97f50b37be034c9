package dev.switchboard.routing.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttemptTest {

    private static final VersionKey KEY = new VersionKey("LLM", "Chat", "v1");

    @Test
    void shouldCarryTheCostOfAnAnsweredAttemptAtItsVersionsPrices() {
        final Attempt attempt = attempt(Optional.of(new Prices(2.5, 10, 0.001, 0)));
        attempt.answered(200);
        attempt.usage(1_000, 500);

        assertThat(attempt.finish().getCost()).isCloseTo(0.0085, offset(1e-12));
    }

    @Test
    void shouldCarryTheCostOfSpeechByItsInputsCharacters() {
        final Attempt speech = attempt(Optional.of(new Prices(0, 0, 0, 15)));
        speech.inputCharacters(2_000);
        speech.answered(200);

        assertThat(speech.finish().getCost()).isCloseTo(0.03, offset(1e-12));
    }

    @Test
    void shouldCarryNoCostForAFailedAttemptAnUnpricedVersionOrAnAnswerWithoutUsage() {
        final Attempt failed = attempt(Optional.of(new Prices(0, 0, 0.01, 0)));
        failed.failed(OutcomeStatus.UPSTREAM_ERROR, "connect_refused");
        final Attempt unpriced = attempt(Optional.empty());
        unpriced.answered(200);
        unpriced.usage(1_000, 500);
        final Attempt noUsage = attempt(Optional.of(new Prices(2.5, 10, 0, 0)));
        noUsage.answered(200);

        assertThat(failed.finish().getCost()).isNull();
        assertThat(unpriced.finish().getCost()).isNull();
        assertThat(noUsage.finish().getCost()).isNull();
    }

    @Test
    void shouldFillEveryFieldOfTheOutcomeTheSchemaAsksForWhateverTheAttemptSaw() {
        final Attempt bare = attempt(Optional.empty());
        bare.failed(OutcomeStatus.TIMEOUT, "timeout");
        final Attempt full = attempt(Optional.of(new Prices(2.5, 10, 0, 0)));
        full.answered(200);
        full.firstToken();
        full.usage(10, 20);

        // The outcome is filled field by field, not through the builder: a field added to the schema and not set
        // here would fail only when the event is serialized, off the request, and be lost.
        for (final RequestOutcome outcome : List.of(bare.shadow().finish(), full.finish())) {
            final byte[] bytes = EventSerdes.requestOutcome().serializer().serialize("t", outcome);
            assertThat(EventSerdes.requestOutcome().deserializer().deserialize("t", bytes)).isEqualTo(outcome);
        }
    }

    private static Attempt attempt(final Optional<Prices> prices) {
        final VersionConfig version = VersionConfig.of(KEY, "openai", "chat", URI.create("http://127.0.0.1:9"), 100,
            true, true, Map.of(), prices);
        return new Attempt(Clock.systemUTC(), "req-1", new Selection.Chosen(version, SelectionReason.WEIGHT), 1,
            false, "router-1");
    }
}
