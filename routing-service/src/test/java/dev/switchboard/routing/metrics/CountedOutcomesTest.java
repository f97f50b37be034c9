package dev.switchboard.routing.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every attempt is counted by provider, version and how it ended, shadow calls apart, and still passed on. */
class CountedOutcomesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RequestOutcome> passedOn = new ArrayList<>();
    private final CountedOutcomes counted = new CountedOutcomes(new OutcomeRecorder() {
        @Override
        public void record(final RequestOutcome outcome) {
            passedOn.add(outcome);
        }

        @Override
        public void recordComparison(final ShadowComparison comparison) {
        }
    }, registry);

    @Test
    void shouldCountEachAttemptByVersionAndOutcomeAndPassItOn() {
        counted.record(outcome("v1", OutcomeStatus.SUCCESS, false));
        counted.record(outcome("v1", OutcomeStatus.SUCCESS, false));
        counted.record(outcome("v2", OutcomeStatus.UPSTREAM_ERROR, false));
        counted.record(outcome("v2", OutcomeStatus.UPSTREAM_ERROR, true));

        assertThat(count("v1", "success", "false")).isEqualTo(2);
        assertThat(count("v2", "upstream_error", "false")).isEqualTo(1);
        assertThat(count("v2", "upstream_error", "true")).as("the shadow call, apart").isEqualTo(1);
        assertThat(passedOn).hasSize(4);
    }

    private double count(final String version, final String outcome, final String shadow) {
        return registry.get("switchboard.router.attempts").tag("provider", "LLM/OllamaLLM").tag("version", version)
            .tag("outcome", outcome).tag("shadow", shadow).counter().count();
    }

    private static RequestOutcome outcome(final String version, final OutcomeStatus status, final boolean shadow) {
        return RequestOutcome.newBuilder().setRequestId("req-1").setEventTime(Instant.EPOCH).setCategory("LLM")
            .setName("OllamaLLM").setVersion(version).setModelName("m").setSelectionReason(SelectionReason.WEIGHT)
            .setStatus(status).setHttpStatus(200).setLatencyMs(10).setStreamed(false).setAttempt(1)
            .setShadow(shadow).setRouterInstance("router-test").build();
    }
}
