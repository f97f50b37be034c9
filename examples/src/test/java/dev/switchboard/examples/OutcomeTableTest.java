package dev.switchboard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutcomeTableTest {

    private final OutcomeTable table = new OutcomeTable();

    @Test
    void shouldTotalEachVersionAndSkipWhatItCannotDecode() {
        table.accept("LLM/Chat/v1", encoded(OutcomeStatus.SUCCESS, 100, false));
        table.accept("LLM/Chat/v1", encoded(OutcomeStatus.UPSTREAM_ERROR, 300, false));
        table.accept("LLM/Chat/v2", encoded(OutcomeStatus.SUCCESS, 50, false));
        table.accept("LLM/Chat/v2", encoded(OutcomeStatus.SUCCESS, 50, true)); // a shadow call: not served
        table.accept("LLM/Chat/v2", "garbage".getBytes());

        assertThat(table.render().lines()).containsExactly(
            "version                            requests   success      mean ms       tokens",
            "LLM/Chat/v1                               2     50.0%        200.0           30",
            "LLM/Chat/v2                               1    100.0%         50.0           15",
            "1 record(s) could not be decoded and were skipped");
    }

    private static byte[] encoded(final OutcomeStatus status, final long latencyMs, final boolean shadow) {
        return EventSerdes.requestOutcome().serialize(Topics.REQUEST_OUTCOMES, RequestOutcome.newBuilder()
            .setRequestId("r").setEventTime(Instant.parse("2026-11-22T10:00:00Z"))
            .setCategory("LLM").setName("Chat").setVersion("v1").setModelName("m")
            .setSelectionReason(SelectionReason.WEIGHT).setStatus(status).setHttpStatus(200).setLatencyMs(latencyMs)
            .setPromptTokens(5).setCompletionTokens(10).setStreamed(false).setAttempt(1).setShadow(shadow)
            .setRouterInstance("test").build());
    }
}
