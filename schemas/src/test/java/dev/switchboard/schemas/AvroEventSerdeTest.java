package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroEventSerdeTest {

    private final AvroEventSerde<RequestOutcome> serde = EventSerdes.requestOutcome();

    @Test
    void roundTripsAnOutcomeInSingleObjectEncoding() {
        final RequestOutcome outcome = outcome();

        final byte[] bytes = serde.serialize(Topics.REQUEST_OUTCOMES, outcome);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3); // single-object marker
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize(Topics.REQUEST_OUTCOMES, bytes)).isEqualTo(outcome);
    }

    @Test
    void readsARecordWrittenWithAnOlderReleasedSchema() throws Exception {
        final Schema older = withoutField(RequestOutcome.getClassSchema(), "shadow");
        final GenericRecord written = new GenericData.Record(older);
        final RequestOutcome template = outcome();
        for (final Schema.Field field : older.getFields()) {
            written.put(field.name(), GenericData.get().deepCopy(field.schema(), toGeneric(template, field.name())));
        }
        final ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(written);
        final AvroEventSerde<RequestOutcome> reader =
            new AvroEventSerde<>(RequestOutcome.class, RequestOutcome.getClassSchema(), List.of(older));

        final RequestOutcome read = reader.deserialize(Topics.REQUEST_OUTCOMES, bytes.array());

        assertThat(read.getShadow()).isFalse();
        assertThat(read.getRequestId()).isEqualTo(template.getRequestId());
    }

    @Test
    void rejectsBytesThatAreNotAnEventWithAMessageNamingTheTopic() {
        assertThatThrownBy(() -> serde.deserialize(Topics.REQUEST_OUTCOMES, "not avro".getBytes()))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining(Topics.REQUEST_OUTCOMES);
    }

    @Test
    void rejectsARecordWithAnUnknownSchemaFingerprint() {
        final byte[] bytes = serde.serialize(Topics.REQUEST_OUTCOMES, outcome());
        bytes[5] ^= 0x5A; // corrupt the fingerprint, leave the marker intact

        assertThatThrownBy(() -> serde.deserialize(Topics.REQUEST_OUTCOMES, bytes))
            .isInstanceOf(SerializationException.class);
    }

    @Test
    void treatsNullAsATombstone() {
        assertThat(serde.deserialize(Topics.PROVIDER_CONFIG, null)).isNull();
        assertThat(serde.serialize(Topics.PROVIDER_CONFIG, null)).isNull();
    }

    private static Object toGeneric(final RequestOutcome outcome, final String field) {
        final Object value = outcome.get(field);
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Enum<?> symbol) {
            return new GenericData.EnumSymbol(RequestOutcome.getClassSchema().getField(field).schema(), symbol.name());
        }
        return value;
    }

    private static Schema withoutField(final Schema schema, final String dropped) {
        final List<Schema.Field> fields = schema.getFields().stream()
            .filter(f -> !f.name().equals(dropped))
            .map(f -> new Schema.Field(f, f.schema()))
            .toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    static RequestOutcome outcome() {
        return RequestOutcome.newBuilder()
            .setRequestId("req-1")
            .setEventTime(Instant.parse("2026-11-22T10:15:30.123Z"))
            .setCategory("LLM").setName("OllamaLLM").setVersion("v2").setModelName("llama2:13b")
            .setSelectionReason(SelectionReason.WEIGHT)
            .setStatus(OutcomeStatus.SUCCESS).setHttpStatus(200)
            .setLatencyMs(123).setPromptTokens(12).setCompletionTokens(34)
            .setStreamed(false).setAttempt(1).setShadow(false).setRouterInstance("router-1")
            .build();
    }
}
