package dev.switchboard.stats.daily;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
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
    void theFastPathReadsWhatAvrosResolutionReads() {
        final SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 2_000; i++) {
            final RequestOutcome outcome = DailyStatsTopologyTest.outcome("v" + random.nextInt(5),
                OutcomeStatus.values()[random.nextInt(OutcomeStatus.values().length)], random.nextInt(60_000),
                random.nextBoolean() ? null : random.nextInt(5_000), random.nextBoolean() ? null : random.nextInt(900),
                random.nextInt(10) == 0);
            outcome.setRequestId("req-" + i);
            outcome.setSelectionReason(SelectionReason.values()[random.nextInt(SelectionReason.values().length)]);
            outcome.setStreamed(random.nextBoolean());
            outcome.setTimeToFirstTokenMs(random.nextBoolean() ? null : (long) random.nextInt(2_000));
            outcome.setExperiment(random.nextBoolean() ? null : "exp-" + random.nextInt(3));
            outcome.setArm(outcome.getExperiment() == null ? null : "model_" + random.nextInt(2));
            outcome.setSubjectHash(random.nextBoolean() ? null : "h" + i);
            outcome.setErrorType(random.nextBoolean() ? null : "http_" + random.nextInt(600));
            outcome.setAttempt(1 + random.nextInt(3));
            outcome.setCost(random.nextBoolean() ? null : random.nextDouble());
            final byte[] bytes = EventSerdes.requestOutcome().serialize("t", outcome);

            final OutcomeFacts expected = OutcomeFacts.of(outcome);
            assertThat(facts.deserialize("t", bytes)).isEqualTo(facts.readResolved("t", bytes))
                .isEqualTo(expected);
        }
    }

    @Test
    void theFastPathSchemaHasTheFieldsItReadsInTheOrderItReadsThem() {
        assertThat(OutcomeFactsDeserializer.FAST_PATH_SCHEMA.getFields()).extracting(Schema.Field::name)
            .containsExactly("request_id", "event_time", "category", "name", "version", "model_name",
                "selection_reason", "experiment", "arm", "subject_hash", "status", "http_status", "error_type",
                "latency_ms", "time_to_first_token_ms", "prompt_tokens", "completion_tokens", "streamed", "attempt",
                "shadow", "router_instance");
    }

    @Test
    void shouldReadWhatRoutersWriteNowOnTheFastPath() {
        // Releasing a schema version that moves the writers off the fast path costs the topology a quarter of its
        // throughput (RequestOutcome v2 did, until the fast path took every release with its layout).
        assertThat(OutcomeFactsDeserializer.FAST_PATH_SCHEMAS).first()
            .satisfies(newest -> assertThat(SchemaNormalization.parsingFingerprint64(newest))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(RequestOutcome.getClassSchema())));
        assertThat(OutcomeFactsDeserializer.FAST_PATH_SCHEMAS).hasSize(3);
        final RequestOutcome pinned = RequestOutcome.newBuilder(
                DailyStatsTopologyTest.outcome("v1", OutcomeStatus.SUCCESS, 10, 1, 1, false))
            .setSelectionReason(SelectionReason.PINNED).build();
        final byte[] bytes = EventSerdes.requestOutcome().serialize("t", pinned);

        assertThat(facts.deserialize("t", bytes)).isEqualTo(facts.readResolved("t", bytes))
            .extracting(OutcomeFacts::selectionReason).isEqualTo(SelectionReason.PINNED);
    }

    @Test
    void refusesATruncatedOutcome() {
        final byte[] bytes = EventSerdes.requestOutcome().serialize("t",
            DailyStatsTopologyTest.outcome("v1", OutcomeStatus.SUCCESS, 10, 1, 1, false));

        assertThatThrownBy(() -> facts.deserialize("t", Arrays.copyOf(bytes, bytes.length - 3)))
            .isInstanceOf(SerializationException.class);
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
