package dev.switchboard.stats.daily;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class OutcomeFactsDeserializerTest {

    private final OutcomeFactsDeserializer facts = new OutcomeFactsDeserializer();

    @Test
    void readsTheFiguresOfAnOutcomeAsTheFullSerdeDoes() {
        final RequestOutcome outcome = DailyStatsTopologyTest.outcome("v2", OutcomeStatus.TIMEOUT, 1_234, 10, 20,
            false);
        outcome.setStreamed(true);
        outcome.setTimeToFirstTokenMs(321L);
        outcome.setAttempt(2);
        outcome.setSelectionReason(SelectionReason.FAILOVER);
        outcome.setHttpStatus(0);
        outcome.setExperiment("tone");
        outcome.setArm("b");

        final OutcomeFacts read = facts.deserialize("t", EventSerdes.requestOutcome().serialize("t", outcome));

        assertThat(read).isEqualTo(OutcomeFacts.of(outcome));
        assertThat(read.timeToFirstTokenMs()).isEqualTo(321L);
        assertThat(read.arm()).isEqualTo("b");
    }

    @Test
    void refusesBytesThatAreNotAnOutcomeSoTheyGoToTheDeadLetterTopic() {
        assertThatThrownBy(() -> facts.deserialize("outcomes", "not an outcome".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(SerializationException.class).hasMessageContaining("from topic outcomes");
    }

    @Test
    void refusesAnOutcomeWrittenWithASchemaItDoesNotKnow() {
        final byte[] bytes = EventSerdes.requestOutcome().serialize("t",
            DailyStatsTopologyTest.outcome("v1", OutcomeStatus.SUCCESS, 10, 1, 1, false));
        final byte[] unknownFingerprint = Arrays.copyOf(bytes, bytes.length);
        unknownFingerprint[2] ^= 0x5a; // the fingerprint follows the two-byte marker

        assertThatThrownBy(() -> facts.deserialize("t", unknownFingerprint))
            .isInstanceOf(SerializationException.class);
    }
}
